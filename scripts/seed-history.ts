// npm run seed -- --months N: N months of history (default 250 uses a month) built through the HTTP API,
// the same API and the same rules a venue or a distributor meets: a card is issued "today", uses go at most
// 60 days back, a void comes within 14 days. History can only be made by living through it, so the seed
// runs a local service of its own on the data folder (npm start must not be running: one service per
// folder) and moves that service's clock (shared/lib/clock.ts) through the past, event by event: each card is
// issued, each use recorded, each void made at the instant it happens in the plan. The plan (historyPlan)
// is a pure function of the first and last day: the same days give the same cards, uses and voids.
//
// What happens in it:
//  - areas of very different size join one after the other through the onboarding flow (apply, approve,
//    claim): Helsinki (about half the cards), Tampere, Turku and Lappeenranta (mid), Sotkamo (small),
//    Inari and Luhanka (a handful of cards); each area's organisations and keys are made the day it joins;
//  - distributors issue cards on working days (more in an area's first month); a year later most are
//    renewed, some lapse, a few are lost (revoked) or replaced;
//  - uses nearly every day, more at weekends and less in July; most are recorded as they happen (POST
//    /v1/usages), a fifth of those in the bigger areas by the ticket agent; small venues enter theirs on
//    Mondays for the week before (a batch, occurredAt up to a week back), and now and then a venue enters a
//    forgotten list weeks later (up to 50 days back); venues void a few uses within a week.
// It ends at the real time (or at KAIKU_CLOCK, when set): events planned for later today are left out.
// Then the service stops; `npm start` serves the data from the clock's present.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../infra/local/seeded-random.ts';
import { withCheckCharacter } from '../shared/contract/card-number.ts';
import { lifeSituations as allLifeSituations, genders } from '../shared/contract/holder.ts';
import { nowMs } from '../shared/lib/clock.ts';
import { addDays, daysBetween, helsinkiDate, oneYearValidity } from '../shared/lib/dates.ts';
import { helsinkiInstant } from '../shared/stats/snapshot/nightly-time.ts';
import { describeError, ScriptError } from './cli.ts';
import { dataDirectory, shown } from './local-service.ts';

type Sector = 'culture' | 'education' | 'science' | 'sport';
const sectors: readonly Sector[] = ['culture', 'education', 'science', 'sport'];

// ---- Who is in the history -------------------------------------------------------------------------

const contacts = (town: string) => ({
  culture: { name: `${town} kulttuuripalvelut`, email: `kulttuuri@${town.toLowerCase()}.example` },
  social: { name: `${town} sosiaalipalvelut`, email: `sosiaali@${town.toLowerCase()}.example` },
});

export interface HistoryArea {
  readonly ref: string;
  readonly areaName: string;
  readonly municipalityCodes: readonly string[];
  readonly welfareArea: string;
  readonly contacts: ReturnType<typeof contacts>;
  /** Its share of the cards issued (while it is in the scheme). */
  readonly weight: number;
  /** When it joins: a fraction of the history (0: the first day). */
  readonly joins: number;
  /** The ticket agent sells for its venues. */
  readonly ticketed: boolean;
}

export const historyAreas: readonly HistoryArea[] = [
  {
    ref: 'hki',
    areaName: 'Helsinki (demo)',
    municipalityCodes: ['091'],
    welfareArea: 'HKI',
    contacts: contacts('Helsinki'),
    weight: 0.52,
    joins: 0,
    ticketed: true,
  },
  {
    ref: 'pi',
    areaName: 'Tampere ja Ylöjärvi (demo)',
    municipalityCodes: ['837', '980'],
    welfareArea: 'PI',
    contacts: contacts('Tampere'),
    weight: 0.18,
    joins: 0.03,
    ticketed: true,
  },
  {
    ref: 'vs',
    areaName: 'Turku ja Kaarina (demo)',
    municipalityCodes: ['853', '202'],
    welfareArea: 'VS',
    contacts: contacts('Turku'),
    weight: 0.15,
    joins: 0.09,
    ticketed: true,
  },
  {
    ref: 'ek',
    areaName: 'Lappeenranta (demo)',
    municipalityCodes: ['405'],
    welfareArea: 'EK',
    contacts: contacts('Lappeenranta'),
    weight: 0.09,
    joins: 0.16,
    ticketed: false,
  },
  {
    ref: 'la',
    areaName: 'Inari (demo)',
    municipalityCodes: ['148'],
    welfareArea: 'LA',
    contacts: contacts('Inari'),
    weight: 0.012,
    joins: 0.25,
    ticketed: false,
  },
  {
    ref: 'lh',
    areaName: 'Luhanka (demo)',
    municipalityCodes: ['435'],
    welfareArea: 'KS',
    contacts: contacts('Luhanka'),
    weight: 0.005,
    joins: 0.3,
    ticketed: false,
  },
  {
    ref: 'ka',
    areaName: 'Sotkamo (demo)',
    municipalityCodes: ['765'],
    welfareArea: 'KA',
    contacts: contacts('Sotkamo'),
    weight: 0.04,
    joins: 0.45,
    ticketed: false,
  },
];

