// The one-off backfill of gsi5 (issue 19, decision 0024): cards registered before the distributors' card
// list existed have no gsi5 keys, so GET /v1/cards leaves them out. This reads the table page by page and
// gives each such card its keys, from the same builder every card write uses (issuedListKeys), under a
// condition that the card is still as read and still without them: a card changed meanwhile keeps what
// its own write set. After each page the scan's cursor is recorded (shared/store/migrations.ts), so an
// interrupted run resumes there, and a finished one is not repeated unless asked.
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../lib/concurrency.ts';
import { type Backoff, defaultBackoff, withBackoff } from './backoff.ts';
import { issuedListKeys } from './cards.ts';
import { documentClient } from './client.ts';
import { cardKey } from './keys.ts';
import {
  type MigrationRecord,
  type MigrationTotals,
  noTotals,
  readMigration,
  saveMigration,
} from './migrations.ts';
import { tableName } from './table.ts';
import { setFields } from './update.ts';

export const cardIndexMigration = 'card-index-gsi5';

/** What the backfill reads of a card: what its list keys are made of. */
interface CardListFacts {
  readonly cardNumber: string;
  readonly issuedBy: string;
  readonly validUntil: string;
  readonly revokedOn?: string;
}

export type CardIndexOutcome = 'indexed' | 'indexed-meanwhile' | 'gone' | 'incomplete';

function listFacts(item: Record<string, unknown> | undefined): CardListFacts | undefined {
  if (!item) return undefined;
  const { cardNumber, issuedBy, validUntil, revokedOn } = item;
  if (typeof cardNumber !== 'string' || typeof issuedBy !== 'string' || typeof validUntil !== 'string')
    return undefined;
  return { cardNumber, issuedBy, validUntil, ...(typeof revokedOn === 'string' && { revokedOn }) };
}

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * Gives one card, as read, its gsi5 keys, if it still has none and is still as read (issuer, validity,
 * revocation). A card changed meanwhile by a write that set the keys is left alone; one changed by a write
 * that did not (a function of the release before gsi5, during a deployment) is read again and indexed as
 * it now is.
 */
export async function indexCard(
  item: Record<string, unknown>,
  backoff: Backoff = defaultBackoff,
): Promise<CardIndexOutcome> {
  let card = listFacts(item);
  if (!card) return 'incomplete';
  for (let attempt = 1; attempt <= 5; attempt++) {
    const set = setFields(issuedListKeys(card));
    const revoked = card.revokedOn !== undefined;
    try {
      await withBackoff(
        () =>
          documentClient().send(
            new UpdateCommand({
              TableName: tableName(),
              Key: cardKey(card!.cardNumber),
              UpdateExpression: set.expression,
              ConditionExpression:
                'attribute_exists(pk) AND attribute_not_exists(gsi5pk) AND issuedBy = :issuedBy AND ' +
                `validUntil = :validUntil AND ${revoked ? 'revokedOn = :revokedOn' : 'attribute_not_exists(revokedOn)'}`,
              ExpressionAttributeNames: set.names,
              ExpressionAttributeValues: {
                ...set.values,
                ':issuedBy': card!.issuedBy,
                ':validUntil': card!.validUntil,
                ...(revoked && { ':revokedOn': card!.revokedOn }),
              },
            }),
          ),
        backoff,
      );
      return 'indexed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await withBackoff(
      () =>
        documentClient().send(
          new GetCommand({ TableName: tableName(), Key: cardKey(card!.cardNumber), ConsistentRead: true }),
        ),
      backoff,
    );
    if (!Item) return 'gone';
    if (Item.gsi5pk !== undefined) return 'indexed-meanwhile';
    card = listFacts(Item);
    if (!card) return 'incomplete';
  }
  // Changed under every try: a card that busy is being written by the release that sets its keys.
  return 'indexed-meanwhile';
}

export interface BackfillOptions {
  /** Items read per page (a Scan's Limit): what is held in memory at once. */
  readonly pageSize?: number;
  /** Cards given their keys at once. */
  readonly concurrency?: number;
  /** Read the whole table again even if a run has finished (it changes nothing the first run did). */
  readonly again?: boolean;
  readonly backoff?: Backoff;
  /** After each page, once its cursor is recorded. */
  readonly onPage?: (record: MigrationRecord) => void;
}

export interface BackfillResult {
  /** `finished`: this run read to the end of the table; `already-finished`: a run had, nothing was read. */
  readonly status: 'finished' | 'already-finished';
  /** Where this run started, when it carried on from an interrupted one. */
  readonly resumedFrom?: Record<string, unknown>;
  /** This run's own counts. */
  readonly run: MigrationTotals;
  /** The counts of every run since the first page (this one and any it carried on from). */
  readonly record: MigrationRecord;
}

const add = (a: MigrationTotals, b: MigrationTotals): MigrationTotals => ({
  pages: a.pages + b.pages,
  scanned: a.scanned + b.scanned,
  changed: a.changed + b.changed,
  changedMeanwhile: a.changedMeanwhile + b.changedMeanwhile,
  skipped: a.skipped + b.skipped,
});

export async function backfillCardIndex(options: BackfillOptions = {}): Promise<BackfillResult> {
  const { pageSize = 500, concurrency = 8, again = false, backoff = defaultBackoff, onPage } = options;
  const earlier = await readMigration(cardIndexMigration, backoff);
  if (earlier?.finishedAt && !again) return { status: 'already-finished', run: noTotals, record: earlier };
  const resumedFrom = earlier && !earlier.finishedAt ? earlier.cursor : undefined;
  const startedAt = new Date().toISOString(); // real time: when an operator ran it, for the runbook
  let record: MigrationRecord = resumedFrom
    ? earlier!
    : { name: cardIndexMigration, startedAt, updatedAt: startedAt, totals: noTotals };
  let run = noTotals;
  let cursor = resumedFrom;
  do {
    const page = await withBackoff(
      () =>
        documentClient().send(
          new ScanCommand({
            TableName: tableName(),
            ExclusiveStartKey: cursor,
            // Limit bounds what one page holds in memory, whatever the items are; the projection keeps
            // only what the keys are made of.
            Limit: pageSize,
            FilterExpression: '#entity = :card AND attribute_not_exists(gsi5pk)',
            ProjectionExpression: 'cardNumber, issuedBy, validUntil, revokedOn',
            ExpressionAttributeNames: { '#entity': 'entity' },
            ExpressionAttributeValues: { ':card': 'card' },
          }),
        ),
      backoff,
    );
    const outcomes = await mapLimit(page.Items ?? [], concurrency, (item) => indexCard(item, backoff));
    const counts: MigrationTotals = {
      pages: 1,
      scanned: page.ScannedCount ?? 0,
      changed: outcomes.filter((outcome) => outcome === 'indexed').length,
      changedMeanwhile: outcomes.filter((outcome) => outcome === 'indexed-meanwhile').length,
      skipped: outcomes.filter((outcome) => outcome === 'gone' || outcome === 'incomplete').length,
    };
    run = add(run, counts);
    cursor = page.LastEvaluatedKey;
    const updatedAt = new Date().toISOString(); // real time: as startedAt
    const { cursor: _previous, ...rest } = record;
    record = {
      ...rest,
      updatedAt,
      totals: add(record.totals, counts),
      ...(cursor ? { cursor } : { finishedAt: updatedAt }),
    };
    await saveMigration(record, backoff);
    onPage?.(record);
  } while (cursor);
  return { status: 'finished', ...(resumedFrom && { resumedFrom }), run, record };
}
