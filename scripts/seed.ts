// npm run seed: demo data in the running local service, through the front door only: the HTTP API, as a
// municipality, the national centre and their organisations would use it. The service is the one
// $KAIKU_URL names, else the one $KAIKU_DATA_DIR/runtime.json (default .kaiku) names (scripts/local-service.ts).
// The national admin key is read from $KAIKU_DATA_DIR/admin-key; every demo role's key is written to
// $KAIKU_DATA_DIR/seed-keys.json (mode 600).
//
// What it does, in order:
//  1. Two municipalities' applications (Espoo + Kauniainen in Western Uusimaa, Lappeenranta in South
//     Karelia), approved by the admin; each area-admin key is claimed with the application's claim token.
//  2. The area-admins add distributors and venues (the City Museum with a limit of 4 uses per card per
//     day) and make their keys; the admin adds a ticket agent and a statistics partner, with keys.
//  2b. One person of each role the web app serves (admin, area admin, distributor, venue) is invited and
//     signs in for the first time against the local identity provider (scripts/seed-people.ts); their
//     sign-in details go to $KAIKU_DATA_DIR/seed-people.json (mode 600).
//  3. A fixed set of 300 cards and about 3,000 uses in all four sectors (POST /v1/cards, then
//     POST /v1/usages/batch by the venues and the ticket agent), then a few revoked and replaced cards
//     and voided uses, so that the audit has every kind of entry.
//
// Deterministic: card numbers, holder data and every use (card, venue, who recorded it, sector, persons,
// its place in the day) come from a seeded PRNG (seedPlan below). Ids the service assigns differ by run.
//
// Every use happens today (by the service's clock). Through the API a card is always registered today,
// and a use before the card's registration day is refused (400: "the card was issued only on ..."), as
// it should be, so a front-door seed of a running service can only record today's uses; they are spread
// over the hours of today that have passed (Europe/Helsinki). History is `--months N`
// (scripts/seed-history.ts): it lives through the past with a service of its own whose clock it moves
// (KAIKU_CLOCK, shared/lib/clock.ts), so every card and use still goes through the API on its own day.
//
// Running it again against a seeded service changes nothing: it finds the demo areas, says so and exits 0.
// A run cut short (an error, a stop) finishes when it is run again: what it made is kept in
// $KAIKU_DATA_DIR/seed-progress.json as it goes (areas, organisations and their keys, the instant the uses
// are planned at), and every later step is idempotent (a card number taken, a batch row's clientRef, a use
// already voided, a card already revoked or replaced are answers of a step already done). A 429 or 503 is
// waited out for its Retry-After and sent again, as the contract asks of every client.

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../infra/local/seeded-random.ts';
import { withCheckCharacter } from '../shared/contract/card-number.ts';
import { lifeSituations as allLifeSituations, genders } from '../shared/contract/holder.ts';
import { today } from '../shared/lib/dates.ts';
import { debugHelp, describeError, parseCommandLine, runScript, ScriptError, UsageError } from './cli.ts';
import { findLocalService, shown } from './local-service.ts';
import { type PeopleProgress, seedPeople } from './seed-people.ts';

type Sector = 'culture' | 'education' | 'science' | 'sport';

const contacts = (town: string) => ({
  culture: { name: `${town} kulttuuripalvelut`, email: `kulttuuri@${town.toLowerCase()}.example` },
  social: { name: `${town} sosiaalipalvelut`, email: `sosiaali@${town.toLowerCase()}.example` },
});

export const demoAreas = [
  {
    ref: 'lu',
    areaName: 'Espoo ja Kauniainen (demo)',
    municipalityCodes: ['049', '235'],
    welfareArea: 'LU',
    contacts: contacts('Espoo'),
  },
  {
    ref: 'ek',
    areaName: 'Lappeenranta (demo)',
    municipalityCodes: ['405'],
    welfareArea: 'EK',
    contacts: contacts('Lappeenranta'),
  },
] as const;
type AreaRef = (typeof demoAreas)[number]['ref'];