export interface HistoryOrganisation {
  readonly ref: string;
  readonly area: string;
  readonly kind: 'distributor' | 'venue';
  readonly name: string;
  readonly municipalityCode: string;
  readonly cardLimitPerDay?: number;
  /** A distributor's postal codes. */
  readonly postalCodes?: readonly string[];
  /** A venue's usual sector, its size (a share of its area's uses) and how it records them. */
  readonly sector?: Sector;
  readonly size?: number;
  readonly records?: 'as-they-happen' | 'weekly';
}

const distributor = (ref: string, area: string, name: string, code: string, postalCodes: string[]) =>
  ({ ref, area, kind: 'distributor', name, municipalityCode: code, postalCodes }) as const;
const venue = (
  ref: string,
  area: string,
  name: string,
  code: string,
  sector: Sector,
  size: number,
  records: 'as-they-happen' | 'weekly' = 'as-they-happen',
  cardLimitPerDay?: number,
): HistoryOrganisation => ({
  ref,
  area,
  kind: 'venue',
  name,
  municipalityCode: code,
  sector,
  size,
  records,
  ...(cardLimitPerDay !== undefined && { cardLimitPerDay }),
});

export const historyOrganisations: readonly HistoryOrganisation[] = [
  distributor('hki-social-east', 'hki', 'Helsingin sosiaalipalvelut, itä (demo)', '091', [
    '00700',
    '00740',
    '00810',
    '00920',
    '00940',
    '00970',
  ]),
  distributor('hki-social-west', 'hki', 'Helsingin sosiaalipalvelut, länsi (demo)', '091', [
    '00100',
    '00180',
    '00200',
    '00320',
    '00400',
    '00420',
  ]),
  venue('hki-museum', 'hki', 'Helsingin kaupunginmuseo (demo)', '091', 'culture', 3, 'as-they-happen', 4),
  venue('hki-theatre', 'hki', 'Helsingin kaupunginteatteri (demo)', '091', 'culture', 2),
  venue('hki-library', 'hki', 'Oodi-kirjasto (demo)', '091', 'education', 3),
  venue('hki-swimming', 'hki', 'Itäkeskuksen uimahalli (demo)', '091', 'sport', 3),
  venue('hki-science', 'hki', 'Tiedekeskus Heureka (demo)', '091', 'science', 2),
  distributor('pi-social', 'pi', 'Tampereen sosiaalipalvelut (demo)', '837', [
    '33100',
    '33200',
    '33500',
    '33720',
  ]),
  distributor('pi-ylojarvi', 'pi', 'Ylöjärven sosiaalitoimi (demo)', '980', ['33470', '33480']),
  venue('pi-theatre', 'pi', 'Tampereen Teatteri (demo)', '837', 'culture', 3),
  venue('pi-sports', 'pi', 'Tampereen urheilutalo (demo)', '837', 'sport', 2),
  venue('pi-library', 'pi', 'Ylöjärven kirjasto (demo)', '980', 'education', 1, 'weekly'),
  distributor('vs-social', 'vs', 'Turun sosiaalipalvelut (demo)', '853', [
    '20100',
    '20500',
    '20700',
    '20900',
  ]),
  venue('vs-concert', 'vs', 'Turun konserttitalo (demo)', '853', 'culture', 2),
  venue('vs-science', 'vs', 'Tiedekeskus Turku (demo)', '853', 'science', 2),
  venue('vs-sports', 'vs', 'Kaarinan liikuntahalli (demo)', '202', 'sport', 1, 'weekly'),
  distributor('ek-social', 'ek', 'Lappeenrannan sosiaalipalvelut (demo)', '405', ['53100', '53300', '53850']),
  venue('ek-theatre', 'ek', 'Lappeenrannan kaupunginteatteri (demo)', '405', 'culture', 2),
  venue('ek-science', 'ek', 'Saimaan tiedekeskus (demo)', '405', 'science', 1, 'weekly'),
  distributor('la-social', 'la', 'Inarin sosiaalitoimi (demo)', '148', ['99800', '99870']),
  venue('la-museum', 'la', 'Saamelaismuseo (demo)', '148', 'culture', 1, 'weekly'),
  distributor('lh-social', 'lh', 'Luhangan sosiaalitoimi (demo)', '435', ['19950']),
  venue('lh-library', 'lh', 'Luhangan kirjasto (demo)', '435', 'education', 1, 'weekly'),
  distributor('ka-social', 'ka', 'Sotkamon sosiaalitoimi (demo)', '765', ['88600', '88610']),
  venue('ka-sports', 'ka', 'Vuokatin liikuntakeskus (demo)', '765', 'sport', 1, 'weekly'),
];

