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
//
// In bounded memory (issue 21), whatever the table holds: the scan streams page by page into files on disk
// (shared/stats/counting/spill.ts), never holding the items:
// 1. each card and use goes to one of `cardBuckets` files by its card number (what the birth-year join
//    needs), and what needs no join is summed at once, per area and month, into the area's month files
//    (the recount) next to the counter items' own values;
// 2. bucket by bucket, a bucket's cards are held (about 1/256 of them) while its uses stream past: the
//    uses' persons by birth year go to the area's month files;
// 3. area by area, month by month, one month's sums are held and compared, the cards-active running sums
//    carried from month to month.
// Memory: the spill buffers' fixed limits, one bucket's cards, one area-month's sums. Disk: about 60
// bytes per use and card, removed at the end.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sectors } from '../../contract/roles.ts';
import { addDays, nextMonth, today as todayOf } from '../../lib/dates.ts';
import { scanPages } from '../../store/full-scan.ts';
import { cardCounterDay, useCounters } from '../../store/keys.ts';
import { bucketOf, LineFiles, linesOf, SpillingSums } from './spill.ts';

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

/**
 * Cards and uses are spread over this many files by card number: one file's cards are held at a time,
 * about 4,000 at a million cards (40 bytes of line each, a few hundred in a Map), 40,000 at ten million.
 */
const cardBuckets = 256;

/** What a line of an area's month file says (tab-separated: kind, item, field, value). */
const kinds = {
  /** A counter item's field, as stored. */
  counter: 'c',
  /** The recount of a counter item's field. */
  recount: 'r',
  /** A CARDS# item's activeDelta (field: its day). */
  activeDelta: 'd',
  /** The recount's change of cards active on a day (field: the day). */
  activeChange: 'e',
} as const;

class Workspace {
  readonly files = new LineFiles();
  readonly sums = new SpillingSums(this.files);
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }
  cardFile = (cardNumber: string) => join(this.dir, 'cards', `${bucketOf(cardNumber, cardBuckets)}.tsv`);
  useFile = (cardNumber: string) => join(this.dir, 'uses', `${bucketOf(cardNumber, cardBuckets)}.tsv`);
  areaDir = (areaId: string) => join(this.dir, 'areas', Buffer.from(areaId).toString('base64url'));
  monthFile = (areaId: string, month: string) => join(this.areaDir(areaId), `${month}.tsv`);
  /** Adds to an area's month file (month: of `day`, or the YYYY-MM given). */
  add(areaId: string, monthOrDay: string, kind: string, item: string, field: string, value: number): void {
    this.sums.add(this.monthFile(areaId, monthOrDay.slice(0, 7)), `${kind}\t${item}\t${field}`, value);
  }
}

