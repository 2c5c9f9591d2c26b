// Stages: `-c stage=dev|prod` (default dev), or `-c stage=dev-<name>` for a developer's own copy in the
// dev account. Every name the app gives a resource carries the stage, so several stages live in one account;
// this module is the one place those names are made (the stacks, the local runtime and the tests read it).
// Account and region of each stage are pinned in cdk.json (`kaiku:stages`): stacks get them as their env, so
// `cdk deploy` with credentials of another account stops before it changes anything.
import { Arn, ArnFormat, type Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { cdkJsonContext } from './feature-flags.ts';

export const stageContextKey = 'stage';
export const stagesContextKey = 'kaiku:stages';
export const alarmEmailsContextKey = 'alarmEmails';
export const alarmEmailsCdkJsonKey = 'kaiku:alarmEmails';
export const concurrencyLimitContextKey = 'kaiku:accountConcurrencyLimit';
export const defaultStage = 'dev';

/** What cdk.json says about one stage (dev-<name> stages use dev's entry). */
export interface StageSettings {
  readonly account: string;
  readonly region: string;
  /** Optional custom domain in front of the API: its name and an ACM certificate in us-east-1. */
  readonly domainName?: string;
  readonly certificateArn?: string;
}

export interface KaikuStage {
  /** `dev`, `prod` or `dev-<name>`. */
  readonly name: string;
  readonly production: boolean;
  readonly env: { readonly account: string; readonly region: string };
  readonly alarmEmails: readonly string[];
  /** Lambda's concurrency limit of the account (Service Quotas): the concurrency alarm fires at 80 %. */
  readonly accountConcurrencyLimit: number;
  readonly domainName?: string;
  readonly certificateArn?: string;
  /** Prod copies its backups to this region; other stages keep none (see docs/decisions/0010). */
  readonly backupCopyRegion?: string;
}

const stageName = /^(dev|prod|dev-[a-z0-9]{1,12})$/;

/** The stage an app is synthesised for, from its context (cdk.json and `-c`). */
export function stageFromContext(get: (key: string) => unknown): KaikuStage {
  const name = String(get(stageContextKey) ?? defaultStage);
  if (!stageName.test(name))
    throw new Error(`stage ${JSON.stringify(name)}: use dev, prod or dev-<name> (a-z, 0-9, at most 12)`);
  const production = name === 'prod';
  const stages = (get(stagesContextKey) ?? {}) as Record<string, StageSettings>;
  const settings = stages[production ? 'prod' : 'dev'];
  if (!settings?.account || !settings.region)
    throw new Error(`cdk.json context ${stagesContextKey} has no account and region for ${name}`);
  const emails = get(alarmEmailsContextKey) ?? get(alarmEmailsCdkJsonKey) ?? [];
  const alarmEmails = (Array.isArray(emails) ? emails.map(String) : String(emails).split(','))
    .map((email) => email.trim())
    .filter(Boolean);
  return {
    name,
    production,
    env: { account: String(settings.account), region: String(settings.region) },
    alarmEmails,
    accountConcurrencyLimit: Number(get(concurrencyLimitContextKey) ?? 1000),
    ...(settings.domainName && { domainName: settings.domainName }),
    ...(settings.certificateArn && { certificateArn: settings.certificateArn }),
    ...(production && { backupCopyRegion: 'eu-central-1' }),
  };
}

export const stageOf = (scope: Construct): KaikuStage =>
  stageFromContext((key) => scope.node.tryGetContext(key));

/** The default stage as cdk.json alone describes it: what `new App()` synthesises (the local runtime). */
export const defaultStageOfCdkJson = (): KaikuStage => stageFromContext((key) => cdkJsonContext[key]);

/** Every name that carries the stage. */
export function namesOf(stage: Pick<KaikuStage, 'name' | 'env'>) {
  const prefix = `kaiku-${stage.name}`;
  return {
    stack: (part: 'Data' | 'Stats' | 'Api' | 'Edge' | 'BackupCopy') => `Kaiku-${stage.name}-${part}`,
    table: prefix,
    statsBucket: `${prefix}-statistics-${stage.env.account}-${stage.env.region}`,
    snapshotFunction: `${prefix}-statistics-snapshot`,
    alarmTopic: `${prefix}-alarms`,
    apiName: prefix,
    dashboard: (part: string) => `Kaiku-${stage.name}-${part}`,
    alarmPrefix: prefix,
    webAcl: prefix,
    wafLogGroup: `aws-waf-logs-${prefix}`,
    backupVault: prefix,
    backupCopyVault: `${prefix}-copy`,
    backupPlan: prefix,
  };
}

export type StageNames = ReturnType<typeof namesOf>;

/** The alarm topic's ARN from its fixed name: other stacks publish to it without an export. */
export const alarmTopicArn = (stack: Stack, stage: KaikuStage) =>
  Arn.format(
    { service: 'sns', resource: namesOf(stage).alarmTopic, arnFormat: ArnFormat.NO_RESOURCE_NAME },
    stack,
  );
