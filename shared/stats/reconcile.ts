// npm run verify-stats: recounts every statistics counter from the recorded uses and cards (a full read
// of the table: an offline check, never a request path) and lists where the counters disagree.
//
// What is compared (docs/statistics.md, "Reconciliation"):
// - USES#<day>: per sector, adult uses, child uses and records of the uses not voided (reported as
//   `USES#<day>#<sector>`);
// - CARDS#<day>: cards registered (a replacement card is not a new registration) in total and by birth
//   year; and cards active, as the running sum of activeDelta, on every day from today to the last
//   expiry. Earlier days are not recounted: a card keeps only its current validity, not the history of
//   its renewals, so its past days cannot be rebuilt from it;
// - AGES#<day> and AGEMONTH#<month>: persons admitted by the holder's birth year (from the stream);
// - CARDS#<day> takenIntoUse (kept from the table's stream): cards whose first recorded use was that day;
//   and that every card with a recorded use has a first-use day.
import { addDays, today as todayOf } from '../dates.ts';
import type { Card } from '../domain/cards.ts';
import type { Usage } from '../domain/usages.ts';
import { sectors } from '../roles.ts';
import { scanTable } from '../store/full-scan.ts';
import { useCounters } from '../store/keys.ts';

export interface Difference {
  /** The counter item, e.g. `AGG#a1 USES#2026-03-01#culture` or `AGG#a1 CARDS#2026-03-01`. */
  readonly item: string;
  readonly field: string;
  readonly counter: number;
  readonly recount: number;
}

export interface Reconciliation {
  readonly differences: Difference[];
  readonly checked: {
    readonly itemsScanned: number;
    readonly uses: number;
    readonly cards: number;
    readonly counterItems: number;
    readonly activeDays: number;
  };
}

type Counts = Map<string, Map<string, number>>;

function add(counts: Counts, item: string, field: string, value: number): void {
  let fields = counts.get(item);
  if (!fields) {
    fields = new Map();
    counts.set(item, fields);
  }
  fields.set(field, (fields.get(field) ?? 0) + value);
}

/** Every (item, field) in either side; a missing item or field counts as zero. */
function compare(counters: Counts, recount: Counts, differences: Difference[]): void {
  for (const item of [...new Set([...counters.keys(), ...recount.keys()])].sort()) {
    const a = counters.get(item) ?? new Map<string, number>();
    const b = recount.get(item) ?? new Map<string, number>();
    for (const field of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const counter = a.get(field) ?? 0;
      const expected = b.get(field) ?? 0;
      if (counter !== expected) differences.push({ item, field, counter, recount: expected });
    }
  }
}

const isCounterField = (name: string) =>
  ['registered', 'takenIntoUse'].includes(name) || name.startsWith('registered_') || name.startsWith('uses_');

