// npm run load: 10,000 requests of a realistic mix at concurrency 32 through the local gateway (autocannon),
// against a service this process starts on free ports; then checks that no use was lost or doubled.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePortOnLoopback as freePort } from '../infra/local/aws/ports.ts';
import { startLocalService } from '../infra/local/runtime.ts';
import { projectRoot } from '../infra/paths.ts';
import type { Position } from '../shared/lib/cursor.ts';
import { addDays, today } from '../shared/lib/dates.ts';
import { getCard } from '../shared/store/cards.ts';
import { listUsages } from '../shared/store/usages.ts';
import { registerArea, registerOrganisation } from '../shared/use-cases/register-organisation.ts';
import { debugHelp, parseCommandLine, runScript, ScriptError, UsageError } from './cli.ts';
import {
  compareWithTable,
  expectedStatus,
  type Kind,
  mix,
  type Planned,
  plan,
  type SentUse,
} from './load-mix.ts';

const script = 'load';
const usage = `Usage: npm run load [-- --requests N --connections N --cards N]

Starts the whole service in this process (gateway, functions in worker threads with IAM enforced,
DynamoDB Local, S3) on free ports with a temporary data folder, makes an area, a distributor and a
venue, has the distributor issue community cards, and sends requests through the gateway with
autocannon. The mix, out of 100: ${Object.entries(mix)
  .map(([kind, n]) => `${n} ${kind}`)
  .join(', ')}
(use: a new use with a fresh Idempotency-Key; lookup: GET /v1/cards/{n} as the venue; replay: a use
sent again with its key and body, must answer 200 and the same usageId; badBody 400, unknownCard 404,
wrongRole 403). Afterwards reads the venue's uses from the table: every use answered 201 must be
there exactly once, and the cards' use counts must add up to them.

Prints p50/p99 latency, requests/s and the status histogram, and writes them to load-results.json.
Exits 1 on any 5xx, lost or doubled use, wrong replay, unexpected status, error or timeout.

Options:
  --requests N      requests to send (default 10000)
  --connections N   concurrent connections (default 32)
  --cards N         community cards to use (default 200)
  -h, --help        show this text
${debugHelp}
`;

const positive = (name: string, text: string | undefined, fallback: number) => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(script, `--${name} must be a positive integer`);
  return value;
};

async function inParallel<T>(
  count: number,
  width: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

async function call(url: string, request: Omit<Planned, 'kind'>): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined && { body: request.body }),
  });
  return { status: response.status, body: await response.text() };
}