export const ticketAgentRef = 'ticket-agent';

// ---- The plan --------------------------------------------------------------------------------------

export interface HistoryUse {
  /** Idempotency-Key (recorded as it happens) or clientRef (in a batch). */
  readonly ref: string;
  readonly holder: number;
  readonly cardNumber: string;
  readonly venue: string;
  /** The venue's ref, or the ticket agent. */
  readonly recorder: string;
  readonly sector: Sector;
  readonly adults: number;
  readonly children: number;
  readonly occurredAt: number;
  readonly recordedAt: number;
  /** Recorded later than it happened, in a batch (occurredAt sent). */
  readonly late: boolean;
}

export type HistoryEvent =
  | { readonly kind: 'national'; readonly at: number }
  | { readonly kind: 'join'; readonly at: number; readonly area: string }
  | {
      readonly kind: 'issue';
      readonly at: number;
      readonly distributor: string;
      readonly body: Record<string, string | number>;
    }
  | { readonly kind: 'renew'; readonly at: number; readonly distributor: string; readonly cardNumber: string }
  | {
      readonly kind: 'revoke';
      readonly at: number;
      readonly distributor: string;
      readonly cardNumber: string;
      readonly reason: 'lost' | 'misuse';
    }
  | {
      readonly kind: 'replace';
      readonly at: number;
      readonly distributor: string;
      readonly cardNumber: string;
      readonly newCardNumber: string;
    }
  | { readonly kind: 'use'; readonly at: number; readonly use: HistoryUse }
  | {
      readonly kind: 'batch';
      readonly at: number;
      readonly recorder: string;
      readonly uses: readonly HistoryUse[];
    }
  | { readonly kind: 'void'; readonly at: number; readonly use: HistoryUse };

export interface HistoryPlan {
  readonly firstDay: string;
  readonly lastDay: string;
  /** In the order they happen (by `at`, ms since the epoch). */
  readonly events: readonly HistoryEvent[];
  readonly cards: number;
  readonly uses: number;
}

// Holders in the demo data state a situation (the last two, "other" and "undisclosed", are left out).
const lifeSituations = allLifeSituations.slice(0, 6);
const cardAlphabet = '0123456789ABCDEFGHJKMNPQRTUVWXY';

/** Uses per month of history unless KAIKU_SEED_USES says otherwise. */
export const usesPerMonth = 250;

