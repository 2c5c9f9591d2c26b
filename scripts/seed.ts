// npm run seed: demo data in the running local service at $KAIKU_URL, keys in $KAIKU_DATA_DIR/seed-keys.json.
// The demo area and its organisations are written straight into the local table (the onboarding
// endpoints will take this over); cards and uses go through the HTTP API like any client's.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLocalAws } from '../infra/local/runtime.ts';
import type { OrganisationKind } from '../shared/domain/organisations.ts';
import { registerArea, registerOrganisation } from '../shared/register-organisation.ts';
import { getArea } from '../shared/store/organisations.ts';

const url = process.env.KAIKU_URL ?? 'http://localhost:3000';
const dataDir = process.env.KAIKU_DATA_DIR ?? '.kaiku';
const keysFile = join(dataDir, 'seed-keys.json');
const demoAreaId = 'demo-espoo';

function fail(message: string): never {
  console.error(`Cannot seed: ${message}`);
  process.exit(1);
}

const health = await fetch(`${url}/v1/health`).catch(() => undefined);
if (!health?.ok) fail(`no service answers at ${url}; start it with npm start (or set KAIKU_URL).`);
const runtimeFile = join(dataDir, 'runtime.json');
if (!existsSync(runtimeFile)) fail(`${runtimeFile} is missing; is KAIKU_DATA_DIR the one npm start uses?`);
const runtime = JSON.parse(readFileSync(runtimeFile, 'utf8'));
useLocalAws(runtime.dynamoEndpoint, runtime.s3Endpoint, runtime.tableName, runtime.bucket);

if (await getArea(demoAreaId)) {
  console.log(`Already seeded: keys are in ${keysFile}.`);
  process.exit(0);
}

await registerArea({
  areaId: demoAreaId,
  name: 'Espoo (demo)',
  municipalityCodes: ['049'],
  welfareArea: 'LU',
});
const organisation = async (
  kind: OrganisationKind,
  name: string,
  extra: { areaId?: string; cardLimitPerDay?: number } = {},
) =>
  (
    await registerOrganisation({
      kind,
      name,
      contactEmail: 'demo@example.org',
      municipalityCode: '049',
      ...extra,
    })
  ).apiKey;
const keys = {
  areaAdmin: await organisation('area-admin', 'Espoo Kaikukortti team', { areaId: demoAreaId }),
  distributor: await organisation('distributor', 'Espoo social services (demo)', { areaId: demoAreaId }),
  venue: await organisation('venue', 'Espoo City Museum (demo)', { areaId: demoAreaId, cardLimitPerDay: 4 }),
  ticketAgent: await organisation('ticket-agent', 'Demo Tickets Oy'),
  partner: await organisation('partner', 'Demo Statistics Partner'),
};
writeFileSync(keysFile, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });

async function post(path: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) fail(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

const sectors = ['culture', 'education', 'science', 'sport'];
let uses = 0;
for (let i = 0; i < 12; i++) {
  const card = (await post('/v1/cards', keys.distributor, {
    cardType: 'personal',
    birthYear: 1950 + ((i * 7) % 58),
    postalCode: `02${String(100 + i * 10).padStart(3, '0')}`,
    minorChildren: i % 3,
  })) as { cardNumber: string; minorChildren: number };
  for (let j = 0; j <= i % 3; j++) {
    await post(
      '/v1/usages',
      keys.venue,
      {
        cardNumber: card.cardNumber,
        sector: sectors[(i + j) % 4],
        adults: 1,
        children: j % 2 === 0 ? card.minorChildren : 0,
      },
      { 'idempotency-key': `seed-${i}-${j}` },
    );
    uses++;
  }
}
console.log(`Seeded area ${demoAreaId} with 12 cards and ${uses} uses; keys in ${keysFile}.`);