interface DemoOrganisation {
  readonly ref: string;
  readonly area: AreaRef;
  readonly kind: 'distributor' | 'venue';
  readonly name: string;
  readonly municipalityCode: string;
  readonly cardLimitPerDay?: number;
  /** A venue's usual sector (most of its uses; the rest are any sector). */
  readonly sector?: Sector;
  /** A distributor's postal codes. */
  readonly postalCodes?: readonly string[];
}

export const demoOrganisations: readonly DemoOrganisation[] = [
  {
    ref: 'espoo-social',
    area: 'lu',
    kind: 'distributor',
    name: 'Espoon sosiaalipalvelut (demo)',
    municipalityCode: '049',
    postalCodes: ['02100', '02150', '02200', '02230', '02600', '02620', '02650', '02750', '02770'],
  },
  {
    ref: 'kauniainen-social',
    area: 'lu',
    kind: 'distributor',
    name: 'Kauniaisten sosiaalitoimi (demo)',
    municipalityCode: '235',
    postalCodes: ['02700'],
  },
  {
    ref: 'espoo-museum',
    area: 'lu',
    kind: 'venue',
    name: 'Espoon kaupunginmuseo (demo)',
    municipalityCode: '049',
    cardLimitPerDay: 4,
    sector: 'culture',
  },
  {
    ref: 'kauniainen-library',
    area: 'lu',
    kind: 'venue',
    name: 'Kauniaisten kirjasto (demo)',
    municipalityCode: '235',
    sector: 'education',
  },
  {
    ref: 'tapiola-sports',
    area: 'lu',
    kind: 'venue',
    name: 'Tapiolan urheilupuisto (demo)',
    municipalityCode: '049',
    sector: 'sport',
  },
  {
    ref: 'lappeenranta-social',
    area: 'ek',
    kind: 'distributor',
    name: 'Lappeenrannan sosiaalipalvelut (demo)',
    municipalityCode: '405',
    postalCodes: ['53100', '53130', '53300', '53500', '53600', '53850'],
  },
  {
    ref: 'lappeenranta-theatre',
    area: 'ek',
    kind: 'venue',
    name: 'Lappeenrannan kaupunginteatteri (demo)',
    municipalityCode: '405',
    sector: 'culture',
  },
  {
    ref: 'saimaa-science',
    area: 'ek',
    kind: 'venue',
    name: 'Saimaan tiedekeskus (demo)',
    municipalityCode: '405',
    sector: 'science',
  },
];

const ticketAgentRef = 'ticket-agent';
const sectors: readonly Sector[] = ['culture', 'education', 'science', 'sport'];
// Holders in the demo data state a situation (the last two, "other" and "undisclosed", are left out).
const lifeSituations = allLifeSituations.slice(0, 6);

/** mulberry32: small, fast, and the same sequence everywhere for the same seed. */
function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, int, pick };
}

const cardAlphabet = '0123456789ABCDEFGHJKMNPQRTUVWXY';

export interface PlannedCard {
  readonly distributor: string;
  readonly body: Record<string, string | number> & { cardNumber: string; cardType: 'personal' | 'community' };
  /** How many persons one use may admit: adults, children. */
  readonly adults: number;
  readonly children: number;
}

export interface PlannedUse {
  readonly clientRef: string;
  /** Who records it: a venue's ref, or the ticket agent. */
  readonly caller: string;
  readonly venue: string;
  readonly card: number;
  readonly sector: Sector;
  readonly adults: number;
  readonly children: number;
  /** Where in the part of today that has passed it happened: 0 = midnight, 1 = now. */
  readonly dayFraction: number;
}

