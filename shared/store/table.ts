// The one table, declared once: the CDK data stack and the local runtime both build it from this.
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /**
   * What an index copy holds besides the keys: ALL, or INCLUDE of exactly these attributes (the lists that
   * read it fetch the rest from the base items). An update of an attribute an index does not project
   * writes no index copy.
   */
  readonly projection: 'ALL' | readonly string[];
}

/** The projection as DynamoDB names it: no attribute besides the keys is KEYS_ONLY (INCLUDE needs one). */
export function indexProjection(index: IndexDefinition): {
  readonly type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly attributes: readonly string[];
} {
  if (index.projection === 'ALL') return { type: 'ALL', attributes: [] };
  return index.projection.length === 0
    ? { type: 'KEYS_ONLY', attributes: [] }
    : { type: 'INCLUDE', attributes: index.projection };
}

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  // Changes feed the counters a request cannot keep in its one write (functions/jobs/count-from-stream.ts).
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    // Children of a parent: an organisation's keys, an area's organisations, the areas, applications by
    // status, an area's flags and audit entries. No item written per use is in it (docs/data-model.md):
    // its lists show whole items, so it projects them whole.
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    // An area's uses by time. A list filters on the venue and the day here
    // and reads the page's uses from the table (shared/store/usages.ts).
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: ['venueId', 'day'] },
    // Flags by month (national); rare items, listed whole.
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'ALL' },
    // A venue's uses by time, so a venue's list reads its own page, not its area's (issue 21): keys only,
    // the page's uses are read from the table like the area's list does.
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: [] },
    // The cards an organisation issued, by status and validity: the distributors' card list reads one
    // page of it. Only what the list shows is projected, so a recorded use (count, tallies) writes no copy.
    {
      name: 'gsi5',
      partitionKey: 'gsi5pk',
      sortKey: 'gsi5sk',
      projection: [
        'cardNumber',
        'cardType',
        'birthYear',
        'validUntil',
        'issuedOn',
        'revokedOn',
        'revokeReason',
      ],
    },
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
