import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { ageUsesKey } from '../../shared/store/keys.ts';
import { getItem, startTestService, type TestService } from '../support/service.ts';
import { startAgeGroupCounting } from '../support/streams.ts';

let service: TestService;
let streams: StreamPoller;
beforeAll(async () => {
  service = await startTestService();
  streams = await startAgeGroupCounting();
});
afterAll(async () => {
  await streams.stop();
  await service.stop();
});

const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Helsinki' });

describe('age-group counters from the stream', () => {
  it('count each use once under its holder birth year, and take back a voided use', async () => {
    const area = await service.area();
    const issue = async (body: object) =>
      (await service.call('POST', '/v1/cards', { key: area.distributorKey, body })).body.cardNumber as string;
    const older = await issue({
      cardType: 'personal',
      birthYear: 1950,
      postalCode: '00100',
      minorChildren: 2,
    });
    const younger = await issue({
      cardType: 'personal',
      birthYear: 2001,
      postalCode: '00100',
      minorChildren: 0,
    });
    const group = await issue({ cardType: 'community' });
    const use = async (cardNumber: string, adults: number, children: number, key: string) => {
      const reply = await service.call('POST', '/v1/usages', {
        key: area.venueKey,
        headers: { 'idempotency-key': key },
        body: { cardNumber, sector: 'sport', adults, children },
      });
      expect(reply.status).toBe(201);
      return reply.body.usageId as string;
    };
    await use(older, 1, 2, 'a');
    const voided = await use(older, 1, 0, 'b');
    await use(younger, 1, 0, 'c');
    await use(group, 4, 3, 'd');
    await streams.drain();
    // A second pass over the same records (as a redelivery would be) must change nothing.
    await streams.drain();
    const counters = async () => getItem(ageUsesKey(area.areaId, today()));
    expect(await counters()).toMatchObject({ uses_1950: 4, uses_2001: 1, uses_unknown: 7 });
    const reply = await service.call('DELETE', `/v1/usages/${voided}`, { key: area.venueKey });
    expect(reply.status).toBe(200);
    await streams.drain();
    expect(await counters()).toMatchObject({ uses_1950: 3, uses_2001: 1, uses_unknown: 7 });
  });
});
