// The table switch of docs/runbook.md ("Restoring the table to a point in time"): with `-c tableName=…
// -c tableStreamArn=…` every function uses the restored table, and the stage's own table stays as it is.
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../infra/feature-flags.ts';
import { addKaikuStacks } from '../../infra/kaiku-app.ts';
import { stageFromContext } from '../../infra/stage.ts';

type Resource = { Type: string; Properties: Record<string, any> } & Record<string, any>;
const json = (value: unknown) => String(JSON.stringify(value));

const restored = 'kaiku-prod-restored-20261130';
const restoredStream = `arn:aws:dynamodb:eu-north-1:222222222222:table/${restored}/stream/2026-11-30T00:00:00.000`;

const synth = (context: Record<string, unknown>) => {
  const app = new App({ context });
  return addKaikuStacks(app, { bundle: false }) as Record<string, Stack>;
};
const resourcesOf = (stack: Stack) =>
  Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
const ofType = (stack: Stack, type: string) =>
  Object.entries(resourcesOf(stack)).filter(([, r]) => r.Type === type);

const original = synth({ stage: 'prod' });
const switched = synth({ stage: 'prod', tableName: restored, tableStreamArn: restoredStream });
/** Every function of the stage but CDK's own deploy-time helpers (emptying a bucket, copying the web app). */
const functionsOf = (stacks: Record<string, Stack>) =>
  Object.values(stacks).flatMap((stack) =>
    ofType(stack, 'AWS::Lambda::Function')
      .filter(([id]) => !/^Custom(S3AutoDeleteObjects|CDKBucketDeployment)/.test(id))
      .map(([id, fn]) => ({ stack, id, fn })),
  );
const tableStatements = (stacks: Record<string, Stack>) =>
  Object.values(stacks)
    .flatMap((stack) => ofType(stack, 'AWS::IAM::Policy'))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Record<string, any>[])
    .filter((statement) => json(statement.Action).includes('dynamodb:'));

describe('table switch (-c tableName -c tableStreamArn)', () => {
  it('gives every function the restored table, and grants on that table only', () => {
    const functions = functionsOf(switched);
    expect(functions.length).toBeGreaterThan(30);
    for (const { stack, id, fn } of functions)
      expect(fn.Properties.Environment.Variables.TABLE_NAME, `${stack.stackName} ${id}`).toBe(restored);

    const statements = tableStatements(switched);
    expect(statements.length).toBeGreaterThan(30);
    for (const statement of statements) {
      const resources = json(statement.Resource);
      if (resources === '"*"') continue; // dynamodb:ListStreams has no resource-level permissions
      expect(resources).toContain(`:table/${restored}`);
      expect(resources).not.toMatch(/:table\/kaiku-prod(?!-restored)|TableCD117FA1|"Ref":"Table/);
    }
    // Before the switch, the same functions named the stage's own table.
    for (const { fn } of functionsOf(original))
      expect(fn.Properties.Environment.Variables.TABLE_NAME).toBe('kaiku-prod');
  });

  it("reads the restored table's stream and watches and backs up that table", () => {
    const data = switched.data!;
    const [[, mapping]] = ofType(data, 'AWS::Lambda::EventSourceMapping') as [[string, Resource]];
    expect(mapping.Properties.EventSourceArn).toBe(restoredStream);
    expect(json(tableStatements(switched))).toContain(json(restoredStream));

    const alarms = ofType(data, 'AWS::CloudWatch::Alarm').map(([, alarm]) => json(alarm.Properties));
    const tableAlarms = alarms.filter((alarm) => alarm.includes('"Namespace":"AWS/DynamoDB"'));
    expect(tableAlarms.length).toBeGreaterThanOrEqual(3);
    for (const alarm of tableAlarms) expect(alarm).toContain(`"Value":"${restored}"`);

    const [[, selection]] = ofType(data, 'AWS::Backup::BackupSelection') as [[string, Resource]];
    expect(selection.Properties.BackupSelection.Resources).toEqual([
      `arn:aws:dynamodb:eu-north-1:222222222222:table/${restored}`,
    ]);
    Template.fromStack(data).hasOutput('TableName', { Value: restored });
  });

  it("leaves the stage's own table exactly as it was (not renamed, replaced or deleted)", () => {
    const before = ofType(original.data!, 'AWS::DynamoDB::Table');
    const after = ofType(switched.data!, 'AWS::DynamoDB::Table');
    expect(after).toEqual(before);
    expect(after).toHaveLength(1);
    const [[, table]] = after as [[string, Resource]];
    expect(table.Properties.TableName).toBe('kaiku-prod');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('refuses a name outside the stage, a missing stream or a stream of another table', () => {
    const stage = (context: Record<string, unknown>) =>
      stageFromContext((key) => ({ ...cdkJsonContext, stage: 'prod', ...context })[key]);
    expect(stage({}).tableOverride).toBeUndefined();
    expect(stage({ tableName: 'kaiku-prod' }).tableOverride).toBeUndefined();
    expect(stage({ tableName: restored, tableStreamArn: restoredStream }).tableOverride).toEqual({
      tableName: restored,
      tableStreamArn: restoredStream,
    });
    expect(() => stage({ tableName: 'kaiku-dev-restored', tableStreamArn: restoredStream })).toThrow(
      /kaiku-prod-<suffix>/,
    );
    expect(() => stage({ tableName: 'kaiku-production' })).toThrow(/kaiku-prod-<suffix>/);
    expect(() => stage({ tableName: restored })).toThrow(/needs tableStreamArn/);
    expect(() => stage({ tableStreamArn: restoredStream })).toThrow(/without tableName/);
    expect(() =>
      stage({ tableName: `${restored}-2`, tableStreamArn: restoredStream.replace(restored, 'kaiku-prod') }),
    ).toThrow(/not the stream of table/);
    expect(() =>
      stage({ tableName: restored, tableStreamArn: restoredStream.replace('222222222222', '111111111111') }),
    ).toThrow(/not the stream of table/);
    // cdk.json can hold the switch for the pipeline (kaiku:stages.prod.tableName, .tableStreamArn);
    // a developer's dev-<name> stage never takes dev's.
    const stages = cdkJsonContext['kaiku:stages'] as Record<string, object>;
    const withSwitch = (name: string) =>
      stageFromContext(
        (key) =>
          ({
            ...cdkJsonContext,
            stage: name,
            'kaiku:stages': {
              ...stages,
              dev: { ...stages.dev, tableName: 'kaiku-dev-restored-1', tableStreamArn: restoredStream },
              prod: { ...stages.prod, tableName: restored, tableStreamArn: restoredStream },
            },
          })[key],
      );
    expect(withSwitch('prod').tableOverride?.tableName).toBe(restored);
    expect(withSwitch('dev-alice').tableOverride).toBeUndefined();
  });
});
