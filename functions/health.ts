import { httpHandler, json } from '../shared/http/handler.ts';
import { pingTable } from '../shared/store/health.ts';

export const handler = httpHandler('GET /v1/health', async () => {
  await pingTable();
  return json(200, { status: 'ok' });
});