export interface SeedPlan {
  readonly cards: readonly PlannedCard[];
  readonly uses: readonly PlannedUse[];
  /** Cards revoked as lost, and cards replaced (with the new number), after the uses. */
  readonly revoked: readonly number[];
  readonly replaced: ReadonlyArray<{ card: number; newCardNumber: string }>;
  /** Uses their venue voids (mistakes at the door). */
  readonly voided: readonly number[];
}

/** The whole demo data set, from a fixed seed: the same for the same year (birth years depend on it). */
export function seedPlan(year: number, cardCount = 300, useCount = 3000): SeedPlan {
  const random = prng(0x4b41494b);
  const cardNumber = () =>
    withCheckCharacter(Array.from({ length: 11 }, () => random.pick([...cardAlphabet])).join(''));
  const distributors = demoOrganisations.filter((org) => org.kind === 'distributor');
  const venues = demoOrganisations.filter((org) => org.kind === 'venue');
  const cards: PlannedCard[] = [];
  for (let i = 0; i < cardCount; i++) {
    // Half in Espoo, a sixth in Kauniainen, a third in Lappeenranta.
    const roll = random.next();
    const distributor = distributors[roll < 0.5 ? 0 : roll < 0.67 ? 1 : 2]!;
    if (random.next() < 0.08) {
      cards.push({
        distributor: distributor.ref,
        body: { cardNumber: cardNumber(), cardType: 'community' },
        adults: 10,
        children: 10,
      });
      continue;
    }
    const childRoll = random.next();
    const minorChildren =
      childRoll < 0.55 ? 0 : childRoll < 0.75 ? 1 : childRoll < 0.9 ? 2 : random.int(3, 5);
    const body: PlannedCard['body'] = {
      cardNumber: cardNumber(),
      cardType: 'personal',
      birthYear: random.int(1940, year - 16),
      postalCode: random.pick(distributor.postalCodes!),
      minorChildren,
    };
    if (random.next() < 0.7) body.gender = random.pick(genders);
    if (random.next() < 0.6) body.lifeSituation = random.pick(lifeSituations);
    cards.push({ distributor: distributor.ref, body, adults: 1, children: minorChildren });
  }
  // Some cards are used a lot, many a little, a few not at all (registered, never taken into use).
  const weights = cards.map((): number => {
    const roll = random.next();
    return roll < 0.12 ? 0 : roll < 0.8 ? 1 : roll < 0.95 ? 4 : 12;
  });
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const pickCard = () => {
    let roll = random.next() * total;
    for (let index = 0; index < cards.length; index++) {
      roll -= weights[index]!;
      if (roll < 0) return index;
    }
    return cards.length - 1;
  };
  const areaOf = (ref: string) => demoOrganisations.find((org) => org.ref === ref)!.area;
  const limitUses = new Map<string, number>();
  const uses: PlannedUse[] = [];
  for (let i = 0; i < useCount; i++) {
    const card = pickCard();
    const planned = cards[card]!;
    // Mostly at a venue of the card's own area; cards are nationwide, so sometimes elsewhere.
    const home = areaOf(planned.distributor);
    const away = random.next() < 0.15;
    let venue = random.pick(venues.filter((candidate) => (candidate.area === home) !== away));
    if (venue.cardLimitPerDay !== undefined) {
      const key = `${venue.ref}#${card}`;
      const used = limitUses.get(key) ?? 0;
      // All uses are today: keep within the museum's daily limit per card (a refusal is not demo data).
      if (used >= venue.cardLimitPerDay) venue = venues.find((other) => other.ref === 'kauniainen-library')!;
      else limitUses.set(key, used + 1);
    }
    const sector = random.next() < 0.8 ? venue.sector! : random.pick(sectors);
    let adults: number;
    let children: number;
    if (planned.body.cardType === 'community') {
      adults = random.int(1, 8);
      children = random.int(0, 10);
    } else {
      children = random.int(0, planned.children);
      adults = children > 0 && random.next() < 0.1 ? 0 : 1;
    }
    uses.push({
      clientRef: `seed-${String(i).padStart(4, '0')}`,
      caller: random.next() < 0.25 ? ticketAgentRef : venue.ref,
      venue: venue.ref,
      card,
      sector,
      adults,
      children,
      dayFraction: random.next(),
    });
  }
  const revoked = [3, 41, 97, 150, 211, 276].filter((index) => index < cardCount);
  const replaced = [12, 133, 248]
    .filter((index) => index < cardCount)
    .map((card) => ({ card, newCardNumber: cardNumber() }));
  const voided = uses
    .map((use, index) => ({ use, index }))
    .filter(({ use, index }) => use.caller !== ticketAgentRef && index % 250 === 7)
    .map(({ index }) => index);
  return { cards, uses, revoked, replaced, voided };
}