export async function reconcile(options: { readonly today?: string } = {}): Promise<Reconciliation> {
  const today = options.today ?? todayOf();
  const { items, scanned } = await scanTable((item) => {
    const pk = String(item.pk);
    return item.entity === 'card' || item.entity === 'usage' || pk.startsWith('AGG#');
  });
  const cards = new Map<string, Card>();
  const uses: Usage[] = [];
  const counters: Counts = new Map();
  const activeDeltas = new Map<string, Map<string, number>>();
  let counterItems = 0;
  for (const item of items) {
    if (item.entity === 'card') cards.set(String(item.cardNumber), item as unknown as Card);
    else if (item.entity === 'usage') uses.push(item as unknown as Usage);
    else {
      counterItems++;
      const name = `${item.pk} ${item.sk}`;
      if (String(item.sk).startsWith('USES#')) addUseCounters(counters, name, item);
      else
        for (const [field, value] of Object.entries(item))
          if (isCounterField(field)) add(counters, name, field, Number(value));
      if (String(item.sk).startsWith('CARDS#')) {
        const areaId = String(item.pk).slice('AGG#'.length);
        const deltas = activeDeltas.get(areaId) ?? new Map<string, number>();
        activeDeltas.set(areaId, deltas);
        deltas.set(String(item.sk).slice('CARDS#'.length), Number(item.activeDelta ?? 0));
      }
    }
  }

  const recount: Counts = new Map();
  const usedCards = new Set<string>();
  for (const use of uses) {
    usedCards.add(use.cardNumber);
    if (use.voided) continue;
    const counter = `AGG#${use.areaId} USES#${use.day}#${use.sector}`;
    add(recount, counter, 'adultUses', use.adults);
    add(recount, counter, 'childUses', use.children);
    add(recount, counter, 'records', 1);
    const birthYear = cards.get(use.cardNumber)?.birthYear;
    for (const item of [`AGES#${use.day}`, `AGEMONTH#${use.day.slice(0, 7)}`])
      add(recount, `AGG#${use.areaId} ${item}`, `uses_${birthYear ?? 'unknown'}`, use.adults + use.children);
  }
  for (const card of cards.values()) {
    if (card.firstUsedOn) add(recount, `AGG#${card.areaId} CARDS#${card.firstUsedOn}`, 'takenIntoUse', 1);
    if (card.replaces) continue;
    const counter = `AGG#${card.areaId} CARDS#${card.issuedOn}`;
    add(recount, counter, 'registered', 1);
    add(recount, counter, `registered_${card.birthYear ?? 'unknown'}`, 1);
  }
  // A counter left at zero (a use and its void) is no difference; sectors outside the four would be.
  const differences: Difference[] = [];
  compare(counters, recount, differences);

  // Cards active, day by day from today to the day after the last expiry. A card is active from its
  // issue day through validUntil, and not from the day it is revoked.
  const areaIds = new Set([...activeDeltas.keys(), ...[...cards.values()].map((card) => card.areaId)]);
  const changes = new Map<string, Map<string, number>>();
  const activeToday = new Map<string, number>();
  for (const card of cards.values()) {
    const end =
      card.revokedOn && card.revokedOn <= card.validUntil ? addDays(card.revokedOn, -1) : card.validUntil;
    if (end < card.issuedOn || end < today) continue;
    const areaChanges = changes.get(card.areaId) ?? new Map<string, number>();
    changes.set(card.areaId, areaChanges);
    if (card.issuedOn <= today) activeToday.set(card.areaId, (activeToday.get(card.areaId) ?? 0) + 1);
    else areaChanges.set(card.issuedOn, (areaChanges.get(card.issuedOn) ?? 0) + 1);
    const after = addDays(end, 1);
    areaChanges.set(after, (areaChanges.get(after) ?? 0) - 1);
  }
  let activeDays = 0;
  for (const areaId of [...areaIds].sort()) {
    const deltas = activeDeltas.get(areaId) ?? new Map<string, number>();
    const areaChanges = changes.get(areaId) ?? new Map<string, number>();
    const last = [...deltas.keys(), ...areaChanges.keys(), today].sort().pop()!;
    let counter = 0;
    for (const [day, delta] of deltas) if (day <= today) counter += delta;
    let expected = activeToday.get(areaId) ?? 0;
    for (let day = today; day <= last; day = addDays(day, 1)) {
      if (day > today) {
        counter += deltas.get(day) ?? 0;
        expected += areaChanges.get(day) ?? 0;
      }
      activeDays++;
      if (counter !== expected)
        differences.push({
          item: `AGG#${areaId} CARDS# up to ${day}`,
          field: 'cardsActive',
          counter,
          recount: expected,
        });
    }
  }

  // A card with a recorded use must have its first-use day (the counter above comes from it).
  for (const cardNumber of usedCards)
    if (!cards.get(cardNumber)?.firstUsedOn)
      differences.push({ item: `CARD#${cardNumber}`, field: 'firstUsedOn', counter: 0, recount: 1 });

  return {
    differences,
    checked: { itemsScanned: scanned, uses: uses.length, cards: cards.size, counterItems, activeDays },
  };
}

export function describeDifference(difference: Difference): string {
  return `${difference.item} ${difference.field}: counter ${difference.counter}, recount ${difference.recount}`;
}

const useCounterField = /^(.+)(AdultUses|ChildUses|Records)$/;

/** A day's use item holds every sector's counters: compared per sector, like the recount. */
function addUseCounters(counters: Counts, name: string, item: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(item)) {
    const match = useCounterField.exec(field);
    if (!match) continue;
    const [, sector, counter] = match as unknown as [string, string, 'AdultUses' | 'ChildUses' | 'Records'];
    // A sector outside the four is itself a difference: it would never reach the statistics.
    if (!sectors.includes(sector as never)) {
      add(counters, `${name}#${sector}`, 'sector', 1);
      continue;
    }
    const names = useCounters(sector);
    const counterName =
      counter === 'AdultUses' ? 'adultUses' : counter === 'ChildUses' ? 'childUses' : 'records';
    if (names[counterName] === field) add(counters, `${name}#${sector}`, counterName, Number(value));
  }
}
