import { type App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { DataStack } from './data-stack.ts';
import { applyCdkJsonContext } from './feature-flags.ts';
import { StatsStack } from './stats-stack.ts';

const { AwsSolutionsChecks } = cdkNag;

export interface KaikuAppOptions {
  /** False skips esbuild and deploys stubs: for tests of the templates only. */
  readonly bundle: boolean;
  readonly tracing?: boolean;
}

// Region fixed (the register's data stays in the EU; KAIKU_REGION moves it on purpose), account not:
// synth needs no credentials, and deploy takes the account of the caller. CDK_DEFAULT_REGION is not
// used because the CLI fills it with us-east-1 when the operator has no region configured.
const env = {
  region: process.env.KAIKU_REGION ?? 'eu-north-1',
  account: process.env.CDK_DEFAULT_ACCOUNT,
};

/**
 * Every stack of the service, checked by cdk-nag's AWS Solutions pack. A finding that is not acknowledged
 * (docs/decisions/0004-cdk-nag-acknowledgements.md) fails the synth. New stacks are added here. The app
 * must have no constructs yet: cdk.json's context (the feature flags) is applied to it first.
 */
export function addKaikuStacks(app: App, options: KaikuAppOptions) {
  // cdk.json's feature flags, also when the app was not made by the CDK CLI (tests): one set of templates.
  applyCdkJsonContext(app);
  const data = new DataStack(app, 'KaikuData', { env, bundle: options.bundle, tracing: options.tracing });
  const stats = new StatsStack(app, 'KaikuStats', {
    env,
    tableName: data.tableName,
    bundle: options.bundle,
    tracing: options.tracing,
  });
  stats.addStackDependency(data, 'the snapshot function reads the table');
  const api = new ApiStack(app, 'KaikuApi', {
    env,
    tableName: data.tableName,
    bundle: options.bundle,
    tracing: options.tracing,
  });
  // Found by name, not by reference, so the order of deployment is stated here.
  api.addStackDependency(data, 'the functions use the table');
  api.addStackDependency(stats, 'the statistics routes read the bucket and invoke the snapshot function');

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, stats, api };
}
