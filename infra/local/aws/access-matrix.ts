// The least-privilege matrix as the synthesised roles state it: function × actions × partitions (or
// resources). docs/decisions/0008-least-privilege.md carries it, and a test keeps the two the same.
import { functionId } from '../../api-stack.ts';
import { LocalIam } from './account.ts';
import type { FunctionTemplate } from './roles.ts';

type PolicyStatement = { Action?: unknown; Resource?: unknown; Condition?: unknown };

const ignored = /^(logs|sqs|xray|kms):/;

function describe(statement: PolicyStatement): string[] {
  const actions = [statement.Action]
    .flat()
    .map(String)
    .filter((action) => !ignored.test(action));
  if (actions.length === 0) return [];
  const leading = (statement.Condition as Record<string, Record<string, string[]>> | undefined)?.[
    'ForAllValues:StringLike'
  ]?.['dynamodb:LeadingKeys'];
  const resources = [statement.Resource].flat().map(String);
  const where = leading
    ? leading.map((key) => `\`${key}\``).join(' ')
    : resources
        .map((resource) =>
          resource
            .replace(/^arn:aws:dynamodb:[^:]*:[^:]*:table\/[^/]+$/, 'the table')
            .replace(/^arn:aws:dynamodb:[^:]*:[^:]*:table\/[^/]+\/index\/\*$/, 'its indexes')
            .replace(/^arn:aws:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\/\*$/, 'its stream')
            .replace(/^arn:aws:s3:::[^/]+$/, 'the statistics bucket')
            .replace(/^arn:aws:s3:::[^/]+\//, 'objects ')
            .replace(/^arn:aws:lambda:[^:]*:[^:]*:function:/, 'function ')
            .replace(/^arn:aws:secretsmanager:[^:]*:[^:]*:secret:[^/]+\/([A-Za-z]+)-\w+$/, 'secret $1'),
        )
        .filter((resource, _index, all) => resource !== 'its indexes' || !all.includes('the table'))
        .map((resource) => (resource.startsWith('objects ') ? `objects \`${resource.slice(8)}\`` : resource))
        .join(', ');
  return [`${actions.map((action) => action.replace(/^dynamodb:/, '')).join(', ')}: ${where}`];
}

/** One row per function: its handler, and what its role allows beyond writing its own logs. */
export function accessMatrix(templates: readonly FunctionTemplate[]): string {
  const iam = new LocalIam(templates, 'matrix', 'kaiku-statistics');
  const rows = [...templates]
    .sort((a, b) => a.handlerFile.localeCompare(b.handlerFile))
    .map((template) => {
      const identity = iam.identify(
        iam.credentialsFor(template.handlerFile, { tableName: 'kaiku', bucket: 'kaiku-statistics' })
          .accessKeyId,
      );
      const statements =
        identity?.kind === 'function' ? identity.policies.flatMap((policy) => policy.Statement) : [];
      const allowed = statements.flatMap((statement) => describe(statement as PolicyStatement));
      return `| ${functionId(template.handlerFile)} | \`${template.handlerFile}\` | ${allowed.join('<br>') || 'nothing'} |`;
    });
  return [
    '| function | handler | may (DynamoDB actions: partition keys; other services: resources) |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}
