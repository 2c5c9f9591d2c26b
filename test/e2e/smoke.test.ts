import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

describe('smoke', () => {
  it('registers a card and records a use', async () => {
    const area = await service.area();
    const health = await service.call('GET', '/v1/health');
    expect(health.body).toEqual({ status: 'ok' });
    const card = await service.call('POST', '/v1/cards', {
      key: area.distributorKey,
      body: { cardType: 'personal', birthYear: 1980, postalCode: '00100', minorChildren: 2 },
    });
    expect(card.status).toBe(201);
    const use = await service.call('POST', '/v1/usages', {
      key: area.venueKey,
      headers: { 'idempotency-key': 'k1' },
      body: { cardNumber: card.body.cardNumber, sector: 'culture', adults: 1, children: 2 },
    });
    expect(use.status).toBe(201);
    const again = await service.call('GET', `/v1/cards/${card.body.cardNumber}`, {
      key: area.distributorKey,
    });
    expect(again.body.useCount).toBe(1);
  });
});
