// GET /v1/cards: the cards the caller's own organisation issued, one status at a time, valid ones expiring
// soonest first, paged with cursors, and of the holder only the birth year. Against the local service
// (DynamoDB Local); a card with a short or past validity is written with the store's own function.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCardNumber } from '../../shared/contract/card-number.ts';
import type { Card } from '../../shared/domain/cards.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import { putNewCard } from '../../shared/store/cards.ts';
import { startTestService, type TestArea, type TestService } from '../support/service.ts';

vi.setConfig({ testTimeout: 60_000 });

let service: TestService;
let area: TestArea;
let otherArea: TestArea;

beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
  otherArea = await service.area();
}, 120_000);

/** A card of the area's distributor valid until `validUntil` (in the past: expired), as the store keeps it. */
async function cardValidUntil(validUntil: string): Promise<string> {
  const issuedOn = addDays(validUntil, -365);
  const card: Card = {
    cardNumber: generateCardNumber(),
    cardType: 'personal',
    validUntil,
    areaId: area.areaId,
    issuedBy: area.distributorId,
    issuedAt: `${issuedOn}T09:00:00.000Z`,
    issuedOn,
    birthYear: 1990,
    postalCode: '00100',
    minorChildren: 1,
    adultAllowance: 1,
    childAllowance: 1,
    useCount: 0,
  };
  await putNewCard(card, []);
  return card.cardNumber;
}

const list = async (key: string, query = '') => {
  const reply = await service.call('GET', `/v1/cards${query}`, { key });
  expect(reply.status, reply.text).toBe(200);
  return reply.body as { items: Record<string, unknown>[]; nextCursor?: string };
};

describe('a distributor’s list of its cards', () => {
  it('lists valid cards expiring soonest first, expired and revoked ones apart, with no more than the card holds', async () => {
    const day = today();
    const soon = await cardValidUntil(addDays(day, 20));
    const lastDay = await cardValidUntil(day);
    const expired = await cardValidUntil(addDays(day, -3));
    const fresh = await service.issueCard(area, { birthYear: 1975, postalCode: '53100', gender: 'female' });
    const revoked = await service.issueCard(area);
    const revoke = await service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
      key: area.distributorKey,
      body: { reason: 'lost' },
    });
    expect(revoke.status).toBe(200);

    const active = await list(area.distributorKey);
    // A card valid until today is still valid, and the first to expire.
    expect(active.items.map((card) => card.cardNumber)).toEqual([lastDay, soon, fresh.cardNumber]);
    expect(active.items[2]).toEqual({
      cardNumber: fresh.cardNumber,
      cardType: 'personal',
      status: 'active',
      validUntil: fresh.validUntil,
      issuedOn: day,
      birthYear: 1975,
    });
    expect(JSON.stringify(active)).not.toMatch(/53100|female|postalCode|minorChildren|areaId/);

    const expiredList = await list(area.distributorKey, '?status=expired');
    expect(expiredList.items.map((card) => [card.cardNumber, card.status])).toEqual([[expired, 'expired']]);
    const revokedList = await list(area.distributorKey, '?status=revoked');
    expect(revokedList.items).toEqual([
      expect.objectContaining({
        cardNumber: revoked.cardNumber,
        status: 'revoked',
        revokedOn: day,
        revokeReason: 'lost',
      }),
    ]);

    // Renewing moves a card to its new place in the list (the index follows every change of the card).
    const renew = await service.call('POST', `/v1/cards/${soon}/renew`, {
      key: area.distributorKey,
      body: {},
    });
    expect(renew.status, renew.text).toBe(200);
    expect((await list(area.distributorKey)).items.map((card) => card.cardNumber)).toEqual([
      lastDay,
      ...[fresh.cardNumber, soon].sort(),
    ]);

    // Another organisation's distributor sees none of them.
    expect((await list(otherArea.distributorKey)).items).toEqual([]);
    expect((await list(otherArea.distributorKey, '?status=revoked')).items).toEqual([]);
  });

  it('pages with cursors, each card once, and refuses a bad status or cursor', async () => {
    const before = (await list(area.distributorKey, '?limit=500')).items.map((card) => card.cardNumber);
    for (let n = 0; n < 3; n++) await service.issueCard(area);
    const all = (await list(area.distributorKey, '?limit=500')).items.map((card) => card.cardNumber);
    expect(all.length).toBe(before.length + 3);
    const walked: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(
        area.distributorKey,
        `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      walked.push(...page.items.map((card) => card.cardNumber));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all);

    const badStatus = await service.call('GET', '/v1/cards?status=lost', { key: area.distributorKey });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.code).toBe('VALIDATION_FAILED');
    // A cursor pointed at another organisation's partition is refused, not followed.
    const foreign = Buffer.from(
      JSON.stringify({
        key: {
          pk: 'CARD#X',
          sk: 'CARD',
          gsi5pk: `ISSUED#${otherArea.distributorId}`,
          gsi5sk: 'A#2099-01-01#X',
        },
      }),
    ).toString('base64url');
    const tampered = await service.call('GET', `/v1/cards?cursor=${foreign}`, { key: area.distributorKey });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.code).toBe('VALIDATION_FAILED');
  });
});
