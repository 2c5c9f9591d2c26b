// Who may send e-mail through SES (decision 0023): the synthesised roles, evaluated as IAM would, let the
// approve and reject functions send from the stage's sender identity only, and no other function send.
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalIam, localAccount } from '../../infra/local/aws/account.ts';
import { functionTemplates } from '../../infra/local/aws/roles.ts';
import { sesIdentityArn } from '../../infra/local/identity/ses-api.ts';

const deployment = { tableName: 'kaiku', bucket: 'kaiku-statistics' };
let iam: LocalIam;
beforeAll(() => {
  iam = new LocalIam(functionTemplates(), 'test', deployment.bucket);
});

const maySend = async (handlerFile: string, resource: string) =>
  (
    await iam.decide({
      accessKeyId: iam.credentialsFor(handlerFile, deployment).accessKeyId,
      action: 'ses:SendEmail',
      resource,
      context: {},
    })
  ).allowed;

const senders = ['functions/onboarding/approve-application.ts', 'functions/onboarding/reject-application.ts'];

describe('ses:SendEmail', () => {
  it('is granted to approve and reject on the sender identity alone', async () => {
    for (const handler of senders) {
      expect(await maySend(handler, sesIdentityArn('kaikukortti.localhost'))).toBe(true);
      expect(await maySend(handler, sesIdentityArn('example.org'))).toBe(false);
      expect(
        await maySend(
          handler,
          `arn:aws:ses:eu-west-1:${localAccount.accountId}:identity/kaikukortti.localhost`,
        ),
      ).toBe(false);
    }
  });

  it('is granted to no other function', async () => {
    const others = iam.templates
      .map((template) => template.handlerFile)
      .filter((file) => !senders.includes(file));
    expect(others.length).toBeGreaterThan(20);
    for (const handler of others)
      expect(await maySend(handler, sesIdentityArn('kaikukortti.localhost'))).toBe(false);
  });
});
