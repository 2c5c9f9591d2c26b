// The one table, declared once: the CDK data stack and the local runtime both build it from this.
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  // Changes feed the counters a request cannot keep in its one write (functions/jobs/count-from-stream.ts).
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    // Children of a parent: an organisation's keys, an area's organisations, a venue's uses by time.
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    // An area's time series: its uses by time; its cards by first-use day (sparse).
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    // National time series: every use, partitioned by month.
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  ttlAttribute: string;
  stream: 'NEW_AND_OLD_IMAGES';
  indexes: readonly IndexDefinition[];
};

export type IndexName = (typeof tableDefinition.indexes)[number]['name'];

export const defaultTableName = 'kaiku';

/** Read at call time so tests and the local runtime can point handlers at their own table. */
export function tableName(): string {
  return process.env.TABLE_NAME ?? defaultTableName;
}