await runScript(script, async () => {
  const { values } = parseCommandLine(script, usage, {
    requests: { type: 'string' },
    connections: { type: 'string' },
    cards: { type: 'string' },
  });
  const total = positive('requests', values.requests, 10_000);
  const connections = positive('connections', values.connections, 32);
  const cardCount = positive('cards', values.cards, 200);
  if (connections > total) throw new UsageError(script, '--connections may not exceed --requests');

  const dataDir = mkdtempSync(join(tmpdir(), 'kaiku-load-'));
  // The functions' request and metrics lines go to a file, not between the figures.
  process.env.KAIKU_LOG_CAPTURE ??= join(dataDir, 'functions.log');
  const service = await startLocalService({
    port: await freePort(),
    dataDir,
    persist: false,
    dynamoPort: await freePort(),
    s3Port: await freePort(),
    // The stream consumer is a separate function in AWS, not on the request path: read only at the end.
    streamPollMs: 3_600_000,
  });
  let failed = true;
  try {
    const area = await registerArea({ name: 'Load area', municipalityCodes: ['049'], welfareArea: 'LU' });
    const distributor = await registerOrganisation({
      kind: 'distributor',
      name: 'Load unit',
      areaId: area.areaId,
    });
    // No cardLimitPerDay: the venue may record any number of uses of a card a day.
    const venue = await registerOrganisation({ kind: 'venue', name: 'Load venue', areaId: area.areaId });
    const keys = { venue: venue.apiKey, distributor: distributor.apiKey };
    const venueId = venue.organisation.orgId;

    const cards = await inParallel(cardCount, 8, async () => {
      const { status, body } = await call(service.url, {
        method: 'POST',
        path: '/v1/cards',
        headers: { authorization: `Bearer ${keys.distributor}`, 'content-type': 'application/json' },
        body: JSON.stringify({ cardType: 'community' }),
      });
      if (status !== 201) throw new ScriptError(`issuing a card answered ${status}: ${body}`);
      return (JSON.parse(body) as { cardNumber: string }).cardNumber;
    });

    const runId = `load-${Date.now().toString(36)}`;
    const recorded: (SentUse & { usageId: string })[] = [];
    const answered201: string[] = [];
    const unreadable: string[] = [];
    /** The usageId of an answer, or undefined (and noted) when the body is not the JSON of a use. */
    const usageIdIn = (body: string): string | undefined => {
      try {
        const usageId = (JSON.parse(body) as { usageId?: unknown }).usageId;
        if (typeof usageId === 'string') return usageId;
      } catch {
        // Not JSON: noted below.
      }
      unreadable.push(body.slice(0, 200));
      return undefined;
    };
    const remember = (use: SentUse, body: string) => {
      const usageId = usageIdIn(body);
      if (usageId === undefined) return;
      recorded.push({ ...use, usageId });
      answered201.push(usageId);
    };
    // A first use per connection before the clock starts: warms the workers and gives replays a use to repeat.
    await inParallel(connections, connections, async (i) => {
      const use = {
        idempotencyKey: `${runId}-warm-${i}`,
        body: JSON.stringify({
          cardNumber: cards[i % cards.length],
          sector: 'culture',
          adults: 1,
          children: 0,
        }),
      };
      const { status, body } = await call(service.url, {
        method: 'POST',
        path: '/v1/usages',
        headers: {
          authorization: `Bearer ${keys.venue}`,
          'content-type': 'application/json',
          'idempotency-key': use.idempotencyKey,
        },
        body: use.body,
      });
      if (status !== 201) throw new ScriptError(`a warm-up use answered ${status}: ${body}`);
      remember(use, body);
    });

    const byKind = Object.fromEntries(
      Object.keys(mix).map((kind) => [kind, { sent: 0, expected: 0, other: {} as Record<string, number> }]),
    ) as Record<Kind, { sent: number; expected: number; other: Record<string, number> }>;
    const statuses: Record<string, number> = {};
    const replayMismatches: string[] = [];
    let next = 0;
    const result = await autocannon({
      url: service.url,
      connections,
      amount: total,
      timeout: 30,
      requests: [
        {
          setupRequest: (request, context) => {
            const planned = plan(next++, runId, keys, cards, recorded);
            context.planned = planned;
            return {
              ...request,
              method: planned.method,
              path: planned.path,
              headers: planned.headers,
              body: planned.body ?? '',
            };
          },
          onResponse: (status, body, context) => {
            const planned = context.planned as Planned;
            statuses[status] = (statuses[status] ?? 0) + 1;
            const tally = byKind[planned.kind];
            tally.sent++;
            if (status === expectedStatus[planned.kind]) tally.expected++;
            else tally.other[status] = (tally.other[status] ?? 0) + 1;
            if (planned.use && status === 201) remember(planned.use, body);
            if (planned.replayOf && status === 200) {
              const usageId = usageIdIn(body);
              if (usageId !== undefined && usageId !== planned.replayOf)
                replayMismatches.push(`${planned.replayOf} answered ${usageId}`);
            }
          },
        },
      ],
    });

    // Every use of the venue, read from the table with the operator's credentials.
    const day = today();
    const inTable: string[] = [];
    let position: Position | undefined;
    do {
      const page = await listUsages(
        { venueId, areaId: area.areaId },
        { from: addDays(day, -1), to: day },
        500,
        position,
      );
      inTable.push(...page.items.map((item) => item.usageId));
      position = page.next;
    } while (position);
    const { lost, duplicated, answeredTwice } = compareWithTable(answered201, inTable);
    const counted = (await inParallel(cards.length, 16, (i) => getCard(cards[i]!))).reduce(
      (sum, card) => sum + (card?.useCount ?? 0),
      0,
    );

    const fiveXx = Object.entries(statuses).reduce(
      (sum, [status, n]) => (Number(status) >= 500 ? sum + n : sum),
      0,
    );
    const unexpected = Object.values(byKind).reduce((sum, tally) => sum + tally.sent - tally.expected, 0);
    const answered = Object.values(statuses).reduce((sum, n) => sum + n, 0);
    const results = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      platform: `${process.platform} ${process.arch}`,
      requests: total,
      connections,
      cards: cards.length,
      mixPer100: mix,
      durationSeconds: Number(result.duration.toFixed(2)),
      requestsPerSecond: Number((answered / result.duration).toFixed(1)),
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      statuses,
      byKind,
      errors: result.errors,
      timeouts: result.timeouts,
      fiveXx,
      unexpectedStatuses: unexpected,
      usesAnswered201: answered201.length,
      usesInTable: inTable.length,
      lostUses: lost.length,
      duplicatedUses: duplicated.length + answeredTwice,
      cardUseCountsSum: counted,
      replayMismatches: replayMismatches.length,
      unreadableAnswers: unreadable.length,
    };
    writeFileSync(join(projectRoot, 'load-results.json'), `${JSON.stringify(results, null, 2)}\n`);

    console.log(
      `${answered} requests (${total} planned) at concurrency ${connections} in ${results.durationSeconds} s on ${results.cpus} CPUs`,
    );
    console.log(`requests/s           ${results.requestsPerSecond}`);
    console.log(
      `latency p50 / p99    ${results.latencyMs.p50} ms / ${results.latencyMs.p99} ms (max ${results.latencyMs.max} ms)`,
    );
    console.log(
      `statuses             ${Object.entries(statuses)
        .map(([status, n]) => `${status}: ${n}`)
        .join(', ')}`,
    );
    for (const [kind, tally] of Object.entries(byKind)) {
      const other = Object.entries(tally.other).map(([status, n]) => `${status}: ${n}`);
      console.log(
        `  ${kind.padEnd(12)} ${String(tally.sent).padStart(5)} sent, ${tally.expected} answered ${expectedStatus[kind as Kind]}${other.length ? `; other: ${other.join(', ')}` : ''}`,
      );
    }
    console.log(`5xx                  ${fiveXx}`);
    console.log(`errors / timeouts    ${result.errors} / ${result.timeouts}`);
    console.log(
      `uses                 ${answered201.length} answered 201 (${connections} before the clock), ${inTable.length} in the table, cards count ${counted}`,
    );
    console.log(`lost / duplicated    ${results.lostUses} / ${results.duplicatedUses}`);
    console.log(
      `replays              ${byKind.replay.expected} of ${byKind.replay.sent} answered 200, ${replayMismatches.length} with another usageId`,
    );
    console.log('written to load-results.json');

    const problems = [
      fiveXx > 0 && `${fiveXx} answers 5xx`,
      lost.length > 0 &&
        `${lost.length} uses answered 201 but not in the table (${lost.slice(0, 3).join(', ')})`,
      results.duplicatedUses > 0 &&
        `${results.duplicatedUses} uses doubled (${duplicated.slice(0, 3).join(', ')})`,
      counted !== answered201.length &&
        `the cards count ${counted} uses, ${answered201.length} were answered 201`,
      replayMismatches.length > 0 &&
        `${replayMismatches.length} replays answered another use (${replayMismatches[0]})`,
      unexpected > 0 && `${unexpected} answers other than the expected status`,
      result.errors + result.timeouts > 0 && `${result.errors} errors, ${result.timeouts} timeouts`,
      unreadable.length > 0 && `${unreadable.length} answers without a usageId (${unreadable[0]})`,
    ].filter((problem): problem is string => typeof problem === 'string');
    if (problems.length > 0)
      throw new ScriptError(`${problems.join('; ')} (the functions' log: ${process.env.KAIKU_LOG_CAPTURE})`);
    failed = false;
  } finally {
    await service.stop();
    if (!failed) rmSync(dataDir, { recursive: true, force: true });
  }
});
