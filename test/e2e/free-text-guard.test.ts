// Issue 17, findings 1 and 2, through the local gateway: identity codes in disguise and control or
// bidirectional characters are refused in the fields where the security test stored them (the public
// application form, a use's eventName, organisation names), with the contract's codes, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applicationBody,
  drainStream,
  expectError,
  scanTable,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';

let service: TestService;
let area: TestArea;
let cardNumber: string;

beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
  cardNumber = (await service.issueCard(area)).cardNumber;
}, 60_000);
afterAll(() => service?.stop());

const disguises = [
  '١٣١٠٥٢-٣٠٨T',
  '13.10.52-308T',
  '1 3 1 0 5 2 - 3 0 8 T',
  '1\u034F3\u034F1052/308T',
  '131O52:3O8T',
];
const spoofing = [
  'Kunta\u202Eatnuk',
  'Kunta\u0000',
  'Kunta\u001B[2J',
  'Kunta\r\nX-Injected: 1',
  'Kunta\uD800',
];

const contact = { name: 'Kulttuuri Kontakti', email: 'culture@example.org' };
const applications = (text: string) => [
  applicationBody({ areaName: `Alue ${text}` }),
  applicationBody({ contacts: { culture: { ...contact, name: text }, social: contact } }),
  applicationBody({
    contacts: { culture: contact, social: { ...contact, email: `${text.replace(/ /g, '')}@example.org` } },
  }),
];

/** POST /v1/applications through a gateway of its own: the route's throttle (burst 5) is not the point. */
async function submit(body: unknown) {
  const gateway = await service.gateway();
  try {
    return await gateway.call('POST', '/v1/applications', { body });
  } finally {
    await gateway.close();
  }
}

/**
 * The whole table, once the stream's counters have caught up with what was done before; a key's
 * lastUsedAt moves with every request and is left out (an update may also reorder attributes).
 */
async function tableText(): Promise<string> {
  await drainStream();
  const items = (await scanTable()).map((item) =>
    JSON.stringify(
      Object.entries(item)
        .filter(([name]) => name !== 'lastUsedAt')
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  );
  return items.sort().join('\n');
}

describe('free text through the API', () => {
  it('refuses disguised identity codes with 400 PERSONAL_DATA_NOT_ALLOWED and stores nothing', async () => {
    const before = await tableText();
    for (const text of disguises) {
      for (const body of applications(text)) {
        const reply = await submit(body);
        expectError(reply, 400, 'PERSONAL_DATA_NOT_ALLOWED');
        expect(reply.text).not.toContain(text);
      }
      const use = await service.recordUse(area.venueKey, {
        cardNumber,
        sector: 'culture',
        adults: 1,
        children: 0,
        eventName: `Konsertti ${text}`,
      });
      expectError(use, 400, 'PERSONAL_DATA_NOT_ALLOWED');
      const organisation = await service.call('POST', `/v1/areas/${area.areaId}/organisations`, {
        key: service.adminKey,
        body: {
          kind: 'venue',
          name: `Teatteri ${text}`,
          municipalityCode: '049',
          contactEmail: 'a@example.org',
        },
      });
      expectError(organisation, 400, 'PERSONAL_DATA_NOT_ALLOWED');
    }
    expect(await tableText()).toBe(before);
  });

  it('refuses control and bidirectional characters with 400 VALIDATION_FAILED and stores nothing', async () => {
    const before = await tableText();
    for (const text of spoofing) {
      for (const body of applications(text).slice(0, 2)) {
        const reply = await submit(body);
        expectError(reply, 400, 'VALIDATION_FAILED');
      }
      const use = await service.recordUse(area.venueKey, {
        cardNumber,
        sector: 'culture',
        adults: 1,
        children: 0,
        eventName: text,
      });
      expectError(use, 400, 'VALIDATION_FAILED', ['eventName']);
      const renamed = await service.call('PATCH', `/v1/organisations/${area.venueId}`, {
        key: service.adminKey,
        body: { name: text },
      });
      expectError(renamed, 400, 'VALIDATION_FAILED', ['name']);
    }
    expect(await tableText()).toBe(before);
  });

  it('refuses them row by row in a CSV batch of uses', async () => {
    const csv = [
      'clientRef,cardNumber,sector,adults,children,eventName',
      `r1,${cardNumber},culture,1,0,"Konsertti 13.10.52-308T"`,
      `r2,${cardNumber},culture,1,0,"Konsertti \u202Egnik"`,
      `r3,${cardNumber},culture,1,0,Konsertti`,
    ].join('\r\n');
    const reply = await service.call('POST', '/v1/usages/batch', {
      key: area.venueKey,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(reply.status).toBe(200);
    const results = reply.body.results as { clientRef: string; error?: { code: string } }[];
    expect(results.map((row) => [row.clientRef, row.error?.code ?? 'ok'])).toEqual([
      ['r1', 'PERSONAL_DATA_NOT_ALLOWED'],
      ['r2', 'VALIDATION_FAILED'],
      ['r3', 'ok'],
    ]);
  });
});
