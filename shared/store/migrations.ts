// The record of a one-off change to the table's data, kept in the table itself (decision 0024): the scan's
// cursor after each page, so that an interrupted run resumes where it stopped, and when it finished, so
// that it runs once. In the table rather than in a file: it follows the table wherever it goes (a restore
// to a point before the change has no record, so the change runs again), and whoever runs it next,
// wherever, finds it.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Backoff, withBackoff } from './backoff.ts';
import { documentClient } from './client.ts';
import { migrationKey } from './keys.ts';
import { tableName } from './table.ts';

export interface MigrationTotals {
  readonly pages: number;
  /** Items the scan read (all kinds, not only the ones changed). */
  readonly scanned: number;
  /** Items changed. */
  readonly changed: number;
  /** Items found already changed by someone else between the read and the write. */
  readonly changedMeanwhile: number;
  /** Items the change does not apply to as they are (reported, left as they are). */
  readonly skipped: number;
}

export const noTotals: MigrationTotals = {
  pages: 0,
  scanned: 0,
  changed: 0,
  changedMeanwhile: 0,
  skipped: 0,
};

export interface MigrationRecord {
  readonly name: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** Where the next page starts (the scan's LastEvaluatedKey); absent once finished. */
  readonly cursor?: Record<string, unknown>;
  readonly finishedAt?: string;
  readonly totals: MigrationTotals;
}

export async function readMigration(name: string, backoff?: Backoff): Promise<MigrationRecord | undefined> {
  const { Item } = await withBackoff(
    () =>
      documentClient().send(
        new GetCommand({ TableName: tableName(), Key: migrationKey(name), ConsistentRead: true }),
      ),
    backoff,
  );
  if (!Item) return undefined;
  const { pk, sk, entity, ...record } = Item;
  return record as MigrationRecord;
}

/** Writes the record whole: one small item, once per page. */
export async function saveMigration(record: MigrationRecord, backoff?: Backoff): Promise<void> {
  await withBackoff(
    () =>
      documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...migrationKey(record.name), entity: 'migration', ...record },
        }),
      ),
    backoff,
  );
}
