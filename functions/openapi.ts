import { httpHandler, json } from '../shared/http/handler.ts';
import { openApiDocument } from '../shared/http/openapi.ts';

let document: unknown;

export const handler = httpHandler('GET /v1/openapi.json', async () => {
  document ??= openApiDocument();
  return json(200, document);
});
