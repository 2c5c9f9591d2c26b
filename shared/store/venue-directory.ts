// Venue profiles and the public directory's precomputed entries (docs/data-model.md, "Venue directory").
// Every change that moves a venue in or out of the directory (its profile, its name, status or the area
// admin's hiding) rewrites its entries in the same transaction, guarded by the state it was computed from.
import {
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/audit.ts';
import type { Organisation } from '../domain/organisations.ts';
import {
  directoryPlaces,
  directorySort,
  type PublicVenue,
  publicVenueView,
  searchTextOf,
  type VenueProfile,
} from '../domain/venue-profile.ts';
import { badCursor } from '../lib/cursor.ts';
import { auditPut } from './audit.ts';
import { documentClient } from './client.ts';
import { directoryEntryKey, directoryPartition, organisationKey, venueProfileKey } from './keys.ts';
import { listAreas } from './organisations.ts';
import type { Page } from './query.ts';
import { tableName } from './table.ts';
import { type TransactItem, transactWrite } from './transact.ts';

export async function getVenueProfile(orgId: string): Promise<VenueProfile | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: venueProfileKey(orgId) }),
  );
  if (!Item) return undefined;
  const { pk, sk, entity, ...profile } = Item;
  return profile as VenueProfile;
}

/** The organisation's fields the entries are computed from, as a condition: unchanged since read. */
export function organisationUnchanged(org: Organisation) {
  const hidden = org.hiddenFromDirectory === true;
  return {
    expression: `#gName = :gName AND #gStatus = :gStatus AND ${
      org.municipalityCode === undefined ? 'attribute_not_exists(#gMuni)' : '#gMuni = :gMuni'
    } AND ${hidden ? '#gHidden = :gTrue' : '(attribute_not_exists(#gHidden) OR #gHidden = :gFalse)'}`,
    names: {
      '#gName': 'name',
      '#gStatus': 'status',
      '#gMuni': 'municipalityCode',
      '#gHidden': 'hiddenFromDirectory',
    },
    values: {
      ':gName': org.name,
      ':gStatus': org.status,
      ...(org.municipalityCode !== undefined && { ':gMuni': org.municipalityCode }),
      ...(hidden ? { ':gTrue': true } : { ':gFalse': false }),
    },
  };
}

/** The profile as read (or its absence), as a condition on its item. */
function profileUnchanged(orgId: string, profile: VenueProfile | undefined): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: venueProfileKey(orgId),
      ConditionExpression: profile ? 'updatedAt = :updatedAt' : 'attribute_not_exists(pk)',
      ...(profile && { ExpressionAttributeValues: { ':updatedAt': profile.updatedAt } }),
    },
  };
}

/** How long a withdrawn entry stays before DynamoDB's TTL removes it (the list skips it meanwhile). */
const withdrawnKeptSeconds = 86_400;

/**
 * Puts of the entries that stay or come (a put replaces an entry whole), and of a withdrawn mark over
 * each one that goes: no function deletes (decision 0008); the list skips the mark, the TTL removes it.
 */
function entryRewrites(
  before: { org: Organisation; profile: VenueProfile | undefined },
  after: { org: Organisation; profile: VenueProfile | undefined },
  now: Date,
): TransactItem[] {
  const keyOf = (org: Organisation, place: { municipality: string; sector: string }) =>
    directoryEntryKey(place.municipality, place.sector, directorySort(org));
  const next = directoryPlaces(after.org, after.profile).map((place) => keyOf(after.org, place));
  const kept = new Set(next.map((key) => `${key.pk}\u0000${key.sk}`));
  const gone = directoryPlaces(before.org, before.profile)
    .map((place) => keyOf(before.org, place))
    .filter((key) => !kept.has(`${key.pk}\u0000${key.sk}`));
  const profile = after.profile;
  const puts: TransactItem[] = profile
    ? next.map((key) => ({
        Put: {
          TableName: tableName(),
          Item: {
            ...key,
            entity: 'directoryEntry',
            venueId: after.org.orgId,
            areaId: after.org.areaId ?? '',
            search: searchTextOf(after.org, profile),
            venue: publicVenueView(after.org, profile),
          },
        },
      }))
    : [];
  const expiresAt = Math.floor(now.getTime() / 1000) + withdrawnKeptSeconds;
  const withdrawn: TransactItem[] = gone.map((key) => ({
    Put: {
      TableName: tableName(),
      Item: { ...key, entity: 'directoryEntry', venueId: before.org.orgId, withdrawn: true, expiresAt },
    },
  }));
  return [...withdrawn, ...puts];
}

