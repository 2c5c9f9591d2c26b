// GET /v1/stats/summary after a known set of cards, uses and voids: exact figures, and who may see what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, today as todayOf } from '../../shared/lib/dates.ts';
import { registerArea, registerOrganisation } from '../../shared/use-cases/register-organisation.ts';
import {
  expectError,
  putBackdatedCard,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';
import { startStreamCounting } from '../support/streams.ts';

let service: TestService;
let a: TestArea;
let b: TestArea;
let partnerKey: string;
const today = todayOf();
const noon = (day: string) => `${day}T12:00:00+02:00`;

/** An area with municipalities (the test service's areas have none) and its organisations. */
async function areaWith(municipalityCodes: string[]): Promise<TestArea> {
  const area = await registerArea({
    name: `Area ${municipalityCodes.join('+')}`,
    municipalityCodes,
    welfareArea: 'LU',
  });
  const org = (kind: 'distributor' | 'venue' | 'area-admin') =>
    registerOrganisation({ kind, name: kind, areaId: area.areaId });
  const [distributor, venue, areaAdmin] = await Promise.all([
    org('distributor'),
    org('venue'),
    org('area-admin'),
  ]);
  return {
    areaId: area.areaId,
    distributorKey: distributor.apiKey,
    distributorId: distributor.organisation.orgId,
    venueKey: venue.apiKey,
    venueId: venue.organisation.orgId,
    areaAdminKey: areaAdmin.apiKey,
  };
}

async function use(venueKey: string, body: Record<string, unknown>): Promise<string> {
  const reply = await service.recordUse(venueKey, body);
  if (reply.status !== 201) throw new Error(`use not recorded: ${reply.status} ${reply.text}`);
  return reply.body.usageId;
}

beforeAll(async () => {
  service = await startTestService();
  [a, b] = await Promise.all([areaWith(['049', '092']), areaWith(['091'])]);
  partnerKey = await service.partnerKey();

  // Area A: four cards registered today, one of them revoked; one registered 40 days ago, expired 5 days ago.
  const card1 = await service.issueCard(a, { birthYear: 1980, minorChildren: 2 });
  const card2 = await service.issueCard(a, { birthYear: 1990, minorChildren: 0 });
  const card3 = await service.issueCard(a, { cardType: 'community' });
  const revoked = await service.issueCard(a, { birthYear: 1970 });
  const revoke = await service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
    key: a.distributorKey,
    body: { reason: 'lost' },
  });
  expect(revoke.status).toBe(200);
  const old = await putBackdatedCard(a, { issuedOn: addDays(today, -40), validUntil: addDays(today, -5) });

  await use(a.venueKey, { cardNumber: card1.cardNumber, sector: 'culture', adults: 1, children: 2 });
  await use(a.venueKey, { cardNumber: card1.cardNumber, sector: 'sport', adults: 1, children: 0 });
  await use(a.venueKey, { cardNumber: card2.cardNumber, sector: 'education', adults: 1, children: 0 });
  await use(a.venueKey, { cardNumber: card3.cardNumber, sector: 'science', adults: 3, children: 4 });
  const voided = await use(a.venueKey, {
    cardNumber: card2.cardNumber,
    sector: 'culture',
    adults: 1,
    children: 0,
  });
  const voiding = await service.call('DELETE', `/v1/usages/${voided}`, { key: a.venueKey });
  expect(voiding.status).toBe(200);
  await use(a.venueKey, {
    cardNumber: old.cardNumber,
    sector: 'culture',
    adults: 1,
    children: 1,
    occurredAt: noon(addDays(today, -10)),
  });
  // A card of area A used at a venue of area B: the use counts for B, the card for A.
  await use(b.venueKey, { cardNumber: card1.cardNumber, sector: 'sport', adults: 1, children: 0 });
  // Cards taken into use are counted from the table's stream, as the deployed consumer does.
  const streams = await startStreamCounting();
  await streams.drain();
  await streams.stop();
});
afterAll(() => service?.stop());

const summary = (key: string, query: string) => service.call('GET', `/v1/stats/summary?${query}`, { key });
const sectors = (culture: number[], education: number[], science: number[], sport: number[]) => ({
  culture: { adultUses: culture[0], childUses: culture[1] },
  education: { adultUses: education[0], childUses: education[1] },
  science: { adultUses: science[0], childUses: science[1] },
  sport: { adultUses: sport[0], childUses: sport[1] },
});