// ---- Running it -------------------------------------------------------------------------------------

const script = 'seed';
const usage = `Usage: npm run seed [-- --months N]

Fills the running local service with demo data through its HTTP API: two demo areas (applied for,
approved, area-admin key claimed), distributors, venues, a ticket agent and a partner, 300 cards and
3000 uses; every role's key is written to $KAIKU_DATA_DIR/seed-keys.json, and a demo person of each
role the web app serves (admin, areaAdmin, distributor, venue: e-mail, password, TOTP secret for the
two admin roles) to $KAIKU_DATA_DIR/seed-people.json. Running it again on a seeded service changes
nothing.

With --months N it builds N months of history instead, up to now: seven areas of very different size
joining over time, cards issued on working days and renewed a year on, uses nearly every day (some
entered days or weeks late, a few voided), all through the same API. It runs a service of its own on
the data folder, moving that service's clock through the past (decision 0013), so npm start must not be
running; the folder must have no areas yet. Afterwards: npm start, then npm run snapshot.

Options:
  --months N        build N months (1-60) of history (about 250 uses a month; 15 take a few minutes)
  -h, --help        show this text

Environment:
  KAIKU_URL         the service to seed (default: the url in $KAIKU_DATA_DIR/runtime.json)
  KAIKU_DATA_DIR    the data folder of npm start (default .kaiku): runtime.json, admin-key, outbox/,
                    seed-keys.json, seed-people.json
  PORT              the port the local service runs on (npm start default 3000); checked against runtime.json
  KAIKU_SEED_CARDS  how many cards (default 300; with --months 0.3 per use); KAIKU_SEED_USES: how many
                    uses (default 3000; with --months 250 a month)
  KAIKU_CLOCK       with --months: the history ends at this instant instead of now (npm start with the
                    same KAIKU_CLOCK carries on from there)
${debugHelp}

Examples:
  npm start                         # in one terminal
  npm run seed                      # in another

  npm run seed -- --months 15       # with npm start stopped; then npm start, npm run snapshot
`;

/** The service being seeded, without a trailing slash; set by main. */
let url = '';

function fail(message: string): never {
  throw new ScriptError(message);
}

interface RequestOptions {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The statuses that mean success (default 200 and 201). */
  ok?: readonly number[];
}

interface BatchAnswer {
  readonly results: ReadonlyArray<{ clientRef: string; status: string; usageId?: string; error?: unknown }>;
}

/** Answers that ask the client to come back (the contract's THROTTLED and UNAVAILABLE), with Retry-After. */
const comeBack = new Set([429, 503]);

/** A batch row's refusal that asks the client to come back later. */
const retryableRow = (error: unknown): boolean =>
  ['THROTTLED', 'SERVICE_UNAVAILABLE'].includes((error as { code?: string } | undefined)?.code ?? '');

/** Seconds to wait: the Retry-After header (seconds or an HTTP date), else 1; at most a minute. */
function retryAfterSeconds(header: string | null): number {
  if (!header) return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(60, Math.max(0, seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1 : Math.min(60, Math.max(0, (at - Date.now()) / 1000));
}

/** One request; waits Retry-After and retries on 429 and 503; anything unexpected ends the run. */
async function api<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    }).catch((error: unknown) => fail(`${method} ${path}: ${describeError(error)}`));
    const text = await response.text();
    if (comeBack.has(response.status) && attempt < 20) {
      const seconds = retryAfterSeconds(response.headers.get('retry-after'));
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      continue;
    }
    if (!(options.ok ?? [200, 201]).includes(response.status))
      fail(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}

