// The table's stream consumer for a test file's table, as npm start runs it: the stream read with the
// consumer's own role, each batch handed to the consumer function of the file's deployment.
import { inject } from 'vitest';
import { type StreamPoller, startStreamPoller } from '../../infra/local/stream-poller.ts';
import { jobHandlers } from '../../shared/routes.ts';
import { currentDeployment, localIam } from './service.ts';

export function startStreamCounting(): Promise<StreamPoller> {
  const deployment = currentDeployment();
  return startStreamPoller(
    inject('dynamoEndpoint'),
    deployment.tableName,
    (event) => deployment.functions.invoke(jobHandlers.countFromStream, event),
    {
      consumer: localIam().credentialsFor(jobHandlers.countFromStream, deployment),
      operator: localIam().operator,
    },
    60_000,
  );
}