export async function reconcile(
  options: { readonly today?: string; readonly workDir?: string } = {},
): Promise<Reconciliation> {
  const today = options.today ?? todayOf();
  const dir = mkdtempSync(join(options.workDir ?? tmpdir(), 'kaiku-reconcile-'));
  try {
    const work = new Workspace(dir);
    const read = { uses: 0, cards: 0, counterItems: 0 };
    const itemsScanned = await scanPages((items) => {
      for (const item of items) {
        if (item.entity === 'card') {
          read.cards++;
          takeCard(work, item, today);
        } else if (item.entity === 'usage') {
          read.uses++;
          takeUse(work, item);
        } else if (String(item.pk).startsWith('AGG#')) {
          read.counterItems++;
          takeCounterItem(work, item);
        }
      }
    });
    work.files.flush();
    const differences: Difference[] = [];
    await joinBirthYears(work, differences);
    work.sums.flush();
    const activeDays = await compareAreas(work, today, differences);
    return {
      differences,
      checked: {
        itemsScanned,
        uses: read.uses,
        cards: read.cards,
        counterItems: read.counterItems,
        activeDays,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function takeCard(work: Workspace, card: Record<string, unknown>, today: string): void {
  const cardNumber = String(card.cardNumber);
  const areaId = String(card.areaId);
  const issuedOn = String(card.issuedOn);
  const validUntil = String(card.validUntil);
  const birthYear = card.birthYear === undefined ? undefined : Number(card.birthYear);
  const firstUsedOn = card.firstUsedOn === undefined ? undefined : String(card.firstUsedOn);
  if (firstUsedOn) work.add(areaId, firstUsedOn, kinds.recount, `CARDS#${firstUsedOn}`, 'takenIntoUse', 1);
  if (!card.replaces) {
    work.add(areaId, issuedOn, kinds.recount, `CARDS#${issuedOn}`, 'registered', 1);
    work.add(areaId, issuedOn, kinds.recount, `CARDS#${issuedOn}`, `registered_${birthYear ?? 'unknown'}`, 1);
  }
  // Active from its issue day through validUntil, and not from the day it is revoked: counted from today
  // (or its issue day, if later) up to the day after its end.
  const revokedOn = card.revokedOn === undefined ? undefined : String(card.revokedOn);
  const end = revokedOn && revokedOn <= validUntil ? addDays(revokedOn, -1) : validUntil;
  // The area takes part in the cards-active check even when none of its cards is active.
  work.add(areaId, today, kinds.activeChange, '', today, 0);
  if (end < issuedOn || end < today) {
    work.files.add(work.cardFile(cardNumber), `${cardNumber}\t${birthYear ?? ''}\t${firstUsedOn ? 1 : 0}`);
    return;
  }
  const from = issuedOn <= today ? today : issuedOn;
  const after = addDays(end, 1);
  work.add(areaId, from, kinds.activeChange, '', from, 1);
  work.add(areaId, after, kinds.activeChange, '', after, -1);
  work.files.add(work.cardFile(cardNumber), `${cardNumber}\t${birthYear ?? ''}\t${firstUsedOn ? 1 : 0}`);
}

function takeUse(work: Workspace, use: Record<string, unknown>): void {
  const cardNumber = String(use.cardNumber);
  const areaId = String(use.areaId);
  const day = String(use.day);
  const adults = Number(use.adults);
  const children = Number(use.children);
  const voided = use.voided === true;
  work.files.add(
    work.useFile(cardNumber),
    `${cardNumber}\t${areaId}\t${day}\t${adults + children}\t${voided ? 1 : 0}`,
  );
  if (voided) return;
  const item = `USES#${day}#${String(use.sector)}`;
  work.add(areaId, day, kinds.recount, item, 'adultUses', adults);
  work.add(areaId, day, kinds.recount, item, 'childUses', children);
  work.add(areaId, day, kinds.recount, item, 'records', 1);
}

const useCounterField = /^(.+)(AdultUses|ChildUses|Records)$/;

function takeCounterItem(work: Workspace, item: Record<string, unknown>): void {
  const areaId = String(item.pk).slice('AGG#'.length);
  // A day's card counters, sharded or not (store/keys.ts), are compared as one item.
  const sk = String(item.sk).startsWith('CARDS#')
    ? `CARDS#${cardCounterDay(String(item.sk))}`
    : String(item.sk);
  const month = sk.startsWith('AGEMONTH#')
    ? sk.slice('AGEMONTH#'.length)
    : sk.slice(sk.indexOf('#') + 1, sk.indexOf('#') + 8);
  if (sk.startsWith('USES#')) {
    // A day's use item holds every sector's counters: compared per sector, like the recount.
    for (const [field, value] of Object.entries(item)) {
      const match = useCounterField.exec(field);
      if (!match) continue;
      const [, sector, counter] = match as unknown as [string, string, 'AdultUses' | 'ChildUses' | 'Records'];
      // A sector outside the four is itself a difference: it would never reach the statistics.
      if (!sectors.includes(sector as never)) {
        work.add(areaId, month, kinds.counter, `${sk}#${sector}`, 'sector', 1);
        continue;
      }
      const counterName =
        counter === 'AdultUses' ? 'adultUses' : counter === 'ChildUses' ? 'childUses' : 'records';
      if (useCounters(sector)[counterName] === field)
        work.add(areaId, month, kinds.counter, `${sk}#${sector}`, counterName, Number(value));
    }
    return;
  }
  for (const [field, value] of Object.entries(item))
    if (isCounterField(field)) work.add(areaId, month, kinds.counter, sk, field, Number(value));
  if (sk.startsWith('CARDS#')) {
    const day = sk.slice('CARDS#'.length);
    work.add(areaId, day, kinds.activeDelta, '', day, Number(item.activeDelta ?? 0));
  }
}

/** Persons admitted by the holder's birth year, bucket by bucket; and every used card's first-use day. */
async function joinBirthYears(work: Workspace, differences: Difference[]): Promise<void> {
  for (let bucket = 0; bucket < cardBuckets; bucket++) {
    const cards = new Map<string, { birthYear: string; firstUsed: boolean }>();
    for await (const line of linesOf(join(work.dir, 'cards', `${bucket}.tsv`))) {
      const [cardNumber = '', birthYear = '', firstUsed] = line.split('\t');
      cards.set(cardNumber, { birthYear, firstUsed: firstUsed === '1' });
    }
    const withoutFirstUse = new Set<string>();
    for await (const line of linesOf(join(work.dir, 'uses', `${bucket}.tsv`))) {
      const [cardNumber = '', areaId = '', day = '', persons = '0', voided] = line.split('\t');
      const card = cards.get(cardNumber);
      // A card with a recorded use must have its first-use day (takenIntoUse comes from it).
      if (!card?.firstUsed) withoutFirstUse.add(cardNumber);
      if (voided === '1') continue;
      const field = `uses_${card?.birthYear || 'unknown'}`;
      work.add(areaId, day, kinds.recount, `AGES#${day}`, field, Number(persons));
      work.add(areaId, day, kinds.recount, `AGEMONTH#${day.slice(0, 7)}`, field, Number(persons));
    }
    for (const cardNumber of [...withoutFirstUse].sort())
      differences.push({ item: `CARD#${cardNumber}`, field: 'firstUsedOn', counter: 0, recount: 1 });
  }
}

const lastDayOf = (month: string) => addDays(`${nextMonth(month)}-01`, -1);

/**
 * Area by area, month by month: the counters against the recount, and cards active day by day from today
 * to the area's last change. Answers the number of area-days checked for cards active.
 */
async function compareAreas(work: Workspace, today: string, differences: Difference[]): Promise<number> {
  const areasDir = join(work.dir, 'areas');
  let areaDirs: string[];
  try {
    areaDirs = readdirSync(areasDir);
  } catch {
    return 0;
  }
  const areas = areaDirs.map((name) => Buffer.from(name, 'base64url').toString()).sort();
  const todayMonth = today.slice(0, 7);
  let activeDays = 0;
  for (const areaId of areas) {
    const months = readdirSync(work.areaDir(areaId))
      .map((name) => name.slice(0, 7))
      .sort();
    const first = [months[0]!, todayMonth].sort()[0]!;
    const lastMonth = [months.at(-1)!, todayMonth].sort()[1]!;
    const prefix = `AGG#${areaId} `;
    let takesPart = false;
    let counter = 0;
    let expected = 0;
    let days = 0;
    const activeDifferences: Difference[] = [];
    for (let month = first; month <= lastMonth; month = nextMonth(month)) {
      const counters: Counts = new Map();
      const recount: Counts = new Map();
      const deltas = new Map<string, number>();
      const changes = new Map<string, number>();
      for await (const line of linesOf(work.monthFile(areaId, month))) {
        const [kind, item = '', field = '', value = '0'] = line.split('\t');
        const amount = Number(value);
        if (kind === kinds.counter) add(counters, prefix + item, field, amount);
        else if (kind === kinds.recount) add(recount, prefix + item, field, amount);
        else if (kind === kinds.activeDelta) deltas.set(field, (deltas.get(field) ?? 0) + amount);
        else changes.set(field, (changes.get(field) ?? 0) + amount);
      }
      // A counter left at zero (a use and its void) is no difference; sectors outside the four would be.
      compare(counters, recount, differences);
      if (deltas.size > 0 || changes.size > 0) takesPart = true;
      if (month < todayMonth) {
        for (const delta of deltas.values()) counter += delta;
        continue;
      }
      const last =
        month === lastMonth
          ? [...deltas.keys(), ...changes.keys(), ...(todayMonth === month ? [today] : [])].sort().pop()
          : lastDayOf(month);
      if (last === undefined) continue;
      for (let day = `${month}-01`; day <= last; day = addDays(day, 1)) {
        counter += deltas.get(day) ?? 0;
        if (day < today) continue;
        expected += changes.get(day) ?? 0;
        days++;
        if (counter !== expected)
          activeDifferences.push({
            item: `AGG#${areaId} CARDS# up to ${day}`,
            field: 'cardsActive',
            counter,
            recount: expected,
          });
      }
    }
    if (!takesPart) continue;
    activeDays += days;
    differences.push(...activeDifferences);
  }
  return activeDays;
}

export function describeDifference(difference: Difference): string {
  return `${difference.item} ${difference.field}: counter ${difference.counter}, recount ${difference.recount}`;
}
