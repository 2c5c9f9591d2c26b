// Consumes the table's stream: every new use adds its persons to the age-group counters of its day and
// area; a use voided later takes them back. Records of other items are ignored (the event source
// mapping filters them out in AWS; the local poller passes everything).
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Usage } from '../../shared/domain/usages.ts';
import { birthYears, countAgeUses } from '../../shared/store/age-counters.ts';

type Image = Record<string, AttributeValue> | undefined;
const read = (image: Image) => (image ? (unmarshall(image as never) as Record<string, unknown>) : undefined);

/** +1: a use recorded; -1: a use voided; 0: anything else (including our own markers on the use). */
export function change(eventName: string | undefined, oldImage: Image, newImage: Image) {
  const before = read(oldImage);
  const after = read(newImage);
  if (after?.entity !== 'usage') return { sign: 0 as const };
  const usage = after as unknown as Usage;
  // A bulk load (the bench's) counts its uses as it writes them and says so on the item.
  if (eventName === 'INSERT' && !usage.voided && after.ageCountedAt === undefined)
    return { sign: 1 as const, usage };
  if (eventName === 'MODIFY' && before?.voided === false && usage.voided === true)
    return { sign: -1 as const, usage };
  return { sign: 0 as const };
}

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const changes = event.Records.map((record) => ({
    id: record.dynamodb?.SequenceNumber ?? '',
    ...change(record.eventName, record.dynamodb?.OldImage, record.dynamodb?.NewImage),
  }));
  const counted = changes.filter((entry) => entry.sign !== 0 && entry.usage);
  if (counted.length === 0) return { batchItemFailures: [] };
  const years = await birthYears(counted.map((entry) => entry.usage!.cardNumber));
  const failures: { itemIdentifier: string }[] = [];
  // In order: a use's voiding never overtakes its recording.
  for (const entry of counted) {
    try {
      await countAgeUses(entry.usage!, years.get(entry.usage!.cardNumber), entry.sign as 1 | -1);
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', usageId: entry.usage!.usageId, error: String(error) }));
      failures.push({ itemIdentifier: entry.id });
      break;
    }
  }
  return { batchItemFailures: failures };
}
