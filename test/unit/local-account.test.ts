// The local account's function credentials: an access key id carries the function, table and bucket
// sealed with the account's secret, so that a presigned link (which shows its access key id in
// X-Amz-Credential) does not give the table's or the bucket's name to whoever holds it (issue 18).
import { describe, expect, it } from 'vitest';
import { LocalIam } from '../../infra/local/aws/account.ts';
import type { FunctionTemplate } from '../../infra/local/aws/roles.ts';

const template: FunctionTemplate = {
  handlerFile: 'functions/stats/get-snapshot.ts',
  named: {},
  roleName: 'GetSnapshotRole',
  timeoutSeconds: 10,
  environment: {},
  policies: [],
};
const at = { tableName: 'kaiku-secret-table', bucket: 'kaiku-secret-bucket' };
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

describe('a local function credential', () => {
  it('names neither the table nor the bucket, yet the account knows whose it is', () => {
    const iam = new LocalIam([template], 'account secret', 'kaiku-statistics');
    const { accessKeyId, secretAccessKey } = iam.credentialsFor(template.handlerFile, at);
    for (const name of [at.tableName, at.bucket, 'get-snapshot'])
      for (const form of [name, hex(name), Buffer.from(name).toString('base64')])
        expect(accessKeyId.toLowerCase()).not.toContain(form.toLowerCase());
    expect(accessKeyId).toMatch(/^[A-Za-z0-9]+$/);
    expect(iam.identify(accessKeyId)).toMatchObject({ kind: 'function', ...at });
    expect(iam.secretOf(accessKeyId)).toBe(secretAccessKey);
    // The same in every process of the account: derived, not registered.
    expect(new LocalIam([template], 'account secret', 'x').credentialsFor(template.handlerFile, at)).toEqual({
      accessKeyId,
      secretAccessKey,
    });
  });

  it('is refused when altered, or sealed with another account’s secret', () => {
    const iam = new LocalIam([template], 'account secret', 'kaiku-statistics');
    const { accessKeyId } = iam.credentialsFor(template.handlerFile, at);
    const flipped = `${accessKeyId.slice(0, -1)}${accessKeyId.endsWith('0') ? '1' : '0'}`;
    expect(iam.identify(flipped)).toBeUndefined();
    const other = new LocalIam([template], 'another secret', 'kaiku-statistics');
    expect(other.identify(accessKeyId)).toBeUndefined();
  });
});
