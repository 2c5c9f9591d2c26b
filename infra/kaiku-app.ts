import { type App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { BackupCopyStack } from './backup-copy-stack.ts';
import { DataStack } from './data-stack.ts';
import { EdgeStack, edgeRegion } from './edge.ts';
import { applyCdkJsonContext } from './feature-flags.ts';
import { namesOf, stageOf } from './stage.ts';
import { StatsStack } from './stats-stack.ts';
import { WebStack } from './web-stack.ts';

const { AwsSolutionsChecks } = cdkNag;

export interface KaikuAppOptions {
  /** False skips esbuild and deploys stubs: for tests of the templates only. */
  readonly bundle: boolean;
  readonly tracing?: boolean;
  /**
   * True only when the local runtime synthesises the app to read each function's role and environment
   * (infra/local/aws/roles.ts): those templates are never deployed, and npm start may run with KAIKU_CLOCK.
   */
  readonly forLocalRuntime?: boolean;
}

/**
 * KAIKU_CLOCK (and anything named KAIKU_CLOCK…) runs the local service at another time; in AWS the clock is
 * the system clock, always. Setting it for a synth or a deploy would change nothing, so it is refused rather
 * than silently ignored (docs/decisions/0013-local-clock.md).
 */
export function refuseLocalClock(env: NodeJS.ProcessEnv = process.env): void {
  const set = Object.keys(env).filter((name) => name.startsWith('KAIKU_CLOCK') && env[name] !== undefined);
  if (set.length > 0)
    throw new Error(
      `${set.join(', ')} is set: it is for the local service only (npm start) and never honoured in AWS; unset it before cdk synth or cdk deploy.`,
    );
}

/**
 * Every stack of one stage (`-c stage=dev|prod|dev-<name>`, infra/stage.ts), checked by cdk-nag's AWS
 * Solutions pack. A finding that is not acknowledged (docs/decisions/0004-cdk-nag-acknowledgements.md) fails
 * the synth. New stacks are added here. The app must have no constructs yet: cdk.json's context (the feature
 * flags, the stages) is applied to it first.
 *
 * Each stack's env is the stage's account and region from cdk.json: a literal account, so `cdk deploy` with
 * credentials of another account fails before it starts, and synth still needs no credentials.
 */
export function addKaikuStacks(app: App, options: KaikuAppOptions) {
  if (!options.forLocalRuntime) refuseLocalClock();
  // cdk.json's context, also when the app was not made by the CDK CLI (tests): one set of templates.
  applyCdkJsonContext(app);
  const stage = stageOf(app);
  const names = namesOf(stage);
  const env = stage.env;
  const common = { stage, bundle: options.bundle, tracing: options.tracing };

  const backupCopy = stage.backupCopyRegion
    ? new BackupCopyStack(app, names.stack('BackupCopy'), {
        env: { account: env.account, region: stage.backupCopyRegion },
        stage,
      })
    : undefined;
  const data = new DataStack(app, names.stack('Data'), { env, ...common });
  if (backupCopy) data.addStackDependency(backupCopy, 'backups are copied to its vault');
  const stats = new StatsStack(app, names.stack('Stats'), { env, tableName: data.tableName, ...common });
  stats.addStackDependency(data, 'the snapshot function reads the table; alarms go to its topic');
  const edge = new EdgeStack(app, names.stack('Edge'), {
    env: { account: env.account, region: edgeRegion },
    stage,
    crossRegionReferences: true,
  });
  const api = new ApiStack(app, names.stack('Api'), {
    env,
    tableName: data.tableName,
    webAclArn: edge.webAcl.attrArn,
    crossRegionReferences: true,
    ...common,
  });
  // Found by name, not by reference, so the order of deployment is stated here.
  api.addStackDependency(data, 'the functions use the table; alarms go to its topic');
  api.addStackDependency(stats, 'the statistics routes read the bucket and invoke the snapshot function');
  // The web app (docs/web.md): its own distribution, the API under /v1/* on the same origin.
  const web = new WebStack(app, names.stack('Web'), {
    env,
    stage,
    api: api.httpApi,
    originSecret: api.secrets.secrets.originVerify,
    webAclArn: edge.webAcl.attrArn,
    crossRegionReferences: true,
    bundle: options.bundle,
  });
  web.addStackDependency(api, 'the app calls the API under /v1');

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, stats, api, edge, web, ...(backupCopy && { backupCopy }) };
}
