// Disabling a person, end to end: a desk worker invited through the API signs in through the local
// identity provider's pages; the national centre disables them (PATCH /v1/people/{personId}); their next
// request with the access token they still hold (valid for an hour, and the authorizer's answer cached
// for 300 s) is refused, the provider refuses their refresh token and their sign-in, the organisation's
// list says "disabled", and the audit names who did it. Enabled again, they sign in and act.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SignInRefused, signInOverHttp } from '../../infra/local/identity/sign-in-client.ts';
import { invitationTo } from '../support/identity.ts';
import { startTestService, type TestArea, type TestService } from '../support/service.ts';

process.env.KAIKU_AUTH_CACHE_SECONDS = '300';

let service: TestService;
let area: TestArea;
const identity = inject('identity');
const redirectUri = 'http://localhost:3999/signed-in';

beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
});
afterAll(() => service?.stop());

const signIn = (email: string, password: string, newPassword?: string) =>
  signInOverHttp({
    issuer: identity.issuer,
    clientId: identity.clientId,
    redirectUri,
    email,
    password,
    ...(newPassword && { newPassword }),
  });

async function refresh(refreshToken: string): Promise<Response> {
  const configuration = (await (
    await fetch(`${identity.issuer}/.well-known/openid-configuration`)
  ).json()) as { token_endpoint: string };
  return fetch(configuration.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: identity.clientId,
      refresh_token: refreshToken,
    }).toString(),
  });
}

describe('a disabled person', () => {
  it('is refused at the next request, cannot refresh or sign in, shows as disabled; enabled, acts again', async () => {
    const email = `desk.${randomUUID().slice(0, 8)}@venue.example`;
    const invited = await service.call('POST', `/v1/organisations/${area.venueId}/people`, {
      key: area.areaAdminKey,
      body: { email, name: 'Tiina Tiskityöntekijä' },
    });
    expect(invited.status).toBe(201);
    const { personId } = invited.body;
    const password = 'Kaiku-desk-2026-long!';
    const tokens = await signIn(email, invitationTo(identity.outboxDir, email).password, password);
    const asPerson = { key: tokens.access_token };
    // Acting: the authorizer's answer for this token is now cached.
    const before = await service.call('GET', '/v1/usages', asPerson);
    expect(before.status).toBe(200);

    // A venue's own key, an area admin and the person themselves may not disable anyone.
    for (const key of [area.venueKey, area.areaAdminKey, tokens.access_token]) {
      const refused = await service.call('PATCH', `/v1/people/${personId}`, {
        key,
        body: { status: 'disabled' },
      });
      expect(refused.status).toBe(403);
    }
    const bad = await service.call('PATCH', `/v1/people/${personId}`, {
      key: service.adminKey,
      body: { status: 'gone' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const unknown = await service.call('PATCH', `/v1/people/${randomUUID()}`, {
      key: service.adminKey,
      body: { status: 'disabled' },
    });
    expect(unknown.status).toBe(404);

    const disabled = await service.call('PATCH', `/v1/people/${personId}`, {
      key: service.adminKey,
      body: { status: 'disabled' },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ personId, email, name: 'Tiina Tiskityöntekijä', status: 'disabled' });

    // The next request with the same, still valid token: refused, whatever the cache holds.
    const after = await service.call('GET', '/v1/usages', asPerson);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    expect((await service.call('GET', '/v1/me', asPerson)).status).toBe(401);
    // The provider: the refresh token is revoked, and a new sign-in is refused.
    expect((await refresh(tokens.refresh_token)).ok).toBe(false);
    const again = await signIn(email, password).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(SignInRefused);

    const list = await service.call('GET', `/v1/organisations/${area.venueId}/people`, {
      key: area.areaAdminKey,
    });
    expect(list.body.items).toEqual([expect.objectContaining({ personId, status: 'disabled' })]);
    // Sending it again changes nothing more (a failure between the table and the provider is mended so).
    const twice = await service.call('PATCH', `/v1/people/${personId}`, {
      key: service.adminKey,
      body: { status: 'disabled' },
    });
    expect(twice.status).toBe(200);

    const enabled = await service.call('PATCH', `/v1/people/${personId}`, {
      key: service.adminKey,
      body: { status: 'active' },
    });
    expect(enabled.status).toBe(200);
    // They had signed in before: active again.
    expect(enabled.body.status).toBe('active');
    const back = await signIn(email, password);
    expect((await service.call('GET', '/v1/usages', { key: back.access_token })).status).toBe(200);

    const audit = await service.call('GET', '/v1/audit', { key: service.adminKey });
    const entries = audit.body.items.filter((entry: any) => entry.target === `person/${personId}`);
    expect(entries.map((entry: any) => entry.action).sort()).toEqual([
      'person.disabled',
      'person.disabled',
      'person.enabled',
      'person.invited',
    ]);
    for (const entry of entries.filter((entry: any) => entry.action !== 'person.invited'))
      expect(entry.actor).toMatchObject({ kind: 'key', role: 'admin' });
  }, 120_000);
});