/**
 * Writes the venue's profile and its directory entries, with its audit entry; false when the profile or
 * the organisation changed since they were read (the caller reads again).
 */
export async function saveVenueProfile(
  org: Organisation,
  before: VenueProfile | undefined,
  profile: VenueProfile,
  audit: AuditEntry,
): Promise<boolean> {
  const guard = organisationUnchanged(org);
  const cancelled = await transactWrite([
    {
      Put: {
        TableName: tableName(),
        Item: { ...venueProfileKey(org.orgId), entity: 'venueProfile', ...profile },
        ConditionExpression: before ? 'updatedAt = :updatedAt' : 'attribute_not_exists(pk)',
        ...(before && { ExpressionAttributeValues: { ':updatedAt': before.updatedAt } }),
      },
    },
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: organisationKey(org.orgId),
        ConditionExpression: guard.expression,
        ExpressionAttributeNames: guard.names,
        ExpressionAttributeValues: guard.values,
      },
    },
    ...entryRewrites({ org, profile: before }, { org, profile }, new Date(profile.updatedAt)),
    auditPut(audit),
  ]);
  return cancelled === undefined;
}

/**
 * What an organisation's change adds to its transaction so that the directory follows: the entries
 * rewritten, and the profile as read held still. Nothing for an organisation without a profile but the
 * check that none appeared meanwhile.
 */
export function directoryFollows(
  before: Organisation,
  after: Organisation,
  profile: VenueProfile | undefined,
  now: Date,
): TransactItem[] {
  if (before.kind !== 'venue') return [];
  return [
    profileUnchanged(before.orgId, profile),
    ...entryRewrites({ org: before, profile }, { org: after, profile }, now),
  ];
}

export interface DirectoryQuery {
  readonly municipality: string;
  readonly sector: string;
  readonly words: readonly string[];
  readonly limit: number;
  readonly after?: string;
}

/** Items a request reads at most: a search that matches little answers a short page and a cursor. */
const readBudget = 1000;

/**
 * One partition of the directory, by name, from after the cursor: the entries whose search text holds
 * every word and whose area is active. O(page) reads without a search; with one, at most readBudget.
 */
export async function listDirectory(query: DirectoryQuery): Promise<Page<PublicVenue>> {
  const partition = directoryPartition(query.municipality, query.sector);
  const inactive = await inactiveAreaIds();
  const items: PublicVenue[] = [];
  let after = query.after;
  let read = 0;
  while (items.length < query.limit && read < readBudget) {
    const input: QueryCommandInput = {
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: {
        ':pk': partition,
        ...Object.fromEntries(query.words.map((word, index) => [`:w${index}`, word])),
      },
      FilterExpression: [
        'attribute_not_exists(withdrawn)',
        ...query.words.map((_, index) => `contains(#search, :w${index})`),
      ].join(' AND '),
      ...(query.words.length > 0 && { ExpressionAttributeNames: { '#search': 'search' } }),
      // Without a search nearly every item read is listed (bar a withdrawn one, or an inactive area's);
      // with one, read wider.
      Limit: query.words.length > 0 ? Math.min(readBudget - read, 200) : query.limit - items.length,
      ExclusiveStartKey: after !== undefined ? { pk: partition, sk: after } : undefined,
    };
    let result: QueryCommandOutput;
    try {
      result = await documentClient().send(new QueryCommand(input));
    } catch (error) {
      if (after !== undefined && error instanceof Error && error.name === 'ValidationException')
        throw badCursor();
      throw error;
    }
    read += result.ScannedCount ?? 0;
    const found = result.Items ?? [];
    let looked = 0;
    for (const item of found) {
      if (items.length >= query.limit) break;
      looked++;
      after = String(item.sk);
      if (!inactive.has(String(item.areaId))) items.push(item.venue as PublicVenue);
    }
    if (!result.LastEvaluatedKey && looked === found.length) return { items };
    if (items.length >= query.limit) break;
    if (!result.LastEvaluatedKey) return { items };
    after = String(result.LastEvaluatedKey.sk);
  }
  return { items, ...(after !== undefined && { next: { key: { after } } }) };
}

/**
 * The areas that are not active: their venues are left out. One Query of the areas' partition (a few
 * hundred small items at most, one page or two), read on each request the edge cache lets through.
 */
async function inactiveAreaIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  let startKey: Record<string, string> | undefined;
  do {
    const page = await listAreas(100, startKey);
    for (const area of page.items) if (area.status !== 'active') ids.add(area.areaId);
    startKey = page.next?.key;
  } while (startKey);
  return ids;
}
