// Issue 17, finding 8: every CSV the service produces (the usage export, every CSV of a statistics
// snapshot) opened in LibreOffice Calc with its most trusting import settings: no cell becomes a formula,
// whatever leads it, and each hostile text is still there to read (behind its `'`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { municipalities } from '../../shared/domain/codes.ts';
import { startTestService, type TestArea, type TestService } from '../support/service.ts';
import { openInLibreOffice } from '../support/spreadsheet.ts';
import { readObjects, useFreshBucket } from '../support/stats.ts';
import { startStreamCounting } from '../support/streams.ts';

// Leads a spreadsheet may read as the start of a formula, with what the free-text guard lets through.
const hostile = [
  '=1+1',
  '+1+1',
  '-1+1',
  '@SUM(1+1)',
  ' =1+1',
  '\u00A0=1+1',
  '\u200B=1+1',
  '\uFEFF=1+1',
  '\u3000=1+1',
  '\uFF1D1+1',
  '=HYPERLINK("https://example.org";"x")',
  '"=1+1"',
];

let service: TestService;
let streams: StreamPoller;
let area: TestArea;

beforeAll(async () => {
  service = await startTestService({ bucket: await useFreshBucket() });
  streams = await startStreamCounting();
  area = await service.area();
  // An area of its own for each text (a municipality joins one area only).
  const places = Object.entries(municipalities).slice(0, hostile.length);
  for (const [index, text] of hostile.entries()) {
    const [code, municipality] = places[index]!;
    await service.onboard({
      areaName: text,
      municipalityCodes: [code],
      welfareArea: municipality.welfareArea,
    });
  }
  const card = await service.issueCard(area, { minorChildren: 0 });
  for (const text of hostile) {
    const reply = await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
      eventName: text,
    });
    expect(reply.status, reply.text).toBe(201);
  }
  await streams.drain();
}, 120_000);
afterAll(async () => {
  await streams?.stop();
  await service?.stop();
});

describe('every CSV of the service in a spreadsheet', () => {
  it('makes no formula of any cell, and keeps every text readable', async () => {
    const files = new Map<string, string>();
    const exported = await service.call('GET', '/v1/usages?format=csv&limit=500', { key: service.adminKey });
    expect(exported.status).toBe(200);
    files.set('usages export', exported.text);
    const snapshot = await service.call('POST', '/v1/stats/snapshots', { key: service.adminKey, body: {} });
    expect(snapshot.status, snapshot.text).toBe(202);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date());
    const todays = await service.call('POST', '/v1/stats/snapshots', {
      key: service.adminKey,
      body: { date: today },
    });
    expect(todays.status, todays.text).toBe(202);
    for (const [key, body] of await readObjects('snapshots/'))
      if (key.endsWith('.csv')) files.set(key, body.toString('utf8'));
    expect(files.size).toBeGreaterThan(5);

    const opened = await openInLibreOffice(files);
    for (const [name, sheet] of opened) expect(sheet.formulas, name).toEqual([]);
    const cellsOf = (name: string) => opened.get(name)?.texts ?? [];
    const inExport = cellsOf('usages export');
    // Today's snapshot has the areas made today.
    const areaFiles = [...opened.keys()].filter((name) => name.endsWith(`${today}/internal/areas.csv`));
    expect(areaFiles.length).toBeGreaterThan(0);
    for (const text of hostile) {
      // LibreOffice may trim the spaces it skips; the text after them is there, with or without its `'`.
      const visible = text.replace(/^[\s\u00A0\u200B\uFEFF\u3000]+/, '');
      expect(
        inExport.some((cell) => cell.includes(visible)),
        `${JSON.stringify(text)} in the export`,
      ).toBe(true);
      for (const name of areaFiles)
        expect(
          cellsOf(name).some((cell) => cell.includes(visible)),
          `${JSON.stringify(text)} in ${name}`,
        ).toBe(true);
    }
  }, 300_000);
});