/** Monday 0 … Sunday 6, of a calendar day. */
const weekday = (day: string) => (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
const month = (day: string) => Number(day.slice(5, 7));
// More at weekends, fewer in high summer and around the turn of the year.
const useDayFactor = [0.85, 0.85, 0.9, 1.05, 1.1, 1.45, 1.3];
const useSeason = [0, 0.9, 1, 1.05, 1, 0.95, 0.8, 0.6, 0.85, 1.05, 1.1, 1.1, 0.95];
const issueDayFactor = [1, 1, 1, 1, 0.9, 0.05, 0];

interface Segment {
  readonly number: string;
  readonly from: number;
  revokedAt?: number;
}

interface Holder {
  readonly area: string;
  readonly distributor: string;
  readonly issuedOn: string;
  readonly issuedAt: number;
  readonly community: boolean;
  readonly children: number;
  readonly propensity: number;
  readonly segments: Segment[];
  /** validUntil from each day on, and from which instant of it: [from day, validUntil, from instant]. */
  readonly validity: Array<[string, string, number]>;
  /** The day after which no use is recorded (lost card). */
  endsOn?: string;
}

/**
 * The history from firstDay to lastDay (inclusive), deterministic: cards, renewals, revocations, uses and
 * voids with the instant each happens. About `uses` uses and `cards` cards in all.
 */
export function historyPlan(options: {
  readonly firstDay: string;
  readonly lastDay: string;
  readonly uses: number;
  readonly cards?: number;
}): HistoryPlan {
  const { firstDay, lastDay } = options;
  const next = mulberry32(0x4b41494b ^ 0x15);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const weighted = <T>(items: readonly T[], weight: (item: T) => number): T => {
    let roll = next() * items.reduce((sum, item) => sum + weight(item), 0);
    for (const item of items) {
      roll -= weight(item);
      if (roll < 0) return item;
    }
    return items[items.length - 1]!;
  };
  const at = (day: string, hour: number, minute = 0) => helsinkiInstant(day, hour, minute).getTime();
  const days: string[] = [];
  for (let day = firstDay; day <= lastDay; day = addDays(day, 1)) days.push(day);
  const events: HistoryEvent[] = [];
  const joinDay = new Map(
    historyAreas.map((area) => [area.ref, days[Math.floor(area.joins * (days.length - 1))]!]),
  );
  events.push({ kind: 'national', at: at(firstDay, 7, 45) });
  historyAreas.forEach((area, index) => {
    events.push({ kind: 'join', at: at(joinDay.get(area.ref)!, 8, index), area: area.ref });
  });

  // Cards: by area and working day, more in an area's first month; normalised to the number asked for.
  const cardsWanted = options.cards ?? Math.round(options.uses * 0.3);
  const issueWeight = (area: HistoryArea, day: string) => {
    const since = daysBetween(joinDay.get(area.ref)!, day);
    if (since < 0) return 0;
    return area.weight * issueDayFactor[weekday(day)]! * (since < 30 ? 2 : 1);
  };
  let totalWeight = 0;
  for (const day of days) for (const area of historyAreas) totalWeight += issueWeight(area, day);
  const numbers = new Set<string>();
  const cardNumber = () => {
    for (;;) {
      const number = withCheckCharacter(Array.from({ length: 11 }, () => pick([...cardAlphabet])).join(''));
      if (!numbers.has(number)) {
        numbers.add(number);
        return number;
      }
    }
  };
  const holders: Holder[] = [];
  for (const day of days)
    for (const area of historyAreas) {
      const expected = (cardsWanted * issueWeight(area, day)) / totalWeight;
      const count = Math.floor(expected + next());
      const distributors = historyOrganisations.filter(
        (org) => org.area === area.ref && org.kind === 'distributor',
      );
      const times = Array.from({ length: count }, () => int(0, 7 * 60)).sort((a, b) => a - b);
      for (const minutes of times) {
        const from = distributors.length > 1 && next() < 0.35 ? distributors[1]! : distributors[0]!;
        const issuedAt = at(day, 9, minutes);
        const number = cardNumber();
        const community = next() < 0.06;
        let children = 10;
        const body: Record<string, string | number> = { cardNumber: number };
        if (community) body.cardType = 'community';
        else {
          const roll = next();
          children = roll < 0.55 ? 0 : roll < 0.75 ? 1 : roll < 0.9 ? 2 : int(3, 5);
          body.cardType = 'personal';
          body.birthYear = int(1940, Number(day.slice(0, 4)) - 16);
          body.postalCode = pick(from.postalCodes!);
          body.minorChildren = children;
          if (next() < 0.7) body.gender = pick(genders);
          if (next() < 0.6) body.lifeSituation = pick(lifeSituations);
        }
        events.push({ kind: 'issue', at: issuedAt, distributor: from.ref, body });
        const roll = next();
        holders.push({
          area: area.ref,
          distributor: from.ref,
          issuedOn: day,
          issuedAt,
          community,
          children,
          propensity: roll < 0.12 ? 0 : roll < 0.6 ? 0.5 : roll < 0.9 ? 1.5 : 4,
          segments: [{ number, from: issuedAt }],
          validity: [[day, oneYearValidity(day), issuedAt]],
        });
      }
    }

  // A few lost or replaced while valid; a year on, most are renewed (a fifth of those after they lapsed).
  for (const holder of holders) {
    const firstExpiry = holder.validity[0]![1];
    const roll = next();
    const when = addDays(holder.issuedOn, int(10, 300));
    if (roll < 0.03 && when < firstExpiry && when <= lastDay) {
      const instant = at(when, 9, int(0, 7 * 60));
      const old = holder.segments[0]!;
      old.revokedAt = instant;
      if (roll < 0.015) {
        holder.endsOn = when;
        events.push({
          kind: 'revoke',
          at: instant,
          distributor: holder.distributor,
          cardNumber: old.number,
          reason: next() < 0.85 ? 'lost' : 'misuse',
        });
      } else {
        const newCardNumber = cardNumber();
        holder.segments.push({ number: newCardNumber, from: instant });
        events.push({
          kind: 'replace',
          at: instant,
          distributor: holder.distributor,
          cardNumber: old.number,
          newCardNumber,
        });
      }
    }
    for (;;) {
      const [, validUntil] = holder.validity[holder.validity.length - 1]!;
      if (validUntil >= lastDay || next() > 0.65) break;
      const renewOn = next() < 0.8 ? addDays(validUntil, -int(0, 14)) : addDays(validUntil, int(1, 25));
      if (renewOn > lastDay || (holder.endsOn !== undefined && renewOn >= holder.endsOn)) break;
      const instant = at(renewOn, 9, int(0, 7 * 60));
      const current = holder.segments.filter((segment) => segment.from < instant).pop()!;
      events.push({
        kind: 'renew',
        at: instant,
        distributor: holder.distributor,
        cardNumber: current.number,
      });
      holder.validity.push([renewOn, oneYearValidity(renewOn), instant]);
    }
  }
  const activeOn = (holder: Holder, day: string) => {
    if (day < holder.issuedOn || (holder.endsOn !== undefined && day >= holder.endsOn)) return false;
    let validUntil = '';
    for (const [from, until] of holder.validity) if (from <= day) validUntil = until;
    return day <= validUntil;
  };
  /** The card's validUntil at an instant (a use the day a lapsed card is renewed must come after it). */
  const validUntilAt = (holder: Holder, instant: number) => {
    let validUntil = '';
    for (const [, until, from] of holder.validity) if (from <= instant) validUntil = until;
    return validUntil;
  };

  // Uses: each holder's chance on a day, scaled so that the whole comes to about the number asked for.
  const dayFactor = (day: string) => useDayFactor[weekday(day)]! * useSeason[month(day)]!;
  let expected = 0;
  for (const day of days) {
    const factor = dayFactor(day);
    for (const holder of holders) if (activeOn(holder, day)) expected += holder.propensity * factor;
  }
  const scale = expected > 0 ? options.uses / expected : 0;
  const venues = historyOrganisations.filter((org) => org.kind === 'venue');
  const areaOf = new Map(historyAreas.map((area) => [area.ref, area]));
  const uses: HistoryUse[] = [];
  for (const day of days) {
    const factor = dayFactor(day);
    const open = venues.filter((candidate) => joinDay.get(candidate.area)! <= day);
    for (const [index, holder] of holders.entries()) {
      if (!activeOn(holder, day) || next() >= Math.min(0.9, holder.propensity * factor * scale)) continue;
      let occurredAt = at(day, 10, int(0, 600));
      if (day === holder.issuedOn) occurredAt = Math.max(occurredAt, holder.issuedAt + 20 * 60_000);
      if (occurredAt > at(day, 20) || validUntilAt(holder, occurredAt) < day) continue;
      const segment = holder.segments.filter((each) => each.from < occurredAt).pop()!;
      if (segment.revokedAt !== undefined && segment.revokedAt <= occurredAt) continue;
      const home = open.filter((candidate) => candidate.area === holder.area);
      const away = open.filter((candidate) => candidate.area !== holder.area);
      const place = away.length > 0 && next() < 0.15 ? away : home;
      const chosen = weighted(place, (candidate) => candidate.size ?? 1);
      const sector = next() < 0.8 ? chosen.sector! : pick(sectors);
      let adults: number;
      let children: number;
      if (holder.community) {
        adults = int(1, 8);
        children = int(0, 10);
      } else {
        children = int(0, holder.children);
        adults = children > 0 && next() < 0.1 ? 0 : 1;
      }
      const byAgent = areaOf.get(chosen.area)!.ticketed && next() < 0.2;
      let recordedAt = occurredAt;
      if (!byAgent && chosen.records === 'weekly') {
        // The Monday evening list: everything since the last one.
        let monday = day;
        while (weekday(monday) !== 0 || at(monday, 19) <= occurredAt) monday = addDays(monday, 1);
        recordedAt = at(monday, 19);
      } else if (!byAgent && next() < 0.025) recordedAt = at(addDays(day, int(15, 50)), 18);
      // A list entered after the card was revoked (lost, or replaced by a new number) is refused: left out.
      if (segment.revokedAt !== undefined && recordedAt >= segment.revokedAt) continue;
      if (helsinkiDate(new Date(recordedAt)) > lastDay) continue;
      uses.push({
        ref: `h-${day}-${index}`,
        holder: index,
        cardNumber: segment.number,
        venue: chosen.ref,
        recorder: byAgent ? ticketAgentRef : chosen.ref,
        sector,
        adults,
        children,
        occurredAt,
        recordedAt,
        late: recordedAt !== occurredAt,
      });
    }
  }
  const batches = new Map<string, HistoryUse[]>();
  for (const use of uses) {
    if (!use.late) {
      events.push({ kind: 'use', at: use.occurredAt, use });
      continue;
    }
    const key = `${use.recorder}@${use.recordedAt}`;
    const batch = batches.get(key) ?? [];
    batch.push(use);
    batches.set(key, batch);
  }
  for (const batch of batches.values())
    for (let start = 0; start < batch.length; start += 500)
      events.push({
        kind: 'batch',
        at: batch[0]!.recordedAt,
        recorder: batch[0]!.recorder,
        uses: batch.slice(start, start + 500),
      });
  // A venue voids a few of the uses at its door within a week of recording them (mistakes, doubles).
  for (const use of uses) {
    if (use.recorder === ticketAgentRef || next() >= 0.015) continue;
    const day = addDays(helsinkiDate(new Date(use.recordedAt)), int(0, 6));
    if (day <= lastDay) events.push({ kind: 'void', at: at(day, 20, 45), use });
  }
  // Stable: events at the same instant keep the order they were planned in (a card before its use).
  const order = new Map(events.map((event, index) => [event, index]));
  events.sort((a, b) => a.at - b.at || order.get(a)! - order.get(b)!);
  return { firstDay, lastDay, events, cards: holders.length, uses: uses.length };
}

// ---- Running it ------------------------------------------------------------------------------------

/** The fields of the answers this script reads (each answer has those of its kind). */
interface Fields {
  readonly id: string;
  readonly apiKey: string;
  readonly areaId: string;
  readonly claimToken: string;
  readonly usageId: string;
}

/** The first day of the month `months` months before `day`'s month. */
export function historyStart(day: string, months: number): string {
  const [year, monthNumber] = day.split('-').map(Number) as [number, number];
  const index = year * 12 + (monthNumber - 1) - months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

export interface HistoryOptions {
  readonly months: number;
  /** About this many uses in all (default usesPerMonth a month). */
  readonly uses?: number;
  readonly cards?: number;
}

/**
 * Builds the history in the data folder with a service of its own, then stops it. Refuses (exit 2) when
 * the folder's service is running or the folder already has areas.
 */
export async function seedHistory(options: HistoryOptions): Promise<void> {
  const started = Date.now();
  if (process.env.KAIKU_URL)
    throw new ScriptError(
      '--months builds the history with a service of its own on the data folder (KAIKU_DATA_DIR), not at KAIKU_URL: unset KAIKU_URL',
      2,
    );
  const { StartupError } = await import('../infra/local/dynamodb.ts');
  const { clockOffsetFromEnv } = await import('../infra/local/local-clock.ts');
  const { lockDataDir } = await import('../infra/local/lock.ts');
  const { startLocalService } = await import('../infra/local/runtime.ts');
  const { freePortOnLoopback } = await import('../infra/local/aws/ports.ts');
  // The end of the history: the real time, or KAIKU_CLOCK's instant moving on (npm start with the same
  // KAIKU_CLOCK then carries on from there).
  let endOffset: number;
  try {
    endOffset = clockOffsetFromEnv() ?? 0;
  } catch (error) {
    throw new ScriptError((error as Error).message, 2);
  }
  const endNow = () => Date.now() + endOffset;
  const lastDay = helsinkiDate(new Date(endNow()));
  const firstDay = historyStart(lastDay, options.months);
  const plan = historyPlan({
    firstDay,
    lastDay,
    uses: options.uses ?? usesPerMonth * options.months,
    ...(options.cards !== undefined && { cards: options.cards }),
  });

  const dataDir = dataDirectory();
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let lock: { release(): void };
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    const pidFile = join(dataDir, 'service.pid');
    const pid = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : '?';
    throw new ScriptError(
      `the service runs from ${shown(dataDir)} (pid ${pid}): stop it first (Ctrl-C in npm start), then run this again; ` +
        '--months builds the history with a service of its own on that folder, and npm start serves it afterwards',
      2,
    );
  }
  // The functions' request lines go to a file: thousands of them would bury the progress lines.
  const logFile = join(dataDir, 'seed-history.log');
  writeFileSync(logFile, '');
  process.env.KAIKU_LOG_CAPTURE ||= logFile;
  const firstAt = (plan.events[0]?.at ?? endNow()) - 60_000;
  let service: Awaited<ReturnType<typeof startLocalService>> | undefined;
  try {
    const port = await freePortOnLoopback();
    service = await startLocalService({
      port,
      dataDir,
      persist: true,
      dynamoPort: await freePortOnLoopback(),
      s3Port: await freePortOnLoopback(),
      clockOffsetMs: Math.min(firstAt, endNow()) - Date.now(),
    }).catch((error: unknown) => {
      throw error instanceof StartupError
        ? new ScriptError(`cannot start the service: ${error.message}`, 1)
        : error;
    });
    const running = service;
    console.log(
      `Building ${options.months} months of history, ${firstDay} to ${lastDay}, in ${shown(dataDir)} ` +
        `(${plan.cards} cards and about ${plan.uses} uses planned; the functions' log: ${shown(logFile)}).`,
    );
    const keys = await replay(
      plan,
      running.url,
      running.adminKey,
      (at) => {
        // Forward only (two events of one instant: the second where the first left the clock), and never
        // past the end: what is planned for later today has not happened yet.
        running.setClock(new Date(Math.min(Math.max(at, nowMs()), endNow())));
      },
      endNow,
    );
    running.setClock(new Date(endNow()));
    await running.streams.drain();
    const keysFile = join(dataDir, 'seed-keys.json');
    writeFileSync(keysFile, `${JSON.stringify(keys.seedKeys, null, 2)}\n`, { mode: 0o600 });
    chmodSync(keysFile, 0o600);
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `History built in ${seconds} s: ${keys.counts.areas} areas, ${keys.counts.cards} cards (${keys.counts.renewed} renewals, ` +
        `${keys.counts.revoked} revoked, ${keys.counts.replaced} replaced), ${keys.counts.uses} uses recorded ` +
        `(${keys.counts.late} entered late), ${keys.counts.voided} voided. The demo keys are in ${shown(keysFile)}.`,
    );
    console.log('Next: npm start, then npm run snapshot (closed periods reach the partner files).');
  } finally {
    await service?.stop();
    // The runtime.json of this seed's own service names a service that no longer runs.
    if (service) rmSync(join(dataDir, 'runtime.json'), { force: true });
    lock.release();
  }
}

