// A load process: runs `total` operations at a fixed concurrency and prints operations per second.
// The same script drives both sides of a comparison, so neither side gets a faster client.
//   node bench/load.ts http <url> <apiKey> <cards.json> <total> <concurrency>
//   node bench/load.ts raw <dynamoEndpoint> <table> <cards.json> <total> <concurrency> <areaId> <venueId>
import { readFileSync } from 'node:fs';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newUsage } from '../shared/domain/usages.ts';
import { documentClient } from '../shared/store/client.ts';
import { usageTransactItems } from '../shared/store/usages.ts';

const [mode, target, ...rest] = process.argv.slice(2);

async function run(total: number, concurrency: number, operation: (index: number) => Promise<void>) {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        await operation(index).catch(() => failures++);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ perSecond: (total - failures) / seconds, failures, seconds }));
}

const runId = `${process.pid}-${Date.now()}`;
const useOf = (cardNumber: string) => ({ cardNumber, sector: 'culture' as const, adults: 1, children: 0 });

if (mode === 'http') {
  const [apiKey, cardsFile, total, concurrency] = rest as [string, string, string, string];
  const cards = JSON.parse(readFileSync(cardsFile, 'utf8')) as string[];
  await run(Number(total), Number(concurrency), async (index) => {
    const response = await fetch(`${target}/v1/usages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': `${runId}-${index}`,
      },
      body: JSON.stringify(useOf(cards[index % cards.length]!)),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`status ${response.status}`);
  });
} else if (mode === 'raw') {
  const [table, cardsFile, total, concurrency, areaId, venueId] = rest as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const cards = JSON.parse(readFileSync(cardsFile, 'utf8')) as string[];
  process.env.AWS_ENDPOINT_URL_DYNAMODB = target;
  process.env.TABLE_NAME = table;
  const venue = { venueId, areaId };
  await run(Number(total), Number(concurrency), async (index) => {
    // The very items a recorded use writes (built by the store), sent straight to DynamoDB.
    const usage = newUsage(
      useOf(cards[index % cards.length]!),
      { usageId: `raw-${runId}-${index}`, fingerprint: runId, recordedBy: venueId },
      venue,
      new Date(),
    );
    await documentClient().send(
      new TransactWriteCommand({ TransactItems: usageTransactItems(usage, venue) }),
    );
  });
} else {
  console.error('usage: load.ts http|raw ...');
  process.exit(2);
}
