// The local service for one test file: its own table on the shared local account, the service's
// functions deployed on it (each in its own runtime, with its own IAM role enforced), the real gateway on
// a free port, real HTTP. The test itself looks into the table as the operator.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { LocalIam } from '../../infra/local/aws/account.ts';
import { localSecretName, secretFile } from '../../infra/local/aws/secrets-edge.ts';
import { type Deployment, startDeployment } from '../../infra/local/deployment.ts';
import { ensureTable } from '../../infra/local/dynamodb.ts';
import { type Gateway, type Invoker, startGateway } from '../../infra/local/gateway.ts';
import type { IdentityEndpoint } from '../../infra/local/lambda/functions.ts';
import { operatorClient, useLocalAws } from '../../infra/local/runtime.ts';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { generateCardNumber } from '../../shared/contract/card-number.ts';
import type { Role } from '../../shared/contract/roles.ts';
import { viewerAddressHeader } from '../../shared/domain/application-source.ts';
import { activeWhileValid, allowances, type Card } from '../../shared/domain/cards.ts';
import { originHeader } from '../../shared/http/origin.ts';
import { today } from '../../shared/lib/dates.ts';
import { putNewCard } from '../../shared/store/cards.ts';
import { documentClient } from '../../shared/store/client.ts';
import {
  cardAggregateKey,
  cardKey,
  organisationKey,
  useAggregateKey,
  useCounters,
} from '../../shared/store/keys.ts';
import { createAdminKey } from '../../shared/use-cases/national-centre.ts';
import { registerArea, registerOrganisation } from '../../shared/use-cases/register-organisation.ts';
import { statsBucket } from './global-setup.ts';
import { recordExchange, recordSensitive } from './log-leaks.ts';
import { startStreamCounting } from './streams.ts';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestService {
  url: string;
  tableName: string;
  /** The functions of this file's deployment: invoke one as its event source would. */
  deployment: Deployment;
  adminKey: string;
  call: Caller;
  /** An area with a distributor and a venue (and any extra organisations asked for). */
  area(options?: { cardLimitPerDay?: number }): Promise<TestArea>;
  ticketAgent(): Promise<string>;
  /** Another venue in an existing area. */
  venue(
    areaId: string,
    options?: { cardLimitPerDay?: number },
  ): Promise<{ venueId: string; venueKey: string }>;
  /** A partner organisation's key (a role no route of cards or uses admits). */
  partnerKey(): Promise<string>;
  /** A key of every role: the area's own, the admin's, and a new ticket agent's and partner's. */
  keysOfEveryRole(area: TestArea): Promise<Record<Role, string>>;
  /** A ticket agent with its organisation id. */
  ticketAgentOrg(): Promise<{ key: string; orgId: string }>;
  /** POST /v1/cards as the area's distributor; a personal card unless the body says otherwise. */
  issueCard(area: TestArea, body?: Record<string, unknown>): Promise<any>;
  /** POST /v1/usages with an Idempotency-Key (a fresh one unless given). */
  recordUse(key: string, body: Record<string, unknown>, idempotencyKey?: string): Promise<Reply>;
  /** Another gateway on the same table, with fresh throttle buckets and an empty authorizer cache. */
  gateway(): Promise<{ url: string; call: Caller; close(): Promise<void> }>;
  /**
   * POST /v1/applications through a gateway of its own (the route's low throttle is not the point);
   * the fields not given are filled in (a Western Uusimaa municipality by default).
   */
  apply(body?: ApplicationBody): Promise<{ id: string; status: 'pending'; claimToken: string }>;
  /** Apply, approve as admin and claim the area-admin key, all through the API. */
  onboard(body?: ApplicationBody): Promise<OnboardedArea>;
  stop(): Promise<void>;
}

export type Caller = <T = any>(method: string, path: string, options?: CallOptions) => Promise<Reply<T>>;

export interface ApplicationBody {
  areaName?: string;
  municipalityCodes?: string[];
  welfareArea?: string;
  contacts?: unknown;
}

export interface OnboardedArea {
  applicationId: string;
  claimToken: string;
  areaId: string;
  areaAdminKey: string;
}

/** A valid application: the codes and welfare area given, contacts made up. */
export function applicationBody(body: ApplicationBody = {}, n = 1) {
  return {
    areaName: body.areaName ?? `Applicant ${n}`,
    municipalityCodes: body.municipalityCodes ?? ['049'],
    welfareArea: body.welfareArea ?? 'LU',
    contacts: body.contacts ?? {
      culture: { name: 'Kulttuuri Kontakti', email: 'culture@example.org', phone: '+358 40 123 4567' },
      social: { name: 'Sosiaali Kontakti', email: 'social@example.org' },
    },
  };
}

/**
 * The n-th made-up client address, as CloudFront would send it (address and port): applications from
 * different clients do not share the limit of 3 waiting applications per client.
 */
