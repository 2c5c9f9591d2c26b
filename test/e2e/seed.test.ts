// npm run seed, end to end: the script runs as its own process against a test service, through the HTTP
// API only, and a second run changes nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInOverHttp } from '../../infra/local/identity/sign-in-client.ts';
import { demoAreas, demoOrganisations, seedPlan } from '../../scripts/seed.ts';
import { demoPeople } from '../../scripts/seed-people.ts';
import { parseCardNumber } from '../../shared/contract/card-number.ts';
import { helsinkiDate, today } from '../../shared/lib/dates.ts';
import { startTestIdentity, type TestIdentity } from '../support/identity.ts';
import { scanTable, startTestService, type TestService } from '../support/service.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
const cardCount = 60;
const useCount = 600;

let service: TestService;
let identity: TestIdentity;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kaiku-seed-'));
  // The provider keeps its state and outbox in the data folder, as npm start's does ($KAIKU_DATA_DIR/outbox).
  identity = await startTestIdentity({ root: dataDir });
  service = await startTestService({ identity });
  writeFileSync(join(dataDir, 'admin-key'), `${service.adminKey}\n`, { mode: 0o600 });
  // Up before the seed runs, as npm start is once it says so: the health function's first start is
  // not the seed's to wait for (it allows the health check 5 s).
  expect((await service.call('GET', '/v1/health')).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await service?.stop();
  await identity?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function runSeed(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/seed.ts'], {
      cwd: projectRoot,
      // A fifth of the demo's size keeps this test quick; the plan itself is checked at full size below.
      env: {
        ...process.env,
        KAIKU_URL: service.url,
        KAIKU_DATA_DIR: dataDir,
        KAIKU_SEED_CARDS: String(cardCount),
        KAIKU_SEED_USES: String(useCount),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function listAll(path: string, key: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  do {
    const page = await service.call(
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { key },
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

const entityCounts = (items: Record<string, any>[]) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.entity ?? item.pk.split('#')[0]] = (counts[item.entity] ?? 0) + 1;
  return counts;
};

describe('npm run seed', () => {
  it('applies, approves and fills the service over HTTP, writes every role’s key, and a second run changes nothing', async () => {
    const startedAt = Date.now();
    const first = await runSeed();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Seeded .* the demo keys are in/);

    // The keys: one per role, readable by the owner only.
    const keysFile = join(dataDir, 'seed-keys.json');
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
    const keys = JSON.parse(readFileSync(keysFile, 'utf8'));
    expect(Object.keys(keys).sort()).toEqual(['areaAdmin', 'distributor', 'partner', 'ticketAgent', 'venue']);
    for (const key of Object.values(keys)) expect(key).toMatch(/^kk\.k[0-9a-f]{20}\./);

    // The people: one of each role the web app serves, who sign in with the file's details as a person
    // would (password, and a code of their TOTP app for the two admin roles) and act in their role.
    const peopleFile = join(dataDir, 'seed-people.json');
    expect(statSync(peopleFile).mode & 0o777).toBe(0o600);
    const people = JSON.parse(readFileSync(peopleFile, 'utf8'));
    expect(Object.keys(people).sort()).toEqual(['admin', 'areaAdmin', 'distributor', 'venue']);
    for (const [role, person] of Object.entries<any>(people)) {
      const demo = demoPeople[role as keyof typeof demoPeople];
      expect(Object.keys(person).sort()).toEqual(
        demo.secondFactor ? ['email', 'password', 'totpSecret'] : ['email', 'password'],
      );
      expect(person.email).toBe(demo.email);
      const tokens = await signInOverHttp({
        issuer: identity.issuer,
        clientId: identity.clientId,
        redirectUri: identity.redirectUri,
        email: person.email,
        password: person.password,
        ...(person.totpSecret && { totp: () => generateSync({ secret: person.totpSecret }) }),
      });
      const me = await service.call('GET', '/v1/me', { key: tokens.access_token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ kind: 'person', email: demo.email, name: demo.name });
      expect(me.body.memberships).toEqual([
        expect.objectContaining({ role: demo.apiRole, manager: demo.manager }),
      ]);
      // And acts in that role (the admin roles with their second factor recorded: no MFA_REQUIRED).
      const acting = await service.call('GET', '/v1/areas', { key: tokens.access_token });
      expect(acting.status).toBe(['admin', 'area-admin'].includes(demo.apiRole) ? 200 : 403);
    }

    // The areas came through applications: approved, with their municipalities.
    const areas = await listAll('/v1/areas', service.adminKey);
    expect(
      areas.map(({ name, municipalityCodes, welfareArea }) => ({ name, municipalityCodes, welfareArea })),
    ).toEqual(
      expect.arrayContaining(
        demoAreas.map(({ areaName, municipalityCodes, welfareArea }) => ({
          name: areaName,
          municipalityCodes,
          welfareArea,
        })),
      ),
    );
    expect(areas).toHaveLength(2);
    const approved = await listAll('/v1/applications?status=approved', service.adminKey);
    expect(approved.map((application) => application.areaId).sort()).toEqual(
      areas.map((area) => area.id).sort(),
    );

    // Each key works as its role.
    const espoo = areas.find((area) => area.municipalityCodes.includes('049'));
    const own = await service.call('GET', '/v1/areas', { key: keys.areaAdmin });
    expect(own.body.items.map((area: any) => area.id)).toEqual([espoo.id]);
    const organisations = await listAll(`/v1/areas/${espoo.id}/organisations`, keys.areaAdmin);
    expect(organisations.map((org) => org.kind).sort()).toEqual([
      'area-admin',
      'distributor',
      'distributor',
      'venue',
      'venue',
      'venue',
    ]);
    expect(organisations.filter((org) => org.cardLimitPerDay !== undefined)).toEqual([
      expect.objectContaining({ kind: 'venue', cardLimitPerDay: 4 }),
    ]);
    const year = Number(today().slice(0, 4));
    const plan = seedPlan(year, cardCount, useCount);
    const espooCard = plan.cards.find((card) => card.distributor === 'espoo-social')!;
    const card = await service.call('GET', `/v1/cards/${espooCard.body.cardNumber}`, {
      key: keys.distributor,
    });
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({ areaId: espoo.id, cardType: espooCard.body.cardType });
    const venueUses = await listAll('/v1/usages', keys.venue);
    expect(venueUses.length).toBeGreaterThan(0);
    expect(new Set(venueUses.map((use) => use.venueId)).size).toBe(1);
    expect(
      (await service.call('POST', '/v1/cards', { key: keys.venue, body: { cardType: 'community' } })).status,
    ).toBe(403);
    const agent = await service.call('POST', '/v1/usages', {
      key: keys.ticketAgent,
      body: { cardNumber: espooCard.body.cardNumber, sector: 'culture', adults: 1, children: 0 },
      headers: { 'idempotency-key': 'seed-check' },
    });
    expect(agent.status).toBe(400);
    expect(agent.body.error.details.map((detail: any) => detail.field)).toEqual(['venueId']);
    expect((await service.call('GET', '/v1/usages', { key: keys.partner })).status).toBe(403);
    expect((await service.call('GET', '/v1/stats/snapshots', { key: keys.partner })).status).toBe(200);

    // The fixed set: the planned cards (and their replacements), the planned uses, in all four sectors.
    const items = await scanTable();
    const cardNumbers = items.filter((item) => item.entity === 'card').map((item) => item.cardNumber);
    expect(cardNumbers.sort()).toEqual(
      [
        ...plan.cards.map((planned) => planned.body.cardNumber),
        ...plan.replaced.map((replacement) => replacement.newCardNumber),
      ].sort(),
    );
    const uses = await listAll('/v1/usages', service.adminKey);
    expect(uses).toHaveLength(plan.uses.length);
    expect(uses.filter((use) => use.voided)).toHaveLength(plan.voided.length);
    expect(new Set(uses.map((use) => use.sector))).toEqual(
      new Set(['culture', 'education', 'science', 'sport']),
    );
    expect(new Set(uses.map((use) => use.areaId))).toEqual(new Set(areas.map((area) => area.id)));
    const now = Date.now();
    for (const use of uses) {
      expect(helsinkiDate(new Date(use.occurredAt))).toBe(today());
      expect(Date.parse(use.occurredAt)).toBeLessThanOrEqual(now);
    }
    const persons = uses
      .filter((use) => !use.voided)
      .reduce((sum, use) => sum + use.adults + use.children, 0);
    const plannedPersons = plan.uses
      .filter((_, index) => !plan.voided.includes(index))
      .reduce((sum, use) => sum + use.adults + use.children, 0);
    expect(persons).toBe(plannedPersons);

    // Every administrative action is in the audit.
    const audit = await listAll('/v1/audit', service.adminKey);
    const actions: Record<string, number> = {};
    for (const entry of audit) actions[entry.action] = (actions[entry.action] ?? 0) + 1;
    expect(actions).toEqual({
      'application.approved': 2,
      // Each approval invites the application's two contact persons; then the four demo people.
      'person.invited': 8,
      'organisation.created': 10,
      'key.created': 10,
      'card.revoked': plan.revoked.length + plan.replaced.length,
      'usage.voided': plan.voided.length,
    });

    // Again: it says so, and writes nothing.
    const before = entityCounts(await scanTable());
    const keysBefore = readFileSync(keysFile, 'utf8');
    const second = await runSeed();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Already seeded/);
    expect(entityCounts(await scanTable())).toEqual(before);
    expect(readFileSync(keysFile, 'utf8')).toBe(keysBefore);
    console.log(`seed and checks took ${Math.round((Date.now() - startedAt) / 1000)} s`);
  }, 300_000);
});

describe('the demo data set', () => {
  it('is fixed: 300 cards and 3,000 uses in all four sectors, each one the API admits', () => {
    const year = Number(today().slice(0, 4));
    const plan = seedPlan(year);
    expect(seedPlan(year)).toEqual(plan);
    expect(plan.cards).toHaveLength(300);
    expect(plan.uses).toHaveLength(3000);
    const numbers = [
      ...plan.cards.map((card) => card.body.cardNumber),
      ...plan.replaced.map((replacement) => replacement.newCardNumber),
    ];
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const number of numbers) expect(parseCardNumber(number)).toEqual({ cardNumber: number });
    for (const card of plan.cards)
      if (card.body.cardType === 'personal') {
        expect(card.body.birthYear).toBeLessThanOrEqual(year - 16);
        expect(card.body.postalCode).toMatch(/^\d{5}$/);
      }
    expect(plan.cards.some((card) => card.body.cardType === 'community')).toBe(true);
    expect(new Set(plan.cards.map((card) => card.distributor)).size).toBe(3);

    expect(new Set(plan.uses.map((use) => use.sector))).toEqual(
      new Set(['culture', 'education', 'science', 'sport']),
    );
    const venues = demoOrganisations.filter((org) => org.kind === 'venue');
    expect(new Set(plan.uses.map((use) => use.venue))).toEqual(new Set(venues.map((venue) => venue.ref)));
    expect(plan.uses.filter((use) => use.caller === 'ticket-agent').length).toBeGreaterThan(300);
    const perCardAtMuseum = new Map<number, number>();
    for (const use of plan.uses) {
      const card = plan.cards[use.card]!;
      expect(use.adults + use.children).toBeGreaterThanOrEqual(1);
      expect(use.adults).toBeLessThanOrEqual(card.adults);
      expect(use.children).toBeLessThanOrEqual(card.children);
      expect(use.dayFraction).toBeGreaterThanOrEqual(0);
      expect(use.dayFraction).toBeLessThan(1);
      if (use.caller !== 'ticket-agent') expect(use.caller).toBe(use.venue);
      if (use.venue === 'espoo-museum')
        perCardAtMuseum.set(use.card, (perCardAtMuseum.get(use.card) ?? 0) + 1);
    }
    // Every use is today, so the museum's limit of 4 per card per day holds for the whole set.
    expect(Math.max(...perCardAtMuseum.values())).toBeLessThanOrEqual(4);
    // Some cards are never used (registered, not taken into use).
    expect(new Set(plan.uses.map((use) => use.card)).size).toBeLessThan(plan.cards.length);
    // A venue voids only what it recorded itself.
    expect(plan.voided.length).toBeGreaterThan(0);
    for (const index of plan.voided) expect(plan.uses[index]!.caller).not.toBe('ticket-agent');
    expect(plan.revoked.length + plan.replaced.length).toBeGreaterThan(0);
  });
});
