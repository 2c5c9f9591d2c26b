// GET /v1/municipalities (public, for application forms) and GET /v1/me (who a key belongs to).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

describe('GET /v1/municipalities', () => {
  it('lists every municipality with both names and its welfare area, and the area once joined', async () => {
    const before = await service.call('GET', '/v1/municipalities');
    expect(before.status).toBe(200);
    expect(before.body.items).toHaveLength(309);
    expect(before.body.items.find((item: any) => item.code === '049')).toEqual({
      code: '049',
      nameFi: 'Espoo',
      nameSv: 'Esbo',
      welfareArea: 'LU',
    });
    const area = await service.onboard({ municipalityCodes: ['049', '235'], welfareArea: 'LU' });
    const after = await service.call('GET', '/v1/municipalities');
    const joined = after.body.items.filter((item: any) => item.areaId !== undefined);
    expect(joined.map((item: any) => [item.code, item.areaId])).toEqual([
      ['049', area.areaId],
      ['235', area.areaId],
    ]);
    expect(after.body.items.map((item: any) => item.code)).toEqual(
      [...after.body.items.map((item: any) => item.code)].sort(),
    );
  });
});

describe('GET /v1/me', () => {
  it("answers the key's role, organisation and area, and 401 without a valid key", async () => {
    const area = await service.area();
    const venue = await service.call('GET', '/v1/me', { key: area.venueKey });
    expect(venue.status).toBe(200);
    expect(venue.body).toEqual({
      kind: 'key',
      keyId: expect.any(String),
      orgId: area.venueId,
      orgName: 'Museum',
      role: 'venue',
      areaId: area.areaId,
    });
    const admin = await service.call('GET', '/v1/me', { key: service.adminKey });
    expect(admin.body.role).toBe('admin');
    expect(admin.body.areaId).toBeUndefined();
    expect((await service.call('GET', '/v1/me', { key: 'not-a-key' })).status).toBe(401);
  });
});
