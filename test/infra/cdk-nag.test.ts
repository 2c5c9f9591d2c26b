// cdk-nag's AWS Solutions pack over the whole app, the way `cdk synth` runs it, without bundling.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { addKaikuStacks } from '../../infra/kaiku-app.ts';

interface ValidationReport {
  readonly pluginReports: readonly { readonly violations?: readonly unknown[] }[];
}

// CDK's own CloudFormation schema check would add seconds to every synth here; `cdk synth` still runs it.
const newApp = () => new App({ builtinCloudFormationValidation: false });

function validationReportOf(app: App): ValidationReport {
  // In memory, synth throws on any error a plugin reports; otherwise it leaves the report next to the templates.
  const assembly = app.synth();
  return JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
}

function acknowledgementsIn(scope: IConstruct): Record<string, string> {
  const found: Record<string, string> = {};
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found[`${construct.node.path} ${id}`] = reason;
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  it.each([false, true])('leaves no finding unacknowledged (tracing %s)', (tracing) => {
    const app = newApp();
    addKaikuStacks(app, { bundle: false, tracing });
    const report = validationReportOf(app);
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });

  it('gives every acknowledgement a reason', () => {
    const app = newApp();
    addKaikuStacks(app, { bundle: false });
    const acknowledgements = Object.entries(acknowledgementsIn(app));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [what, reason] of acknowledgements) expect(reason.length, what).toBeGreaterThan(20);
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    const app = newApp();
    const { data } = addKaikuStacks(app, { bundle: false });
    new Table(data, 'WithoutPointInTimeRecovery', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
  });
});
