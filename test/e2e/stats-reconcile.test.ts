// Reconciliation: after a random mix of cards, uses (single and batch, across areas, late entries),
// voids, renewals, revocations and replacements through the API, recounting everything from the uses
// and cards finds no difference from the counters; and a counter that is off is reported.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { addDays, today as todayOf } from '../../shared/lib/dates.ts';
import { reconcile } from '../../shared/stats/counting/reconcile.ts';
import { documentClient } from '../../shared/store/client.ts';
import { cardAggregateKey, useAggregateKey, useCounters } from '../../shared/store/keys.ts';
import { putBackdatedCard, startTestService, type TestArea, type TestService } from '../support/service.ts';
import { startStreamCounting } from '../support/streams.ts';
import { prng, randomInt } from '../unit/stats/support.ts';

interface CardState {
  cardNumber: string;
  area: TestArea;
  community: boolean;
  children: number;
  issuedOn: string;
  validUntil: string;
}

let service: TestService;
let streams: StreamPoller;
const today = todayOf();
const random = prng(20_261_128);
const pick = <T>(items: readonly T[]): T => items[randomInt(random, items.length - 1)]!;
const sectors = ['culture', 'education', 'science', 'sport'] as const;
const statuses: number[] = [];

beforeAll(async () => {
  service = await startTestService();
  streams = await startStreamCounting();
  const areas = [await service.area(), await service.area()];
  const venues = areas.map((area) => ({ area, key: area.venueKey }));
  const cards: CardState[] = [];
  const uses: { usageId: string; venueKey: string }[] = [];

  const issue = async (area: TestArea) => {
    const community = random() < 0.25;
    const children = randomInt(random, 3);
    const card = await service.issueCard(
      area,
      community
        ? { cardType: 'community' }
        : { birthYear: 1940 + randomInt(random, 68), minorChildren: children },
    );
    cards.push({
      cardNumber: card.cardNumber,
      area,
      community,
      children: community ? 10 : children,
      issuedOn: today,
      validUntil: card.validUntil,
    });
  };
  const backdated = async (area: TestArea, issuedBack: number, validBack: number) => {
    const card = await putBackdatedCard(area, {
      issuedOn: addDays(today, -issuedBack),
      validUntil: addDays(today, -validBack),
      minorChildren: 2,
    });
    cards.push({ ...card, area, community: false, children: 2 });
  };
  const useBody = (card: CardState) => {
    const adults = card.community ? randomInt(random, 3) : randomInt(random, 1);
    const children = Math.min(card.children, randomInt(random, 2));
    // Late entries too: any day the card may have been valid on, within the contract's 60 days.
    const earliest = [card.issuedOn, addDays(today, -59)].sort().pop()!;
    const latest = [card.validUntil, today].sort()[0]!;
    const back =
      earliest <= latest
        ? randomInt(random, Math.max(0, (Date.parse(latest) - Date.parse(earliest)) / 864e5))
        : 0;
    const day = addDays(latest, -back);
    return {
      cardNumber: card.cardNumber,
      sector: pick(sectors),
      adults: adults + children === 0 ? 1 : adults,
      children,
      // Today's uses happen now: 11:00 today is still ahead in the small hours.
      ...(day !== today && { occurredAt: `${day}T11:00:00+02:00` }),
    };
  };

  for (const area of areas) {
    for (let i = 0; i < 5; i++) await issue(area);
    await backdated(area, 50, 3); // expired three days ago
    await backdated(area, 360, -2); // expires the day after tomorrow
    await backdated(area, 30, -100);
  }

  const operations = [
    'use',
    'use',
    'use',
    'use',
    'use',
    'batch',
    'void',
    'void',
    'renew',
    'revoke',
    'replace',
    'issue',
  ];
  for (let step = 0; step < 90; step++) {
    const operation = pick(operations);
    const card = pick(cards);
    const venue = pick(venues);
    let status = 0;
    if (operation === 'use') {
      const reply = await service.recordUse(venue.key, useBody(card));
      status = reply.status;
      if (status === 201) uses.push({ usageId: reply.body.usageId, venueKey: venue.key });
    } else if (operation === 'batch') {
      const items = Array.from({ length: 6 }, (_, i) => ({
        clientRef: `r${step}-${i}`,
        ...useBody(pick(cards)),
      }));
      const reply = await service.call('POST', '/v1/usages/batch', { key: venue.key, body: { items } });
      status = reply.status;
      for (const result of reply.body.results ?? [])
        if (result.status === 'created') uses.push({ usageId: result.usageId, venueKey: venue.key });
    } else if (operation === 'void' && uses.length > 0) {
      const use = uses.splice(randomInt(random, uses.length - 1), 1)[0]!;
      status = (await service.call('DELETE', `/v1/usages/${use.usageId}`, { key: use.venueKey })).status;
    } else if (operation === 'renew') {
      const reply = await service.call('POST', `/v1/cards/${card.cardNumber}/renew`, {
        key: card.area.distributorKey,
        body: {},
      });
      status = reply.status;
      if (status === 200) card.validUntil = reply.body.validUntil;
    } else if (operation === 'revoke') {
      status = (
        await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
          key: card.area.distributorKey,
          body: { reason: 'lost' },
        })
      ).status;
    } else if (operation === 'replace') {
      const reply = await service.call('POST', `/v1/cards/${card.cardNumber}/replace`, {
        key: card.area.distributorKey,
        body: {},
      });
      status = reply.status;
      if (status === 201)
        cards.push({
          ...card,
          cardNumber: reply.body.cardNumber,
          issuedOn: today,
          validUntil: reply.body.validUntil,
        });
    } else if (operation === 'issue') {
      await issue(card.area);
      status = 201;
    }
    statuses.push(status);
  }
  await streams.drain();
}, 120_000);
afterAll(async () => {
  await streams?.stop();
  await service?.stop();
});

