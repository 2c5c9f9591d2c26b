// CDK's feature flags: cdk.json sets every flag the installed aws-cdk-lib recommends, at the recommended
// value, and the app gets them however it is made. After an upgrade of aws-cdk-lib that recommends a new
// flag this fails until cdk.json has it: read what the flag changes in the templates before adding it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../infra/feature-flags.ts';
import { addKaikuStacks } from '../../infra/kaiku-app.ts';

const require = createRequire(import.meta.url);
const cdkVersion: string = require('aws-cdk-lib/package.json').version;
const recommended: Record<string, unknown> = JSON.parse(
  readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'),
);
const recommendedFlags = Object.entries(recommended);

describe(`CDK feature flags (aws-cdk-lib ${cdkVersion})`, () => {
  it('come from the installed aws-cdk-lib', () => {
    expect(recommendedFlags.length).toBeGreaterThan(50);
  });

  it.each(recommendedFlags)('cdk.json sets %s to the recommended value', (flag, value) => {
    expect(cdkJsonContext, `add "${flag}": ${JSON.stringify(value)} to cdk.json's context`).toHaveProperty(
      [flag],
      value,
    );
  });

  it('reach every stack of an app made without the CDK CLI', () => {
    const stacks = Object.values(addKaikuStacks(new App(), { bundle: false }));
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      for (const [flag, value] of Object.entries(cdkJsonContext)) {
        expect(stack.node.tryGetContext(flag), `${stack.node.id} ${flag}`).toEqual(value);
      }
    }
  });

  it("leave a value the app was given (the CLI's, or -c) as it is", () => {
    const flag = '@aws-cdk/aws-iam:minimizePolicies';
    const { api } = addKaikuStacks(new App({ context: { [flag]: false } }), { bundle: false });
    expect(api.node.tryGetContext(flag)).toBe(false);
  });

  it('refuse an app that has constructs already: their flags would differ', () => {
    const app = new App();
    new Stack(app, 'Early');
    expect(() => addKaikuStacks(app, { bundle: false })).toThrow(/before any/);
  });
});
