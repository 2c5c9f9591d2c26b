// Issue 19, item 7: the applicant is told of the national centre's decision by e-mail, in the language
// of the application, through the service's own mail path (SES; locally the identity provider's SES
// stand-in writes the outbox). The mail never holds the claim token or the key, and a mail that cannot
// be sent never undoes or hides a stored decision (docs/decisions/0023).
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mailsTo, startTestIdentity, type TestIdentity } from '../support/identity.ts';
import { applicationBody, startTestService, type TestService, viaCloudFront } from '../support/service.ts';

vi.setConfig({ testTimeout: 60_000 });

let identity: TestIdentity;
let service: TestService;
beforeAll(async () => {
  // A provider of this file's own: its outbox is this file's alone (one test makes it unwritable).
  identity = await startTestIdentity();
  service = await startTestService({ identity });
});
afterAll(async () => {
  await service?.stop();
  await identity?.remove();
});

let clients = 0;
const unique = () => randomBytes(4).toString('hex');

/** Applies as a client of its own (through CloudFront, as the test service's apply does), with a language. */
async function apply(contacts: { culture: string; social: string }, language?: 'fi' | 'sv' | 'en') {
  const gateway = await service.gateway();
  try {
    const reply = await gateway.call('POST', '/v1/applications', {
      body: {
        ...applicationBody({
          areaName: `Hakija ${unique()}`,
          // Each application a municipality of its own: an approved one takes its municipalities.
          municipalityCodes: [['049', '257', '091'][clients] ?? '049'],
          welfareArea: ['LU', 'LU', 'HKI'][clients] ?? 'LU',
          contacts: {
            culture: { name: 'Kaisa Kulttuuri', email: contacts.culture },
            social: { name: 'Sakari Sosiaali', email: contacts.social },
          },
        }),
        ...(language && { language }),
      },
      headers: viaCloudFront(91_000 + clients++),
    });
    expect(reply.status, reply.text).toBe(201);
    return reply.body as { id: string; claimToken: string };
  } finally {
    await gateway.close();
  }
}

const admin = (method: string, path: string, body?: unknown) =>
  service.call(method, path, { key: service.adminKey, ...(body !== undefined && { body }) });

async function statusOf(id: string, claimToken: string) {
  const gateway = await service.gateway();
  try {
    return await gateway.call('GET', `/v1/applications/${id}`, { headers: { 'x-claim-token': claimToken } });
  } finally {
    await gateway.close();
  }
}

describe('the decision e-mail', () => {
  it('tells both contacts of an approval in Swedish, how to claim the key, never the token or the key', async () => {
    const culture = `kultur-${unique()}@example.org`;
    const social = `social-${unique()}@example.org`;
    const { id, claimToken } = await apply({ culture, social }, 'sv');
    const approved = await admin('POST', `/v1/applications/${id}/approve`, {});
    expect(approved.status, approved.text).toBe(200);

    for (const address of [culture, social]) {
      const decision = mailsTo(identity.outboxDir, address).filter((mail) =>
        mail.headers.get('subject')?.startsWith('Kaikukortti: ansökan'),
      );
      expect(decision).toHaveLength(1);
      const [mail] = decision;
      expect(mail?.headers.get('subject')).toBe('Kaikukortti: ansökan godkänd');
      expect(mail?.headers.get('from')).toContain('no-reply@kaikukortti.localhost');
      expect(mail?.body).toContain('Kaikukeskus har godkänt ansökan');
      expect(mail?.body).toContain(`${identity.webAppOrigin}/apply/status`);
      expect(mail?.body).toContain(id);
      // Swedish only: the application said so.
      expect(mail?.body).not.toContain('hyväksynyt');
      expect(mail?.raw).not.toContain(claimToken);
      expect(mail?.raw).not.toContain(claimToken.slice(3, 20));
    }
    // The key is claimed on the status page, with the token the applicant kept; no mail carried it.
    const claimed = await statusOf(id, claimToken);
    expect(claimed.body.status).toBe('approved');
    expect(typeof claimed.body.apiKey).toBe('string');
    for (const address of [culture, social])
      for (const mail of mailsTo(identity.outboxDir, address))
        expect(mail.raw).not.toContain(claimed.body.apiKey);
  });

  it('gives the reason of a rejection, in all three languages when the application named none, once per address', async () => {
    const both = `yhteinen-${unique()}@example.org`;
    const { id } = await apply({ culture: both, social: both.toUpperCase() });
    const reason = 'Kunta ei ole vielä tehnyt sopimusta Kaikukeskuksen kanssa.';
    const rejected = await admin('POST', `/v1/applications/${id}/reject`, { reason });
    expect(rejected.status, rejected.text).toBe(200);
    const mails = mailsTo(identity.outboxDir, both);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.headers.get('subject')).toBe(
      'Kaikukortti: hakemusta ei hyväksytty / Kaikukortti: ansökan inte godkänd / Kaikukortti: application not approved',
    );
    expect(mail?.body).toContain(`Perustelu: ${reason}`);
    expect(mail?.body).toContain(`Motivering: ${reason}`);
    expect(mail?.body).toContain(`Reason: ${reason}`);
    expect(mail?.body).toContain(`${identity.webAppOrigin}/apply`);
  });

  it('keeps the decision and answers it when the mail cannot be sent', async () => {
    const culture = `lost-${unique()}@example.org`;
    const { id, claimToken } = await apply({ culture, social: culture }, 'fi');
    // The outbox cannot be written (a file where its folder was): the local SES answers 500, as SES
    // does when it fails; the SDK retries, then gives up.
    const folder = identity.outboxDir;
    const aside = `${folder}.aside`;
    if (existsSync(folder)) renameSync(folder, aside);
    writeFileSync(folder, 'not a folder');
    try {
      const rejected = await admin('POST', `/v1/applications/${id}/reject`, {
        reason: 'Puutteellinen hakemus',
      });
      expect(rejected.status, rejected.text).toBe(200);
      expect(rejected.body.status).toBe('rejected');
    } finally {
      rmSync(folder, { force: true });
      if (existsSync(aside)) renameSync(aside, folder);
    }
    expect(mailsTo(folder, culture)).toHaveLength(0);
    const status = await statusOf(id, claimToken);
    expect(status.body).toMatchObject({ status: 'rejected', reason: 'Puutteellinen hakemus' });
    // Decided once: a second decision is refused, so no second mail either.
    const again = await admin('POST', `/v1/applications/${id}/reject`, { reason: 'Uudelleen' });
    expect(again.status).toBe(409);
    expect(mailsTo(folder, culture)).toHaveLength(0);
  });
});
