import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TableAction, TableGrant } from '../../shared/http/access.ts';

/**
 * The statements of one function's table grant: actions that touch the same partition keys share one,
 * limited by dynamodb:LeadingKeys. A Scan names no key, so no condition could limit it (ForAllValues
 * over no values is true): it gets a statement of its own, and only the jobs that recount use it.
 */
export function tableStatements(tableArn: string, grant: TableGrant): PolicyStatement[] {
  const byKeys = new Map<string, TableAction[]>();
  for (const [action, keys] of Object.entries(grant) as [TableAction, readonly string[]][]) {
    const id = action === 'Scan' ? '\u0000scan' : [...keys].sort().join('\u0000');
    byKeys.set(id, [...(byKeys.get(id) ?? []), action]);
  }
  const statements: PolicyStatement[] = [];
  for (const [id, actions] of byKeys) {
    const keys = grant[actions[0]!] ?? [];
    const onIndexes = actions.includes('Query') || actions.includes('Scan');
    statements.push(
      new PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: onIndexes ? [tableArn, `${tableArn}/index/*`] : [tableArn],
        ...(id !== '\u0000scan' &&
          !keys.includes('*') && {
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys].sort() } },
          }),
      }),
    );
  }
  return statements;
}

export function grantTable(grantee: IGrantable, tableArn: string, grant: TableGrant): void {
  for (const statement of tableStatements(tableArn, grant))
    grantee.grantPrincipal.addToPrincipalPolicy(statement);
}
