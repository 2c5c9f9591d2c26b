// The table's stream consumer for a test file's table, as npm start runs it.
import { inject } from 'vitest';
import { handler } from '../../functions/jobs/count-from-stream.ts';
import { type StreamPoller, startStreamPoller } from '../../infra/local/stream-poller.ts';
import { tableName } from '../../shared/table.ts';

export function startStreamCounting(): Promise<StreamPoller> {
  return startStreamPoller(inject('dynamoEndpoint'), tableName(), handler, 60_000);
}