describe('npm run verify-stats (reconcile)', () => {
  it('finds every counter equal to the recount after a random mix of changes', async () => {
    // Refusals are part of the mix (a revoked or expired card, a use voided twice); no server errors.
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 201 || status === 200).length).toBeGreaterThan(40);
    const { differences, checked } = await reconcile();
    expect(differences).toEqual([]);
    expect(checked.uses).toBeGreaterThan(40);
    expect(checked.cards).toBeGreaterThan(15);
    expect(checked.activeDays).toBeGreaterThan(365);
  });

  it('reports a counter that is off, and cards active that do not add up', async () => {
    const { items } = await (async () => {
      const { scanTable } = await import('../../shared/store/full-scan.ts');
      return scanTable((item) => String(item.sk).startsWith('USES#'));
    })();
    const counter = items.find((item) => Number(item.cultureAdultUses) > 0) ?? items[0]!;
    const day = String(counter.sk).slice('USES#'.length);
    const sector = Object.keys(counter)
      .find((name) => name.endsWith('AdultUses'))!
      .replace('AdultUses', '');
    const areaId = String(counter.pk).slice('AGG#'.length);
    const add = (key: { pk: string; sk: string }, field: string) =>
      documentClient().send(
        new UpdateCommand({
          TableName: process.env.TABLE_NAME,
          Key: key,
          UpdateExpression: 'ADD #field :one',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    await add(useAggregateKey(areaId, day), useCounters(sector).adultUses);
    await add(cardAggregateKey(areaId, addDays(today, 3)), 'activeDelta');
    const { differences } = await reconcile();
    expect(differences).toContainEqual({
      item: `AGG#${areaId} USES#${day}#${sector}`,
      field: 'adultUses',
      counter: Number(counter[useCounters(sector).adultUses]) + 1,
      recount: Number(counter[useCounters(sector).adultUses]),
    });
    expect(differences.filter((difference) => difference.field === 'cardsActive')[0]).toMatchObject({
      item: `AGG#${areaId} CARDS# up to ${addDays(today, 3)}`,
    });
  });
});
