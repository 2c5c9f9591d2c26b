import { batchCsvColumns, batchUsageRow, batchUsages } from '../../shared/contract/schemas.ts';
import { batchUsageIdFor, type VenueRef } from '../../shared/domain/usages.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { errorBody, toApiError } from '../../shared/http/responses.ts';
import { csvRecords } from '../../shared/lib/csv.ts';
import { invalid } from '../../shared/lib/errors.ts';
import { check, validate } from '../../shared/lib/schema.ts';
import { recordUsage, venueFor } from '../../shared/use-cases/record-usage.ts';

const isCsv = (contentType: string) => contentType.startsWith('text/csv');
const parallelRows = 8;
const maxRows = 500;

function rowsOf(
  body: { items: Record<string, unknown>[] } | undefined,
  rawBody: string,
  contentType: string,
) {
  if (!isCsv(contentType))
    return body!.items.map((record) => ({ record, problem: undefined as string | undefined }));
  const rows = csvRecords(rawBody, batchCsvColumns, ['adults', 'children']);
  if (rows.length === 0) throw invalid([{ field: '(body)', problem: 'the CSV has no rows' }]);
  if (rows.length > maxRows)
    throw invalid([{ field: '(body)', problem: `at most ${maxRows} rows per batch` }]);
  // The whole-body schema still runs, so CSV and JSON are held to the same limits.
  validate(batchUsages, { items: rows.map((row) => row.record ?? {}) });
  return rows.map(({ record, problem }) => ({ record: record ?? {}, problem }));
}

export const handler = httpHandler<{ items: Record<string, unknown>[] }>(
  'POST /v1/usages/batch',
  async ({ principal, caller, body, rawBody, contentType, now, requestId }) => {
    const rows = rowsOf(body, rawBody, contentType);
    const venues = new Map<string, Promise<VenueRef>>();
    const venueOf = (venueId: string) => {
      if (!venues.has(venueId)) venues.set(venueId, venueFor(principal, venueId, caller));
      return venues.get(venueId)!;
    };
    const results: object[] = new Array(rows.length);
    // Rows of one card wait for each other: two at once would meet on the card's item, and DynamoDB
    // cancels the second transaction (it would only be retried). Rows of different cards run in parallel.
    const cardTurns = new Map<string, Promise<unknown>>();
    const inTurn = <T>(cardNumber: string, work: () => Promise<T>): Promise<T> => {
      const turn = (cardTurns.get(cardNumber) ?? Promise.resolve()).then(work, work);
      cardTurns.set(
        cardNumber,
        turn.catch(() => undefined),
      );
      return turn;
    };
    const recordRow = async (index: number) => {
      const { record, problem } = rows[index]!;
      const clientRef = typeof record.clientRef === 'string' ? record.clientRef : null;
      try {
        if (problem) throw invalid([{ field: `row ${index + 2}`, problem }]);
        const parsed = check(batchUsageRow, record);
        if ('error' in parsed) throw parsed.error;
        const { clientRef: ref, ...input } = parsed.value;
        const { usage, replayed } = await inTurn(input.cardNumber, () =>
          recordUsage(
            principal,
            input,
            (venueId) => batchUsageIdFor({ callerId: principal.orgId, venueId }, ref),
            now,
            venueOf,
          ),
        );
        results[index] = { clientRef, status: replayed ? 'replayed' : 'created', usageId: usage.usageId };
      } catch (error) {
        const apiError = toApiError(error);
        results[index] = { clientRef, status: 'failed', error: errorBody(apiError, requestId).error };
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < rows.length) await recordRow(next++);
    };
    await Promise.all(Array.from({ length: Math.min(parallelRows, rows.length) }, worker));
    return json(200, { results });
  },
  { bodyIsCsvWhen: isCsv },
);