const areaA30Days = {
  cardsRegistered: 4,
  cardsActive: 3,
  cardsTakenIntoUse: 4,
  uses: 14,
  adultUses: 7,
  childUses: 7,
  bySector: sectors([2, 3], [1, 0], [3, 4], [1, 0]),
  municipalities: 2,
};

describe('GET /v1/stats/summary', () => {
  it("gives an area's exact figures for a range: events inside it, states on its last day", async () => {
    const reply = await summary(
      service.adminKey,
      `areaId=${a.areaId}&from=${addDays(today, -30)}&to=${today}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(areaA30Days);
  });

  it('counts only the days asked for', async () => {
    const day = await summary(service.adminKey, `areaId=${a.areaId}&from=${today}&to=${today}`);
    expect(day.body).toEqual({
      ...areaA30Days,
      cardsTakenIntoUse: 3,
      uses: 12,
      adultUses: 6,
      childUses: 6,
      bySector: sectors([1, 2], [1, 0], [3, 4], [1, 0]),
    });
    // Back then: the old card registered, active on the last day, taken into use and used once.
    const before = await summary(
      service.adminKey,
      `areaId=${a.areaId}&from=${addDays(today, -40)}&to=${addDays(today, -6)}`,
    );
    expect(before.body).toEqual({
      cardsRegistered: 1,
      cardsActive: 1,
      cardsTakenIntoUse: 1,
      uses: 2,
      adultUses: 1,
      childUses: 1,
      bySector: sectors([1, 1], [0, 0], [0, 0], [0, 0]),
      // The areas were created today.
      municipalities: 0,
    });
  });

  it('gives national figures to an admin who names no area', async () => {
    const reply = await summary(service.adminKey, `from=${addDays(today, -30)}&to=${today}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      ...areaA30Days,
      uses: 15,
      adultUses: 8,
      bySector: sectors([2, 3], [1, 0], [3, 4], [2, 0]),
      municipalities: 3,
    });
  });

  it("gives an area-admin its own area's figures, with or without naming it", async () => {
    const range = `from=${addDays(today, -30)}&to=${today}`;
    expect((await summary(a.areaAdminKey, range)).body).toEqual(areaA30Days);
    expect((await summary(a.areaAdminKey, `${range}&areaId=${a.areaId}`)).body).toEqual(areaA30Days);
    expect((await summary(b.areaAdminKey, range)).body).toMatchObject({
      cardsRegistered: 0,
      uses: 1,
      adultUses: 1,
      cardsTakenIntoUse: 0,
      municipalities: 1,
    });
  });

  it("answers 404 for another area's figures and for an area that does not exist", async () => {
    expectError(await summary(a.areaAdminKey, `areaId=${b.areaId}`), 404, 'NOT_FOUND');
    expectError(await summary(service.adminKey, 'areaId=nosucharea'), 404, 'NOT_FOUND');
  });

  it('is for admins and area-admins only', async () => {
    for (const key of [partnerKey, a.venueKey, a.distributorKey, await service.ticketAgent()])
      expectError(await summary(key, ''), 403, 'FORBIDDEN');
    expect((await service.call('GET', '/v1/stats/summary')).status).toBe(401);
  });

  it('refuses a range that ends before it starts, or after today', async () => {
    expectError(
      await summary(service.adminKey, `from=${today}&to=${addDays(today, -1)}`),
      400,
      'VALIDATION_FAILED',
      ['from'],
    );
    expectError(await summary(service.adminKey, `to=${addDays(today, 1)}`), 400, 'VALIDATION_FAILED', ['to']);
    expectError(await summary(service.adminKey, 'from=2026-02-30'), 400, 'VALIDATION_FAILED', ['from']);
  });

  it("defaults to the year so far: from 1 January of today's year to today", async () => {
    const reply = await summary(service.adminKey, `areaId=${a.areaId}`);
    const explicit = await summary(
      service.adminKey,
      `areaId=${a.areaId}&from=${today.slice(0, 4)}-01-01&to=${today}`,
    );
    expect(reply.body).toEqual(explicit.body);
  });
});
