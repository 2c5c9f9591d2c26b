// An in-process copy of the local service for one test file: its own table on the shared DynamoDB
// Local, the real gateway on a free port, real HTTP.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable, localDynamoClient } from '../../infra/local/dynamodb.ts';
import { type Gateway, startGateway } from '../../infra/local/gateway.ts';
import { useLocalAws } from '../../infra/local/runtime.ts';
import { createAdminKey } from '../../shared/national-centre.ts';
import { registerArea, registerOrganisation } from '../../shared/register-organisation.ts';
import { statsBucket } from './global-setup.ts';

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
  adminKey: string;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<Reply<T>>;
  /** An area with a distributor and a venue (and any extra organisations asked for). */
  area(options?: { cardLimitPerDay?: number }): Promise<TestArea>;
  ticketAgent(): Promise<string>;
  stop(): Promise<void>;
}

export interface TestArea {
  areaId: string;
  distributorKey: string;
  distributorId: string;
  venueKey: string;
  venueId: string;
  areaAdminKey: string;
}

/** Points this test process at the shared local servers with a fresh table. */
export async function useFreshTable(): Promise<string> {
  const tableName = `t${randomBytes(6).toString('hex')}`;
  useLocalAws(inject('dynamoEndpoint'), inject('s3Endpoint'), tableName, statsBucket);
  await ensureTable(localDynamoClient(inject('dynamoEndpoint')), tableName);
  return tableName;
}

export async function startTestService(): Promise<TestService> {
  const tableName = await useFreshTable();
  const { apiKey: adminKey } = await createAdminKey();
  const gateway: Gateway = await startGateway(0);
  const call = async (method: string, path: string, options: CallOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${gateway.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as any, text };
  };
  let areas = 0;
  return {
    url: gateway.url,
    tableName,
    adminKey,
    call,
    async area(options = {}) {
      areas++;
      const area = await registerArea({
        name: `Test area ${areas}`,
        municipalityCodes: [],
        welfareArea: 'LU',
      });
      const areaId = area.areaId;
      const distributor = await registerOrganisation({ kind: 'distributor', name: 'Social unit', areaId });
      const venue = await registerOrganisation({
        kind: 'venue',
        name: 'Museum',
        areaId,
        cardLimitPerDay: options.cardLimitPerDay,
      });
      const areaAdmin = await registerOrganisation({ kind: 'area-admin', name: 'Area admin', areaId });
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
      return (await registerOrganisation({ kind: 'ticket-agent', name: 'Tickets Oy' })).apiKey;
    },
    stop: () => gateway.close(),
  };
}