/** All pages of a list. */
async function listAll<T>(path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api<{ items: T[]; nextCursor?: string }>(
      'GET',
      `${path}${separator}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { key },
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function inParallel<T>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** Milliseconds of today (Europe/Helsinki) that have passed. */
function sinceMidnight(now: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Helsinki',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  );
  return ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000;
}

/** What a run has made so far, kept so that a run cut short finishes when it is run again. */
interface Progress {
  areas: Partial<Record<AreaRef, { areaId: string; key?: string }>>;
  organisations: Record<string, { id: string; key: string }>;
  /** The service's instant the cards and uses are planned at (their occurredAt follow from it). */
  plannedAt?: string;
  /** The demo people: their passwords and TOTP secrets, chosen before they are sent (scripts/seed-people.ts). */
  people?: PeopleProgress;
  done?: boolean;
}

function readProgress(file: string): Progress | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Progress;
}

function writeProgress(file: string, progress: Progress): void {
  writeFileSync(file, `${JSON.stringify(progress, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** A count from the environment: a whole number, at least 1. */
function countFrom(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1)
    throw new ScriptError(`${name} must be a whole number of at least 1, not '${text}'`, 2);
  return count;
}

async function main() {
  const { values } = parseCommandLine(script, usage, { months: { type: 'string' } });
  if (values.months !== undefined) {
    const months = Number(values.months);
    if (!Number.isInteger(months) || months < 1 || months > 60)
      throw new UsageError(script, `--months must be a whole number from 1 to 60, not '${values.months}'`);
    const { seedHistory } = await import('./seed-history.ts');
    await seedHistory({
      months,
      ...(process.env.KAIKU_SEED_USES && { uses: countFrom('KAIKU_SEED_USES', 1) }),
      ...(process.env.KAIKU_SEED_CARDS && { cards: countFrom('KAIKU_SEED_CARDS', 1) }),
    });
    return;
  }
  const cardCount = countFrom('KAIKU_SEED_CARDS', 300);
  const useCount = countFrom('KAIKU_SEED_USES', 3000);
  const started = Date.now();
  const service = await findLocalService('api', { alternative: 'or set KAIKU_URL' });
  url = service.url;
  const keysFile = join(service.dataDir, 'seed-keys.json');
  const adminKeyFile = join(service.dataDir, 'admin-key');
  if (!existsSync(adminKeyFile))
    throw new ScriptError(
      `${shown(adminKeyFile)} is missing: set KAIKU_DATA_DIR to the data folder npm start uses for ${url}`,
      2,
    );
  const adminKey = readFileSync(adminKeyFile, 'utf8').trim();
  const admin = { key: adminKey };

  const progressFile = join(service.dataDir, 'seed-progress.json');
  const earlier = readProgress(progressFile);
  const progress: Progress = earlier ?? { areas: {}, organisations: {} };
  const save = () => writeProgress(progressFile, progress);

  // Already seeded? The demo areas say so, unless an earlier run of this folder stopped halfway.
  const areas = await listAll<{ id: string; name: string }>('/v1/areas', adminKey);
  const existing = demoAreas.filter((demo) => areas.some((area) => area.name === demo.areaName));
  if (existing.length > 0 && (!earlier || earlier.done)) {
    if (existing.length === demoAreas.length) {
      console.log(
        `Already seeded: ${existing.map((demo) => demo.areaName).join(', ')} exist at ${url}; nothing done.`,
      );
      console.log(
        existsSync(keysFile)
          ? `The demo keys are in ${shown(keysFile)}.`
          : `${shown(keysFile)} is missing: make new keys as admin with POST /v1/organisations/{orgId}/keys.`,
      );
      return;
    }
    if (!earlier)
      fail(
        `only ${existing.map((demo) => demo.areaName).join(', ')} exists and ${shown(progressFile)} is missing: ` +
          'this service was seeded from another data folder. Stop the service, empty its KAIKU_DATA_DIR and start again.',
      );
  }
  if (earlier) console.log(`Carrying on from ${shown(progressFile)}: an earlier run stopped halfway.`);

  // Demo applications an interrupted run left waiting would count against this client's limit of 3 waiting.
  const pending = await listAll<{ id: string; areaName: string }>(
    '/v1/applications?status=pending',
    adminKey,
  );
  for (const stale of pending.filter((application) =>
    demoAreas.some((demo) => demo.areaName === application.areaName),
  ))
    await api('POST', `/v1/applications/${stale.id}/reject`, {
      ...admin,
      body: { reason: 'Superseded by a new run of the demo seed.' },
    });

  // 1. Apply, approve, claim the area-admin key: the municipality's own flow (docs/onboarding.md).
  // When (by this machine's real clock) the first approval was answered: the service's clock follows.
  let firstApprovalAt = 0;
  for (const demo of demoAreas) {
    const { ref, ...application } = demo;
    if (progress.areas[ref]) continue;
    const made = areas.find((area) => area.name === demo.areaName);
    if (made) {
      // Approved by a run that stopped before it could note the claimed key: the admin acts for the area.
      progress.areas[ref] = { areaId: made.id };
      save();
      continue;
    }
    const applied = await api<{ id: string; claimToken: string }>('POST', '/v1/applications', {
      body: application,
    });
    const approved = await api<{ areaId: string }>('POST', `/v1/applications/${applied.id}/approve`, {
      ...admin,
      body: {},
    });
    firstApprovalAt ||= Date.now();
    const claimed = await api<{ apiKey?: string }>('GET', `/v1/applications/${applied.id}`, {
      headers: { 'x-claim-token': applied.claimToken },
    });
    if (typeof claimed.apiKey !== 'string') fail(`the area-admin key of ${demo.areaName} was not handed out`);
    progress.areas[ref] = { areaId: approved.areaId, key: claimed.apiKey };
    save();
    console.log(`Area ${demo.areaName}: ${approved.areaId} (applied, approved, key claimed)`);
  }
  const areaIds = new Map<AreaRef, string>(
    demoAreas.map((demo) => [demo.ref, progress.areas[demo.ref]!.areaId]),
  );
  const areaAdminKeys = new Map<AreaRef, string>(
    demoAreas.map((demo) => [demo.ref, progress.areas[demo.ref]!.key ?? adminKey]),
  );

  // 2. Organisations and their keys (an organisation an earlier run made is found by its name).
  for (const org of demoOrganisations) {
    if (progress.organisations[org.ref]) continue;
    const key = areaAdminKeys.get(org.area)!;
    const areaId = areaIds.get(org.area)!;
    const known = earlier
      ? (await listAll<{ id: string; name: string }>(`/v1/areas/${areaId}/organisations`, adminKey)).find(
          (candidate) => candidate.name === org.name,
        )
      : undefined;
    const created =
      known ??
      (await api<{ id: string }>('POST', `/v1/areas/${areaId}/organisations`, {
        key,
        body: {
          kind: org.kind,
          name: org.name,
          municipalityCode: org.municipalityCode,
          contactEmail: `info@${org.ref}.example`,
          ...(org.cardLimitPerDay !== undefined && { cardLimitPerDay: org.cardLimitPerDay }),
        },
      }));
    const apiKey = (
      await api<{ apiKey: string }>('POST', `/v1/organisations/${created.id}/keys`, { key, body: {} })
    ).apiKey;
    progress.organisations[org.ref] = { id: created.id, key: apiKey };
    save();
  }
  for (const [ref, path, name] of [
    [ticketAgentRef, '/v1/ticket-agents', 'Lippupiste (demo)'],
    ['partner', '/v1/partners', 'Tilastokumppani (demo)'],
  ] as const) {
    if (progress.organisations[ref]) continue;
    const created = await api<{ id: string }>('POST', path, {
      ...admin,
      body: { name, contactEmail: `api@${ref}.example` },
    });
    const apiKey = (
      await api<{ apiKey: string }>('POST', `/v1/organisations/${created.id}/keys`, { ...admin, body: {} })
    ).apiKey;
    progress.organisations[ref] = { id: created.id, key: apiKey };
    save();
  }
  const orgIds = new Map(Object.entries(progress.organisations).map(([ref, org]) => [ref, org.id]));
  const keys = new Map(Object.entries(progress.organisations).map(([ref, org]) => [ref, org.key]));
  const seedKeys = {
    areaAdmin: areaAdminKeys.get('lu'),
    distributor: keys.get('espoo-social'),
    venue: keys.get('espoo-museum'),
    ticketAgent: keys.get(ticketAgentRef),
    partner: keys.get('partner'),
  };
  writeFileSync(keysFile, `${JSON.stringify(seedKeys, null, 2)}\n`, { mode: 0o600 });
  chmodSync(keysFile, 0o600);
  console.log(`Organisations: ${demoOrganisations.length} in the areas, a ticket agent and a partner.`);

  // 2b. People who sign in to the web app: invited, first sign-in done, written to seed-people.json.
  const nationalCentre = await api<{ orgId: string }>('GET', '/v1/me', admin);
  const areaAdminOrganisation = (
    await listAll<{ id: string; kind: string }>(`/v1/areas/${areaIds.get('lu')}/organisations`, adminKey)
  ).find((org) => org.kind === 'area-admin');
  if (!areaAdminOrganisation) fail(`the area ${areaIds.get('lu')} has no area-admin organisation`);
  progress.people ??= {};
  const peopleFile = await seedPeople({
    api,
    orgIds: {
      admin: nationalCentre.orgId,
      areaAdmin: areaAdminOrganisation.id,
      distributor: orgIds.get('espoo-social')!,
      venue: orgIds.get('espoo-museum')!,
    },
    // The national centre invites area admins; the area's admin invites its organisations' people.
    inviterKeys: {
      admin: adminKey,
      areaAdmin: adminKey,
      distributor: areaAdminKeys.get('lu')!,
      venue: areaAdminKeys.get('lu')!,
    },
    dataDir: service.dataDir,
    progress: progress.people,
    save,
  });
  console.log(`People: one of each role signs in to the web app with ${shown(peopleFile)}.`);

  // 3. Cards, uses, and a few administrative actions on them.
  // The service's clock, not this machine's: npm start may run with KAIKU_CLOCK (shared/lib/clock.ts). The
  // first area's createdAt is the service's time of its approval; the clock has moved on as much since.
  const firstArea = await api<{ createdAt: string }>(
    'GET',
    `/v1/areas/${areaIds.get(demoAreas[0].ref)}`,
    admin,
  );
  // Kept: a run that carries on plans the same uses at the same instants, so each row repeats itself.
  progress.plannedAt ??= new Date(
    Date.parse(firstArea.createdAt) + (firstApprovalAt ? Date.now() - firstApprovalAt : 0),
  ).toISOString();
  save();
  const now = new Date(progress.plannedAt);
  // Smaller sets on request (the end-to-end test of this script uses one); the demo is 300 and 3,000.
  const plan = seedPlan(Number(today(now).slice(0, 4)), cardCount, useCount);
  await inParallel(plan.cards, 8, async (card) => {
    // 409 CARD_NUMBER_TAKEN: an earlier run registered it (the numbers are the plan's own).
    await api('POST', '/v1/cards', { key: keys.get(card.distributor), body: card.body, ok: [201, 409] });
  });
  const elapsed = sinceMidnight(now);
  const byCaller = new Map<string, Record<string, unknown>[]>();
  for (const use of plan.uses) {
    const card = plan.cards[use.card]!;
    const rows = byCaller.get(use.caller) ?? [];
    rows.push({
      clientRef: use.clientRef,
      cardNumber: card.body.cardNumber,
      sector: use.sector,
      adults: use.adults,
      children: use.children,
      // Earlier today; in the first minutes after midnight, now.
      ...(elapsed > 120_000 && {
        occurredAt: new Date(
          now.getTime() - 60_000 - Math.floor(use.dayFraction * (elapsed - 120_000)),
        ).toISOString(),
      }),
      ...(use.caller === ticketAgentRef && { venueId: orgIds.get(use.venue) }),
    });
    byCaller.set(use.caller, rows);
  }
  const batches = [...byCaller].flatMap(([caller, rows]) =>
    Array.from({ length: Math.ceil(rows.length / 500) }, (_, i) => ({
      caller,
      rows: rows.slice(i * 500, i * 500 + 500),
    })),
  );
  const usageIds = new Map<string, string>();
  const failures: string[] = [];
  await inParallel(batches, 3, async ({ caller, rows }) => {
    // A row refused as THROTTLED or SERVICE_UNAVAILABLE (the batches of other callers change the same cards
    // at the same moment) is sent again after a pause, as the contract asks of clients: rows are
    // idempotent by clientRef, so a row that did get through answers with its first result.
    let pending = rows;
    for (let round = 1; pending.length > 0; round++) {
      const answer = await api<BatchAnswer>('POST', '/v1/usages/batch', {
        key: keys.get(caller),
        body: { items: pending },
      });
      const again = new Set<string>();
      for (const result of answer.results) {
        if (result.status !== 'failed') usageIds.set(result.clientRef, result.usageId ?? '');
        else if (round < 8 && retryableRow(result.error)) again.add(result.clientRef);
        else failures.push(`${result.clientRef}: ${JSON.stringify(result.error)}`);
      }
      pending = pending.filter((row) => again.has(String(row.clientRef)));
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 500 * round));
    }
  });
  if (failures.length > 0)
    fail(`${failures.length} uses were refused, e.g. ${failures.slice(0, 5).join('; ')}`);
  for (const index of plan.voided) {
    const use = plan.uses[index]!;
    // 409: voided by an earlier run.
    await api('DELETE', `/v1/usages/${usageIds.get(use.clientRef)}`, {
      key: keys.get(use.caller),
      ok: [200, 409],
    });
  }
  for (const index of plan.revoked) {
    const card = plan.cards[index]!;
    await api('POST', `/v1/cards/${card.body.cardNumber}/revoke`, {
      key: keys.get(card.distributor),
      body: { reason: 'lost' },
      ok: [200, 409],
    });
  }
  for (const { card: index, newCardNumber } of plan.replaced) {
    const card = plan.cards[index]!;
    await api('POST', `/v1/cards/${card.body.cardNumber}/replace`, {
      key: keys.get(card.distributor),
      body: { newCardNumber },
      ok: [200, 201, 409],
    });
  }
  progress.done = true;
  save();
  const persons = plan.uses.reduce((sum, use) => sum + use.adults + use.children, 0);
  console.log(
    `Cards: ${plan.cards.length} (${plan.revoked.length} revoked, ${plan.replaced.length} replaced). ` +
      `Uses: ${plan.uses.length} recorded today (${persons} persons, all four sectors), ${plan.voided.length} voided.`,
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `Seeded ${url} in ${seconds} s; the demo keys are in ${shown(keysFile)}, the demo people in ${shown(join(service.dataDir, 'seed-people.json'))}.`,
  );
}

// Run as a script (node scripts/seed.ts); imported (the tests read seedPlan), it does nothing.
if (import.meta.main) await runScript(script, main);