interface Counts {
  areas: number;
  cards: number;
  renewed: number;
  revoked: number;
  replaced: number;
  uses: number;
  late: number;
  voided: number;
}

/** Makes every event of the plan through the API, moving the clock to each one's instant first. */
async function replay(
  plan: HistoryPlan,
  url: string,
  adminKey: string,
  setClock: (at: number) => void,
  endNow: () => number,
): Promise<{ seedKeys: Record<string, string | undefined>; counts: Counts }> {
  /** One request; waits when throttled; anything but success ends the run (the plan is all valid). */
  const call = async <T = Fields>(
    method: string,
    path: string,
    options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      }).catch((error: unknown) => {
        throw new ScriptError(`${method} ${path}: ${describeError(error)}`);
      });
      const text = await response.text();
      if (response.status === 429 && attempt < 20) {
        const seconds = Number(response.headers.get('retry-after') ?? 1);
        await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? seconds : 1) * 1000));
        continue;
      }
      if (response.status >= 300)
        throw new ScriptError(
          `the history stopped at ${new Date(nowMs()).toISOString()}: ${method} ${path} answered ${response.status}: ${text.slice(0, 400)} ` +
            '(the data folder is partly seeded: empty it and run again)',
        );
      return (text ? JSON.parse(text) : {}) as T;
    }
  };
  const admin = { key: adminKey };
  const keys = new Map<string, string>();
  const orgIds = new Map<string, string>();
  const usageIds = new Map<string, string>();
  const counts: Counts = {
    areas: 0,
    cards: 0,
    renewed: 0,
    revoked: 0,
    replaced: 0,
    uses: 0,
    late: 0,
    voided: 0,
  };
  let areaAdminHki: string | undefined;
  let month = '';
  let monthStarted = Date.now();
  let monthCounts = { cards: 0, uses: 0, late: 0, voided: 0 };
  const reportMonth = () => {
    if (month)
      console.log(
        `  ${month}: ${counts.areas} areas, ${monthCounts.cards} cards issued, ${monthCounts.uses} uses recorded ` +
          `(${monthCounts.late} late), ${monthCounts.voided} voided (${((Date.now() - monthStarted) / 1000).toFixed(1)} s)`,
      );
  };

  const existing = await call<{ items: unknown[] }>('GET', '/v1/areas?limit=1', admin);
  if (existing.items.length > 0)
    throw new ScriptError(
      'the data folder already has areas: the history starts from an empty service (a new KAIKU_DATA_DIR, or move the folder away)',
      2,
    );

  for (const event of plan.events) {
    if (event.at > endNow()) break;
    const eventMonth = helsinkiDate(new Date(event.at)).slice(0, 7);
    if (eventMonth !== month) {
      reportMonth();
      month = eventMonth;
      monthStarted = Date.now();
      monthCounts = { cards: 0, uses: 0, late: 0, voided: 0 };
    }
    setClock(event.at);
    switch (event.kind) {
      case 'national':
        for (const [ref, path, name] of [
          [ticketAgentRef, '/v1/ticket-agents', 'Lippupalvelu (demo)'],
          ['partner', '/v1/partners', 'Tilastokumppani (demo)'],
        ] as const) {
          const created = await call('POST', path, {
            ...admin,
            body: { name, contactEmail: `api@${ref}.example` },
          });
          orgIds.set(ref, created.id);
          keys.set(
            ref,
            (await call('POST', `/v1/organisations/${created.id}/keys`, { ...admin, body: {} })).apiKey,
          );
        }
        break;
      case 'join': {
        const area = historyAreas.find((candidate) => candidate.ref === event.area)!;
        const { areaName, municipalityCodes, welfareArea, contacts: people } = area;
        const applied = await call('POST', '/v1/applications', {
          body: { areaName, municipalityCodes, welfareArea, contacts: people },
        });
        const approved = await call('POST', `/v1/applications/${applied.id}/approve`, {
          ...admin,
          body: {},
        });
        const claimed = await call('GET', `/v1/applications/${applied.id}`, {
          headers: { 'x-claim-token': applied.claimToken },
        });
        const areaAdmin = claimed.apiKey;
        if (area.ref === 'hki') areaAdminHki = areaAdmin;
        for (const org of historyOrganisations.filter((candidate) => candidate.area === area.ref)) {
          const created = await call('POST', `/v1/areas/${approved.areaId}/organisations`, {
            key: areaAdmin,
            body: {
              kind: org.kind,
              name: org.name,
              municipalityCode: org.municipalityCode,
              contactEmail: `info@${org.ref}.example`,
              ...(org.cardLimitPerDay !== undefined && { cardLimitPerDay: org.cardLimitPerDay }),
            },
          });
          orgIds.set(org.ref, created.id);
          keys.set(
            org.ref,
            (await call('POST', `/v1/organisations/${created.id}/keys`, { key: areaAdmin, body: {} })).apiKey,
          );
        }
        counts.areas++;
        break;
      }
      case 'issue':
        await call('POST', '/v1/cards', { key: keys.get(event.distributor), body: event.body });
        counts.cards++;
        monthCounts.cards++;
        break;
      case 'renew':
        await call('POST', `/v1/cards/${event.cardNumber}/renew`, { key: keys.get(event.distributor) });
        counts.renewed++;
        break;
      case 'revoke':
        await call('POST', `/v1/cards/${event.cardNumber}/revoke`, {
          key: keys.get(event.distributor),
          body: { reason: event.reason },
        });
        counts.revoked++;
        break;
      case 'replace':
        await call('POST', `/v1/cards/${event.cardNumber}/replace`, {
          key: keys.get(event.distributor),
          body: { newCardNumber: event.newCardNumber },
        });
        counts.replaced++;
        counts.cards++;
        break;
      case 'use': {
        const { use } = event;
        const answer = await call('POST', '/v1/usages', {
          key: keys.get(use.recorder),
          headers: { 'idempotency-key': use.ref },
          body: {
            cardNumber: use.cardNumber,
            sector: use.sector,
            adults: use.adults,
            children: use.children,
            ...(use.recorder === ticketAgentRef && { venueId: orgIds.get(use.venue) }),
          },
        });
        usageIds.set(use.ref, answer.usageId);
        counts.uses++;
        monthCounts.uses++;
        break;
      }
      case 'batch': {
        const answer = await call<{
          results: { clientRef: string; status: string; usageId?: string; error?: unknown }[];
        }>('POST', '/v1/usages/batch', {
          key: keys.get(event.recorder),
          body: {
            items: event.uses.map((use) => ({
              clientRef: use.ref,
              cardNumber: use.cardNumber,
              sector: use.sector,
              adults: use.adults,
              children: use.children,
              occurredAt: new Date(use.occurredAt).toISOString(),
              ...(use.recorder === ticketAgentRef && { venueId: orgIds.get(use.venue) }),
            })),
          },
        });
        const failed = answer.results.filter((result) => {
          if (result.usageId) usageIds.set(result.clientRef, result.usageId);
          return result.status === 'failed';
        });
        if (failed.length > 0)
          throw new ScriptError(
            `the history stopped: ${failed.length} rows of a batch were refused, e.g. ${JSON.stringify(failed[0])}`,
          );
        counts.uses += event.uses.length;
        counts.late += event.uses.length;
        monthCounts.uses += event.uses.length;
        monthCounts.late += event.uses.length;
        break;
      }
      case 'void': {
        const usageId = usageIds.get(event.use.ref);
        if (!usageId) break;
        await call('DELETE', `/v1/usages/${usageId}`, { key: keys.get(event.use.recorder) });
        counts.voided++;
        monthCounts.voided++;
        break;
      }
    }
  }
  reportMonth();
  return {
    seedKeys: {
      areaAdmin: areaAdminHki,
      distributor: keys.get('hki-social-east'),
      venue: keys.get('hki-museum'),
      ticketAgent: keys.get(ticketAgentRef),
      partner: keys.get('partner'),
    },
    counts,
  };
}