export const clientAddress = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:443`;

/**
 * The origin secret, read from the local account's data folder as CloudFront would get it from Secrets
 * Manager: a request that carries it comes from a stand-in for CloudFront, so the gateway keeps the
 * viewer address it names (decision 0022). Without it, the gateway takes the socket's address.
 */
export function originSecret(): string {
  return readFileSync(secretFile(inject('secretsDir'), localSecretName('originVerify')), 'utf8').trim();
}

/** Headers of a request CloudFront passes on for the n-th made-up client (clientAddress). */
export const viaCloudFront = (n: number): Record<string, string> => ({
  [originHeader]: originSecret(),
  [viewerAddressHeader]: clientAddress(n),
});

/** The local account's endpoints for a deployment: DynamoDB, S3, Secrets Manager. */
export const localEndpoints = () => ({
  dynamodb: inject('dynamoEndpoint'),
  s3: inject('s3Endpoint'),
  secrets: inject('secretsEndpoint'),
});

/** A gateway in front of a deployment's functions, adding the origin secret as CloudFront does. */
export const gatewayFor = (
  functions: Invoker,
  options: { webRoot?: string | false; port?: number; signInOrigins?: readonly string[] } = {},
) => {
  const { port = 0, ...rest } = options;
  return startGateway(functions, port, '127.0.0.1', { ...rest, originSecret: originSecret() });
};

/** Real HTTP to a gateway: JSON bodies in, JSON (or text) out. */
export function callerFor(url: string): Caller {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    // What must never reach a log: the keys and claim tokens sent and received, holder data, free text.
    recordExchange(path, headers, options.body, parsed);
    return { status: response.status, headers: response.headers, body: parsed as any, text };
  };
}

export interface TestArea {
  areaId: string;
  distributorKey: string;
  distributorId: string;
  venueKey: string;
  venueId: string;
  areaAdminKey: string;
}

/** registerOrganisation, with the new key recorded for the log leak check. */
async function registered(...input: Parameters<typeof registerOrganisation>) {
  const result = await registerOrganisation(...input);
  recordSensitive('secret', 'apiKey', result.apiKey);
  return result;
}

let iam: LocalIam | undefined;

/** The local account's IAM, as the global setup made it (same roles, same secret). */
export function localIam(): LocalIam {
  const account = inject('account');
  iam ??= new LocalIam(account.templates, account.secret, statsBucket);
  return iam;
}

/** Points this test process at the shared local account, as the operator, with a fresh table. */
export async function useFreshTable(): Promise<string> {
  const tableName = `t${randomBytes(6).toString('hex')}`;
  const operator = localIam().operator;
  useLocalAws(inject('dynamoEndpoint'), inject('s3Endpoint'), tableName, statsBucket, operator);
  await ensureTable(operatorClient(inject('dynamoEndpoint'), operator), tableName);
  return tableName;
}

let current: Deployment | undefined;

/** The deployment of the service this test file started last. */
export function currentDeployment(): Deployment {
  if (!current) throw new Error('start the test service first');
  return current;
}

/**
 * The service on a fresh table; with `bucket`, its statistics go to that bucket instead of the shared one;
 * its functions use the run's local identity provider (IDP_ISSUER, IDP_CLIENT_ID, Cognito's endpoint), as
 * npm start's do, or the one given as `identity` (test/support/identity.ts).
 */
export async function startTestService(
  options: {
    bucket?: string;
    identity?: IdentityEndpoint;
    /** The gateway's port (0: any): a web app signing in needs the origin its identity provider knows. */
    port?: number;
  } = {},
): Promise<TestService> {
  const tableName = await useFreshTable();
  const bucket = options.bucket ?? statsBucket;
  process.env.STATS_BUCKET = bucket;
  const identity = options.identity ?? inject('identity');
  const { apiKey: adminKey } = await createAdminKey();
  recordSensitive('secret', 'adminKey', adminKey);
  const deployment = await startDeployment(
    localIam(),
    { tableName, bucket },
    { ...localEndpoints(), identity },
  );
  current = deployment;
  // The web app's CSP lets it reach the identity provider, as npm start's gateway does.
  const gateway: Gateway = await gatewayFor(deployment.functions, {
    port: options.port ?? 0,
    signInOrigins: [new URL(identity.issuer).origin],
  });
  const call = callerFor(gateway.url);
  let areas = 0;
  let applications = 0;
  /** Another gateway on the same table: its own throttle buckets and authorizer cache. */
  const secondGateway = async () => {
    const extra = await gatewayFor(deployment.functions);
    return { url: extra.url, call: callerFor(extra.url), close: () => extra.close() };
  };
  const apply = async (body: ApplicationBody = {}) => {
    // Taken before the first await: applications sent at once each get their own number.
    const n = ++applications;
    const extra = await secondGateway();
    try {
      const reply = await extra.call('POST', '/v1/applications', {
        body: applicationBody(body, n),
        // Each application from a client of its own: one client may have only 3 waiting (decision 0011),
        // sent as CloudFront would pass it on (only the origin secret makes the gateway keep the address).
        headers: viaCloudFront(n),
      });
      if (reply.status !== 201) throw new Error(`application refused: ${reply.status} ${reply.text}`);
      return reply.body as { id: string; status: 'pending'; claimToken: string };
    } finally {
      await extra.close();
    }
  };
  return {
    url: gateway.url,
    tableName,
    deployment,
    adminKey,
    call,
    gateway: secondGateway,
    apply,
    async onboard(body = {}) {
      const { id, claimToken } = await apply(body);
      const approved = await call('POST', `/v1/applications/${id}/approve`, { key: adminKey, body: {} });
      if (approved.status !== 200) throw new Error(`not approved: ${approved.status} ${approved.text}`);
      // Also a throttled route: a gateway of its own leaves the test's gateway's bucket alone.
      const extra = await secondGateway();
      const claimed = await extra
        .call('GET', `/v1/applications/${id}`, { headers: { 'x-claim-token': claimToken } })
        .finally(() => extra.close());
      if (claimed.status !== 200 || typeof claimed.body.apiKey !== 'string')
        throw new Error(`area-admin key not claimed: ${claimed.status} ${claimed.text}`);
      return {
        applicationId: id,
        claimToken,
        areaId: approved.body.areaId,
        areaAdminKey: claimed.body.apiKey,
      };
    },
    async area(options = {}) {
      areas++;
      const area = await registerArea({
        name: `Test area ${areas}`,
        municipalityCodes: [],
        welfareArea: 'LU',
      });
      const areaId = area.areaId;
      const distributor = await registered({ kind: 'distributor', name: 'Social unit', areaId });
      const venue = await registered({
        kind: 'venue',
        name: 'Museum',
        areaId,
        cardLimitPerDay: options.cardLimitPerDay,
      });
      const areaAdmin = await registered({ kind: 'area-admin', name: 'Area admin', areaId });
      return {
        areaId,
        distributorKey: distributor.apiKey,
        distributorId: distributor.organisation.orgId,
        venueKey: venue.apiKey,
        venueId: venue.organisation.orgId,
        areaAdminKey: areaAdmin.apiKey,
      };
    },
    async ticketAgent() {
      return (await registered({ kind: 'ticket-agent', name: 'Tickets Oy' })).apiKey;
    },
    async venue(areaId, options = {}) {
      const venue = await registered({
        kind: 'venue',
        name: 'Theatre',
        areaId,
        cardLimitPerDay: options.cardLimitPerDay,
      });
      return { venueId: venue.organisation.orgId, venueKey: venue.apiKey };
    },
    async partnerKey() {
      return (await registered({ kind: 'partner', name: 'Statistics Finland' })).apiKey;
    },
    async keysOfEveryRole(area) {
      return {
        admin: adminKey,
        'area-admin': area.areaAdminKey,
        distributor: area.distributorKey,
        venue: area.venueKey,
        'ticket-agent': (await registerOrganisation({ kind: 'ticket-agent', name: 'Tickets Oy' })).apiKey,
        partner: (await registerOrganisation({ kind: 'partner', name: 'Statistics Finland' })).apiKey,
      };
    },
    async ticketAgentOrg() {
      const agent = await registered({ kind: 'ticket-agent', name: 'Tickets Oy' });
      return { key: agent.apiKey, orgId: agent.organisation.orgId };
    },
    async issueCard(area, body = {}) {
      const reply = await call('POST', '/v1/cards', {
        key: area.distributorKey,
        body:
          body.cardType === 'community'
            ? body
            : { cardType: 'personal', birthYear: 1980, postalCode: '00100', minorChildren: 2, ...body },
      });
      if (reply.status !== 201) throw new Error(`card not issued: ${reply.status} ${reply.text}`);
      return reply.body;
    },
    recordUse(key, body, idempotencyKey = randomBytes(8).toString('hex')) {
      return call('POST', '/v1/usages', { key, body, headers: { 'idempotency-key': idempotencyKey } });
    },
    async stop() {
      const poller = counting;
      counting = undefined;
      if (poller) await (await poller).stop();
      await gateway.close();
      await deployment.stop();
    },
  };
}

// Direct looks at the table (the same one the service under test writes), for assertions only.

export async function getItem(key: { pk: string; sk: string }): Promise<Record<string, any> | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: key, ConsistentRead: true }),
  );
  return Item;
}

export const cardItem = (cardNumber: string) => getItem(cardKey(cardNumber));

/** Removes an item as DynamoDB's TTL would. */
export async function deleteItem(key: { pk: string; sk: string }): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: process.env.TABLE_NAME, Key: key }));
}

/**
 * The stream consumer for the current test service's table, started on first need (the area's daily use
 * counters are kept from the stream): catches up with everything written so far.
 */
let counting: Promise<StreamPoller> | undefined;
export async function drainStream(): Promise<void> {
  counting ??= startStreamCounting();
  await (await counting).drain();
}

/** The area's daily use counters for one sector (zeros when nothing was counted yet), after the stream. */
export async function useAggregate(areaId: string, sector: string, day = today()) {
  await drainStream();
  const item = await getItem(useAggregateKey(areaId, day));
  const names = useCounters(sector);
  return {
    adultUses: item?.[names.adultUses] ?? 0,
    childUses: item?.[names.childUses] ?? 0,
    records: item?.[names.records] ?? 0,
  };
}

/** An area's card counters of a day, summed over the day's items (store/keys.ts), or undefined. */
export async function cardAggregate(areaId: string, day = today()): Promise<Record<string, any> | undefined> {
  const { pk, sk } = cardAggregateKey(areaId, day);
  const { Items = [] } = await documentClient().send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': pk, ':sk': sk },
      ConsistentRead: true,
    }),
  );
  if (Items.length === 0) return undefined;
  const summed: Record<string, any> = { pk, sk };
  for (const item of Items)
    for (const [name, value] of Object.entries(item))
      if (typeof value === 'number') summed[name] = (summed[name] ?? 0) + value;
  return summed;
}

/**
 * Every item of the table, sorted by key: a before/after snapshot proves a refused request wrote nothing.
 * A key's lastUsedAt is left out unless asked for: the authorizer keeps it (at most once an hour) for
 * every request that shows a valid key, refused or not, and that is bookkeeping, not the request's write.
 */
export async function scanTable(options: { keyUse?: boolean } = {}): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new ScanCommand({ TableName: process.env.TABLE_NAME, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  if (!options.keyUse) for (const item of items) if (item.entity === 'apiKey') delete item.lastUsedAt;
  const id = (item: Record<string, any>) => `${item.pk}\u0000${item.sk}`;
  return items.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

/** Sets an organisation's status straight in the table, as an admin's PATCH later will. */
export async function setOrganisationStatus(orgId: string, status: 'active' | 'inactive') {
  await documentClient().send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: organisationKey(orgId),
      UpdateExpression: 'SET #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
      ConditionExpression: 'attribute_exists(pk)',
    }),
  );
}

/** A fresh, valid card number in canonical form. */
export const newCardNumber = () => generateCardNumber();

/** An error reply of the contract: status, code, and (if given) the fields its details name. */
export function expectError(reply: Reply, status: number, code: string, fields?: string[]) {
  const problems: string[] = [];
  if (reply.status !== status) problems.push(`status ${reply.status}, expected ${status}`);
  if (reply.body?.error?.code !== code) problems.push(`code ${reply.body?.error?.code}, expected ${code}`);
  if (typeof reply.body?.error?.message !== 'string' || reply.body.error.message === '')
    problems.push('no message');
  if (typeof reply.body?.requestId !== 'string' || reply.body.requestId === '') problems.push('no requestId');
  if (!(reply.headers.get('content-type') ?? '').startsWith('application/json'))
    problems.push(`content-type ${reply.headers.get('content-type')}`);
  if (fields) {
    const named = (reply.body?.error?.details ?? []).map((detail: { field: string }) => detail.field);
    for (const field of fields) if (!named.includes(field)) problems.push(`details do not name ${field}`);
  }
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n${reply.text}`);
}

/**
 * A card registered in the past, written through the store (the API only registers cards today): the
 * way to test late entries, expired cards and the days a card was valid on.
 */
export async function putBackdatedCard(
  area: TestArea,
  options: {
    issuedOn: string;
    validUntil: string;
    cardType?: 'personal' | 'community';
    minorChildren?: number;
  },
): Promise<Card> {
  const cardType = options.cardType ?? 'personal';
  const holder =
    cardType === 'personal'
      ? { birthYear: 1975, postalCode: '53100', minorChildren: options.minorChildren ?? 1 }
      : {};
  const card: Card = {
    cardNumber: generateCardNumber(),
    cardType,
    validUntil: options.validUntil,
    areaId: area.areaId,
    issuedBy: area.distributorId,
    issuedAt: `${options.issuedOn}T08:00:00.000Z`,
    issuedOn: options.issuedOn,
    ...holder,
    ...allowances(cardType, holder.minorChildren),
    useCount: 0,
  };
  await putNewCard(card, activeWhileValid(card.issuedOn, card.validUntil));
  recordSensitive('holder', 'birthYear', card.birthYear);
  recordSensitive('holder', 'postalCode', card.postalCode);
  return card;
}
