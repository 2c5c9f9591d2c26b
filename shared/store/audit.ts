import type { AuditEntry } from '../domain/audit.ts';
import { addDays } from '../lib/dates.ts';
import { auditKey, auditOfArea, auditOfMonth } from './keys.ts';
import { monthByMonth, type Page, queryPage } from './query.ts';
import { tableName } from './table.ts';
import type { TransactItem } from './transact.ts';

/** The audit entry as one more item of the action's own transaction. */
export function auditPut(entry: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...auditKey(entry.at, entry.auditId),
        entity: 'audit',
        ...(entry.areaId && { gsi1pk: auditOfArea(entry.areaId), gsi1sk: `${entry.at}#${entry.auditId}` }),
        ...entry,
      },
      // An entry is written once and never replaced; IAM cannot say so (PutItem also overwrites).
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

const fromItem = (item: Record<string, unknown>) => {
  const { pk, sk, entity, gsi1pk, gsi1sk, ...entry } = item;
  return entry as unknown as AuditEntry;
};

/** Entries with `at` in the Helsinki days [from, to], a day of margin each side then filtered exactly. */
export async function listAudit(
  scope: { areaId: string } | { national: true },
  range: { from: string; to: string },
  limit: number,
  position?: { key?: Record<string, string>; month?: string },
): Promise<Page<AuditEntry>> {
  const lower = `${addDays(range.from, -1)}T`;
  const upper = `${addDays(range.to, 1)}T~`;
  const inRange = (entry: AuditEntry) => {
    const day = new Date(entry.at).toLocaleDateString('en-CA', { timeZone: 'Europe/Helsinki' });
    return day >= range.from && day <= range.to;
  };
  if ('areaId' in scope) {
    const page = await queryPage(
      {
        index: 'gsi1',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        partition: auditOfArea(scope.areaId),
        lower,
        upper,
      },
      limit,
      position?.key,
    );
    return { items: page.items.map(fromItem).filter(inRange), next: page.next };
  }
  return monthByMonth(range, limit, position, async (month, startKey, left) => {
    const page = await queryPage(
      { partitionKey: 'pk', sortKey: 'sk', partition: auditOfMonth(month), lower, upper },
      left,
      startKey,
    );
    return { items: page.items.map(fromItem).filter(inRange), next: page.next };
  });
}
