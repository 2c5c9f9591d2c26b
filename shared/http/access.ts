// What each function may do to the table, declared once: shared/http/routes.ts names, per function, the
// actions and the partitions below; CDK grants exactly that (infra/constructs/table-grant.ts) with
// dynamodb:LeadingKeys conditions; the local runtime enforces the role CDK synthesises; and
// docs/decisions/0007-least-privilege.md shows the matrix. A pattern is a partition key value as IAM's
// dynamodb:LeadingKeys sees it (for a Query on an index, the index's partition key value), built by the
// key builders themselves so that a renamed prefix renames its grant.
import * as keys from '../store/keys.ts';

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchWriteItem';

/** Per action, the partition keys the function may name (IAM StringLike patterns). */
export type TableGrant = Readonly<Partial<Record<TableAction, readonly string[]>>>;

const any = '*';

/** Every partition of the table, by what lives in it. */
export const partitions = {
  health: keys.healthKey.pk,
  card: keys.cardKey(any).pk,
  /** gsi5: the cards an organisation issued. */
  cardsIssuedBy: keys.cardsIssuedBy(any),
  apiKey: keys.apiKeyKey(any).pk,
  organisation: keys.organisationKey(any).pk,
  area: keys.areaKey(any).pk,
  /** The public directory's partitions (a venue's profile lives in its organisation's partition). */
  directory: keys.directoryPartition(any, any),
  /** gsi1: an area's organisations (and a national organisation's, below). */
  organisationsOfArea: keys.organisationsOfArea(any),
  /** gsi1: every area. */
  allAreas: keys.allAreas,
  usage: keys.usageKey(any).pk,
  /** gsi2: an area's uses by time (the national list merges the areas'). */
  usagesOfArea: keys.usagesOfArea(any),
  /** gsi4: a venue's uses by time. */
  usagesOfVenue: keys.usagesOfVenue(any),
  aggregates: keys.aggregatePartition(any),
  venueCardDay: keys.venueCardDayKey(any, any, any).pk,
  /** A card's flags of abnormal use (written from the stream). */
  flag: keys.flagKey(any, any, any).pk,
  /** gsi3, gsi1: flags by month (national) and by the card's area. */
  flagsOfMonth: keys.flagsOfMonth(any),
  flagsOfArea: keys.flagsOfArea(any),
  application: keys.applicationKey(any).pk,
  /** gsi1: applications by status. */
  applicationsWithStatus: keys.applicationsWithStatus(any),
  /** A municipality's claim on its area. */
  municipality: keys.municipalityClaimKey(any).pk,
  /** A client's waiting applications (the key of the hash that names the client is in Secrets Manager). */
  applicationSource: keys.pendingOfSourceKey(any).pk,
  audit: keys.auditOfMonth(any),
  /** gsi1: an area's audit entries. */
  auditOfArea: keys.auditOfArea(any),
  snapshots: keys.snapshotsPartition,
  /** A person and their memberships (one partition per person). */
  person: keys.personPartition(any),
  /** gsi1: an organisation's people. */
  peopleOfOrganisation: keys.peopleOfOrganisation(any),
} as const;

/** Merges grants: every action with the partitions of all of them, each once. */
export function mergeGrants(...grants: readonly TableGrant[]): TableGrant {
  const merged: Partial<Record<TableAction, string[]>> = {};
  for (const grant of grants)
    for (const [action, patterns] of Object.entries(grant) as [TableAction, readonly string[]][])
      merged[action] = [...new Set([...(merged[action] ?? []), ...patterns])];
  return merged;
}
