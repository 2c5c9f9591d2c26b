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
/** A table restored to a point in time, in place of the stage's own (docs/runbook.md): name and stream. */
export const tableNameContextKey = 'tableName';
export const tableStreamArnContextKey = 'tableStreamArn';
export const defaultStage = 'dev';

/** What cdk.json says about one stage (dev-<name> stages use dev's entry). */
export interface StageSettings {
  readonly account: string;
  readonly region: string;
  /**
   * Custom domains of the API and of the web app, and one ACM certificate in us-east-1 (CloudFront's
   * region) that covers both. Optional for dev; prod refuses to synthesise without them (issue 17: no
   * default certificate, which allows TLSv1, in prod).
   */
  readonly domainName?: string;
  readonly webDomainName?: string;
  readonly certificateArn?: string;
  /**
   * A restored table the stage's functions use instead of its own (`-c tableName` overrides it). Read for
   * `dev` and `prod` themselves only, never for a dev-<name> stage.
   */
  readonly tableName?: string;
  /** The restored table's stream (`-c tableStreamArn` overrides it); required with tableName. */
  readonly tableStreamArn?: string;
}

/**
 * The table the stage's functions use when it is not the stage's own: one restored to a point in time. The
 * data stack keeps its own table as it is (renaming it would make CloudFormation replace it).
 */
export interface TableOverride {
  readonly tableName: string;
  readonly tableStreamArn: string;
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
  readonly webDomainName?: string;
  readonly certificateArn?: string;
  /** Prod copies its backups to this region; other stages keep none (see docs/decisions/0010). */
  readonly backupCopyRegion?: string;
  /** Set only while the stage runs on a restored table (`-c tableName=… -c tableStreamArn=…`). */
  readonly tableOverride?: TableOverride;
}

const stageName = /^(dev|prod|dev-[a-z0-9]{1,12})$/;

/** A certificate for CloudFront lives in us-east-1; prod has its own domains, never CloudFront's default. */
function checkDomains(name: string, production: boolean, settings: StageSettings): void {
  if (
    settings.certificateArn &&
    !/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(settings.certificateArn)
  )
    throw new Error(
      `stage ${name}: certificateArn must be an ACM certificate in us-east-1 (CloudFront's region)`,
    );
  if (production && !(settings.domainName && settings.webDomainName && settings.certificateArn))
    throw new Error(
      `stage ${name}: cdk.json ${stagesContextKey}.prod needs domainName, webDomainName and certificateArn (TLS 1.2 at the edge, no default certificate)`,
    );
}

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
  checkDomains(name, production, settings);
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
    ...(settings.webDomainName && { webDomainName: settings.webDomainName }),
    ...(settings.certificateArn && { certificateArn: settings.certificateArn }),
    ...(production && { backupCopyRegion: 'eu-central-1' }),
    ...tableOverrideOf(
      name,
      { account: String(settings.account), region: String(settings.region) },
      {
        tableName:
          get(tableNameContextKey) ?? (name === 'dev' || name === 'prod' ? settings.tableName : undefined),
        tableStreamArn:
          get(tableStreamArnContextKey) ??
          (name === 'dev' || name === 'prod' ? settings.tableStreamArn : undefined),
      },
    ),
  };
}

/**
 * The restored table of `-c tableName=… -c tableStreamArn=…` (or cdk.json's kaiku:stages.<stage>), checked:
 * its name starts with the stage's table name (`kaiku-<stage>-…`, as the runbook's restore names it), and
 * its stream is that table's, in the stage's account and region.
 */
function tableOverrideOf(
  name: string,
  env: { readonly account: string; readonly region: string },
  given: { readonly tableName: unknown; readonly tableStreamArn: unknown },
): { tableOverride?: TableOverride } {
  const tableName = given.tableName === undefined ? undefined : String(given.tableName);
  const tableStreamArn = given.tableStreamArn === undefined ? undefined : String(given.tableStreamArn);
  const own = namesOf({ name, env }).table;
  if (tableName === undefined || tableName === own) {
    if (tableStreamArn !== undefined)
      throw new Error(`${tableStreamArnContextKey} is given without ${tableNameContextKey} (stage ${name})`);
    return {};
  }
  const prefix = `${own}-`;
  if (!tableName.startsWith(prefix) || !/^[A-Za-z0-9_.-]{3,255}$/.test(tableName))
    throw new Error(
      `${tableNameContextKey} ${JSON.stringify(tableName)}: a restored table of stage ${name} is named ${prefix}<suffix> (A-Z, a-z, 0-9, _ . -)`,
    );
  if (tableStreamArn === undefined)
    throw new Error(
      `${tableNameContextKey} ${tableName} needs ${tableStreamArnContextKey} too: the stream consumer reads that table's stream`,
    );
  const escaped = tableName.replaceAll('.', '\\.');
  const streamArn = new RegExp(
    `^arn:aws[a-z-]*:dynamodb:${env.region}:${env.account}:table/${escaped}/stream/[0-9T:.-]+$`,
  );
  if (!streamArn.test(tableStreamArn))
    throw new Error(
      `${tableStreamArnContextKey} ${JSON.stringify(tableStreamArn)}: not the stream of table ${tableName} in ${env.account}/${env.region} (aws dynamodb describe-table --table-name ${tableName} --query Table.LatestStreamArn)`,
    );
  return { tableOverride: { tableName, tableStreamArn } };
}

export const stageOf = (scope: Construct): KaikuStage =>
  stageFromContext((key) => scope.node.tryGetContext(key));

/** The default stage as cdk.json alone describes it: what `new App()` synthesises (the local runtime). */
export const defaultStageOfCdkJson = (): KaikuStage => stageFromContext((key) => cdkJsonContext[key]);

/** Every name that carries the stage. */
export function namesOf(stage: Pick<KaikuStage, 'name' | 'env'>) {
  const prefix = `kaiku-${stage.name}`;
  return {
    stack: (part: 'Data' | 'Stats' | 'Api' | 'Edge' | 'BackupCopy' | 'Web') => `Kaiku-${stage.name}-${part}`,
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
    /** A secret of the service in Secrets Manager (shared/store/secrets.ts). */
    secret: (purpose: string) => `${prefix}/${purpose}`,
  };
}

export type StageNames = ReturnType<typeof namesOf>;

/** The alarm topic's ARN from its fixed name: other stacks publish to it without an export. */
export const alarmTopicArn = (stack: Stack, stage: KaikuStage) =>
  Arn.format(
    { service: 'sns', resource: namesOf(stage).alarmTopic, arnFormat: ArnFormat.NO_RESOURCE_NAME },
    stack,
  );
