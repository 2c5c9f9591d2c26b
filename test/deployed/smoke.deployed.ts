// The README's smoke test (First deployment, step 8) against a deployed service, over HTTP only: no
// table, bucket or AWS credentials, only KAIKU_URL and the national admin key KAIKU_ADMIN_KEY. The
// pipeline runs it against dev after each deployment; `npm run test:deployed` runs it against any service,
// npm start's included (KAIKU_URL=http://127.0.0.1:3000 KAIKU_ADMIN_KEY=$(cat .kaiku/admin-key)).
//
// What it leaves behind cannot be removed through the API (README, step 8): an area holding one
// municipality, its organisations, a card, a use, a partner. Each run takes a municipality no area holds
// and no pending application names, so every run on the same table claims another one (310 in all); the
// keys it made are revoked at the end. Never point it at production.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { municipalities } from '../../shared/domain/codes.ts';
import { today } from '../../shared/lib/dates.ts';

const baseUrl = (process.env.KAIKU_URL ?? '').replace(/\/+$/, '');
const adminKey = process.env.KAIKU_ADMIN_KEY ?? '';
/** How long to wait for the asynchronous snapshot in AWS (the function may run 15 minutes). */
const snapshotWaitMs = Number(process.env.KAIKU_SNAPSHOT_WAIT_SECONDS ?? 300) * 1000;
const run = `${new Date().toISOString().slice(0, 19)}-${randomBytes(3).toString('hex')}`;

interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One request; 429 is retried after its Retry-After (the application route allows one a second). */
async function call<T = any>(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    if (response.status === 429 && attempt < 6) {
      const seconds = Number(response.headers.get('retry-after') ?? 1);
      await sleep(Math.min(Number.isFinite(seconds) ? seconds : 1, 10) * 1000);
      continue;
    }
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: response.status, headers: response.headers, body, text };
  }
}

/** Expects `status`, and says what came instead (the error body names the problem). */
function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status)
    throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.text.slice(0, 500)}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every item of an admin list, following nextCursor. */
