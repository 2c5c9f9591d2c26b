// Index entries the process's Queries read (ScannedCount), for the scenarios that show a list page reads
// its page and no more, at any size of the data (bench/scale.ts, bench/national-tenth.ts).
import { documentClient } from '../shared/store/client.ts';

/** Adds a counter to the process's DynamoDB client; reset `entries` before what you measure. */
export function countQueryReads(): { entries: number } {
  const reads = { entries: 0 };
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand')
        reads.entries += (result.output as { ScannedCount?: number }).ScannedCount ?? 0;
      return result;
    },
    { step: 'initialize', name: 'countQueryReads' },
  );
  return reads;
}

/** Counts the process's DynamoDB requests by command, for progress lines during long bulk writes. */
export function countRequests(): Record<string, number> {
  const sent: Record<string, number> = {};
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      sent[name] = (sent[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'requestsByCommand' },
  );
  return sent;
}