async function all<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await call<{ items: T[]; nextCursor?: string }>(
      'GET',
      `${path}${separator}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { key: adminKey },
    );
    expectStatus(page, 200, `GET ${path}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** What one step hands to the next; a step whose input an earlier step did not make fails at once. */
const state: {
  municipalityCode?: string;
  welfareArea?: string;
  applicationId?: string;
  claimToken?: string;
  areaId?: string;
  areaAdminKey?: string;
  distributorKey?: string;
  venueKey?: string;
  cardNumber?: string;
  partnerKey?: string;
  date?: string;
  keyIds: string[];
} = { keyIds: [] };

function needs<K extends keyof typeof state>(name: K): NonNullable<(typeof state)[K]> {
  const value = state[name];
  if (value === undefined) throw new Error(`no ${name}: an earlier step failed`);
  return value as NonNullable<(typeof state)[K]>;
}

/** A key's id is its middle part: kk.<keyId>.<secret>. */
const keyIdOf = (apiKey: string) => apiKey.split('.')[1] ?? '';

describe(`the deployed service at ${baseUrl}`, () => {
  afterAll(async () => {
    // The keys made here are of no further use: revoked, they are harmless in a log.
    for (const keyId of state.keyIds) {
      const revoked = await call('DELETE', `/v1/keys/${keyId}`, { key: adminKey });
      if (revoked.status !== 200 && revoked.status !== 204)
        console.warn(`revoking key ${keyId}: ${revoked.status} ${revoked.text.slice(0, 200)}`);
    }
  });

  it('is healthy', async () => {
    const health = await call('GET', '/v1/health');
    expectStatus(health, 200, 'GET /v1/health');
    expect(health.body).toEqual({ status: 'ok' });
  });

  it('accepts the admin key', async () => {
    expectStatus(await call('GET', '/v1/areas?limit=1', { key: adminKey }), 200, 'GET /v1/areas as admin');
  });

  it('lets an area apply, approves it, and hands the applicant its area-admin key once', async () => {
    // A municipality that no area holds and no pending application names.
    const areas = await all<{ municipalityCodes: string[] }>('/v1/areas');
    const pending = await all<{ municipalityCodes?: string[] }>('/v1/applications?status=pending');
    const taken = new Set([...areas, ...pending].flatMap((item) => item.municipalityCodes ?? []));
    const free = Object.keys(municipalities)
      .sort()
      .find((code) => !taken.has(code));
    if (!free) throw new Error('every municipality already belongs to an area: use a fresh table');
    state.municipalityCode = free;
    state.welfareArea = municipalities[free]!.welfareArea;

    const application = await call('POST', '/v1/applications', {
      body: {
        areaName: `Deployed smoke test ${run}`,
        municipalityCodes: [free],
        welfareArea: state.welfareArea,
        contacts: {
          culture: { name: 'Test Culture', email: 'culture@example.org' },
          social: { name: 'Test Social', email: 'social@example.org' },
        },
      },
    });
    expectStatus(application, 201, 'POST /v1/applications');
    expect(application.body).toMatchObject({ status: 'pending' });
    state.applicationId = application.body.id;
    state.claimToken = application.body.claimToken;

    const approved = await call('POST', `/v1/applications/${needs('applicationId')}/approve`, {
      key: adminKey,
      body: {},
    });
    expectStatus(approved, 200, 'POST /v1/applications/{id}/approve');
    state.areaId = approved.body.areaId;
    expect(state.areaId).toEqual(expect.any(String));

    const claimed = await call('GET', `/v1/applications/${needs('applicationId')}`, {
      headers: { 'x-claim-token': needs('claimToken') },
    });
    expectStatus(claimed, 200, 'GET /v1/applications/{id} with the claim token');
    expect(claimed.body).toMatchObject({ status: 'approved', areaId: state.areaId });
    expect(claimed.body.apiKey).toMatch(/^kk\./);
    state.areaAdminKey = claimed.body.apiKey;
    state.keyIds.push(keyIdOf(claimed.body.apiKey));

    const again = await call('GET', `/v1/applications/${needs('applicationId')}`, {
      headers: { 'x-claim-token': needs('claimToken') },
    });
    expectStatus(again, 200, 'GET /v1/applications/{id} a second time');
    expect(again.body.apiKey).toBeUndefined();
  });

  it('creates a distributor and a venue of the area, with a key each', async () => {
    const areaAdminKey = needs('areaAdminKey');
    const organisation = async (kind: 'distributor' | 'venue') => {
      const created = await call('POST', `/v1/areas/${needs('areaId')}/organisations`, {
        key: areaAdminKey,
        body: {
          kind,
          name: `Deployed smoke test ${kind}`,
          municipalityCode: needs('municipalityCode'),
          contactEmail: `${kind}@example.org`,
        },
      });
      expectStatus(created, 201, `POST /v1/areas/{areaId}/organisations (${kind})`);
      expect(created.body).toMatchObject({ kind, areaId: state.areaId, status: 'active' });
      const key = await call('POST', `/v1/organisations/${created.body.id}/keys`, { key: areaAdminKey });
      expectStatus(key, 201, `POST /v1/organisations/{orgId}/keys (${kind})`);
      expect(key.body).toMatchObject({ role: kind, keyId: keyIdOf(key.body.apiKey) });
      state.keyIds.push(key.body.keyId);
      return key.body.apiKey as string;
    };
    state.distributorKey = await organisation('distributor');
    state.venueKey = await organisation('venue');
  });

  it('registers a card and records one use however often the same Idempotency-Key comes', async () => {
    const card = await call('POST', '/v1/cards', {
      key: needs('distributorKey'),
      body: { cardType: 'personal', birthYear: 1970, postalCode: '08100', minorChildren: 1 },
    });
    expectStatus(card, 201, 'POST /v1/cards');
    state.cardNumber = card.body.cardNumber;

    const use = () =>
      call('POST', '/v1/usages', {
        key: needs('venueKey'),
        headers: { 'idempotency-key': `deployed-smoke-${run}` },
        body: { cardNumber: needs('cardNumber'), sector: 'culture', adults: 1, children: 1 },
      });
    const first = await use();
    expectStatus(first, 201, 'POST /v1/usages');
    const second = await use();
    expectStatus(second, 200, 'POST /v1/usages again with the same Idempotency-Key');
    expect(second.body.usageId).toBe(first.body.usageId);

    const read = await call('GET', `/v1/cards/${needs('cardNumber')}`, { key: needs('distributorKey') });
    expectStatus(read, 200, 'GET /v1/cards/{cardNumber}');
    expect(read.body.useCount).toBe(1);
  });

  it(
    "computes today's snapshot on request",
    async () => {
      const date = today();
      // Compared with the manifest's own timestamps, not with this machine's clock.
      const before = await call('GET', `/v1/stats/snapshots/${date}`, { key: adminKey });
      const previous = before.status === 200 ? (before.body.generatedAt as string) : undefined;

      const requested = await call('POST', '/v1/stats/snapshots', { key: adminKey, body: { date } });
      expectStatus(requested, 202, 'POST /v1/stats/snapshots');
      expect(['queued', 'written']).toContain(requested.body.status);

      // In AWS the snapshot function runs asynchronously; locally it is written before the answer.
      const deadline = Date.now() + snapshotWaitMs;
      for (;;) {
        const manifest = await call('GET', `/v1/stats/snapshots/${date}`, { key: adminKey });
        if (manifest.status === 200 && manifest.body.generatedAt !== previous) break;
        if (manifest.status !== 200 && manifest.status !== 404)
          expectStatus(manifest, 200, 'GET /v1/stats/snapshots/{date}');
        if (Date.now() > deadline)
          throw new Error(
            `no new snapshot of ${date} after ${snapshotWaitMs / 1000} s (last answer ${manifest.status}); ` +
              'see the snapshot function’s log and the alarm topic',
          );
        await sleep(5000);
      }
      state.date = date;
    },
    snapshotWaitMs + 60_000,
  );

  it("gives a partner the day's manifest and files whose sha256 matches it", async () => {
    const date = needs('date');
    const partner = await call('POST', '/v1/partners', {
      key: adminKey,
      body: { name: `Deployed smoke test partner ${run}`, contactEmail: 'partner@example.org' },
    });
    expectStatus(partner, 201, 'POST /v1/partners');
    const key = await call('POST', `/v1/organisations/${partner.body.id}/keys`, { key: adminKey });
    expectStatus(key, 201, 'POST /v1/organisations/{partnerId}/keys');
    expect(key.body.role).toBe('partner');
    state.keyIds.push(key.body.keyId);
    state.partnerKey = key.body.apiKey;

    const list = await call('GET', '/v1/stats/snapshots', { key: needs('partnerKey') });
    expectStatus(list, 200, 'GET /v1/stats/snapshots as partner');
    expect(list.body.items.map((item: { date: string }) => item.date)).toContain(date);

    const manifest = await call('GET', `/v1/stats/snapshots/${date}`, { key: needs('partnerKey') });
    expectStatus(manifest, 200, 'GET /v1/stats/snapshots/{date} as partner');
    const files = manifest.body.files as { name: string; sha256: string; bytes: number; url: string }[];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file.name).toMatch(/^partner\//);

    const national = files.find((file) => file.name === 'partner/national.json');
    if (!national)
      throw new Error(`no partner/national.json in ${files.map((file) => file.name).join(', ')}`);
    // A presigned link: no Authorization header (S3 would refuse one beside the signature).
    const download = await fetch(national.url);
    expect(download.status).toBe(200);
    const content = Buffer.from(await download.arrayBuffer());
    expect(content.length).toBe(national.bytes);
    expect(createHash('sha256').update(content).digest('hex')).toBe(national.sha256);

    // This run's card and use are in the day's national figures (with every earlier run's on this table).
    const day = JSON.parse(content.toString('utf8')).periods.day;
    expect(day.uses).toBeGreaterThanOrEqual(2);
    expect(day.adultUses).toBeGreaterThanOrEqual(1);
    expect(day.childUses).toBeGreaterThanOrEqual(1);
    expect(day.cardsRegistered).toBeGreaterThanOrEqual(1);
  });
});
