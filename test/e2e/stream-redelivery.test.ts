// The stream consumer counts exactly once however its batches come again: a property over uses split
// into batches on a shard and its child shard, each batch delivered first in shard order (records within
// it in any order) and any earlier batch, or part of one, delivered again in any order at any later time.
// The real consumer (functions/jobs/count-from-stream.ts) writes to DynamoDB Local; its counters must equal
// the sums of the uses. Before marks took the highest sequence number, [5, 3] and then [5] again counted 3
// twice.
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/jobs/count-from-stream.ts';
import { mulberry32 } from '../../infra/local/seeded-random.ts';
import { paddedSequence } from '../../shared/domain/stream-batch.ts';
import type { Usage } from '../../shared/domain/usages.ts';
import { ageUsesKey, useAggregateKey, useCounters } from '../../shared/store/keys.ts';
import { usageItem } from '../../shared/store/usages.ts';
import { getItem, useFreshTable } from '../support/service.ts';

beforeAll(async () => {
  await useFreshTable();
});

const days = ['2026-11-02', '2026-11-03'];
const sectors = ['sport', 'culture'] as const;

const useArbitrary = fc.record({
  area: fc.nat(1),
  day: fc.nat(1),
  sector: fc.constantFrom(...sectors),
  adults: fc.nat(2),
  children: fc.nat(2),
  gap: fc.integer({ min: 1, max: 1_000_000 }),
});

const scenarioArbitrary = fc.record({
  uses: fc.array(useArbitrary, { minLength: 1, maxLength: 14 }),
  /** Sizes of the batches, cycled. */
  sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
  /** Where the shard rolls: the uses from here on are on its child. */
  rollAt: fc.nat(14),
  /** After each first delivery, deliveries again of earlier batches: which, how much, in what order. */
  again: fc.array(
    fc.array(fc.record({ batch: fc.nat(), keep: fc.nat(), seed: fc.nat() }), { maxLength: 2 }),
    {
      maxLength: 8,
    },
  ),
  seed: fc.nat(),
});

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

let run = 0;

describe('counting from the stream, delivered again in any order', () => {
  it('every counter equals the sum of the uses, exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        run++;
        const areas = [`redeliver${run}a`, `redeliver${run}b`];
        let sequence = 100_000_000_000_000_000_000n;
        const records = scenario.uses.map((use, i) => {
          sequence += BigInt(use.gap);
          const usage: Usage = {
            usageId: `u-redeliver-${run}-${i}`,
            cardNumber: `card-${run}-${i}`,
            venueId: 'venue-1',
            areaId: areas[use.area]!,
            occurredAt: `${days[use.day]}T10:00:00.000Z`,
            day: days[use.day]!,
            sector: use.sector,
            adults: use.adults,
            children: use.children,
            recordedAt: `${days[use.day]}T10:00:00.000Z`,
            recordedBy: 'venue-1',
            fingerprint: 'fp',
            voided: false,
          };
          return {
            shardId: i < scenario.rollAt ? `shardId-parent-${run}` : `shardId-child-${run}`,
            usage,
            record: {
              eventName: 'INSERT',
              dynamodb: {
                SequenceNumber: sequence.toString(),
                NewImage: marshall(usageItem(usage), { removeUndefinedValues: true }),
              },
            },
          };
        });
        // Batches: consecutive records of one shard, the parent's before the child's.
        const batches: { shardId: string; records: (typeof records)[number]['record'][] }[] = [];
        let size = 0;
        for (const entry of records) {
          const open = batches.at(-1);
          const limit = scenario.sizes[batches.length % scenario.sizes.length]!;
          if (open && open.shardId === entry.shardId && open.records.length < limit)
            open.records.push(entry.record);
          else batches.push({ shardId: entry.shardId, records: [entry.record] });
          size++;
        }
        expect(size).toBe(records.length);
        const deliver = async (shardId: string, batch: unknown[]) => {
          const answer = await handler({ shardId, Records: batch } as never);
          expect(answer.batchItemFailures).toEqual([]);
        };
        for (const [index, batch] of batches.entries()) {
          await deliver(batch.shardId, shuffled(batch.records, scenario.seed + index));
          for (const again of scenario.again[index] ?? []) {
            const earlier = batches[again.batch % (index + 1)]!;
            const part = shuffled(earlier.records, again.seed).slice(
              0,
              1 + (again.keep % earlier.records.length),
            );
            await deliver(earlier.shardId, part);
          }
        }
        for (const [a, areaId] of areas.entries())
          for (const [d, day] of days.entries()) {
            const uses = scenario.uses.filter((use) => use.area === a && use.day === d);
            const counters = await getItem(useAggregateKey(areaId, day));
            for (const sector of sectors) {
              const names = useCounters(sector);
              const ofSector = uses.filter((use) => use.sector === sector);
              const sum = (pick: (use: (typeof uses)[number]) => number) =>
                ofSector.reduce((total, use) => total + pick(use), 0);
              expect(counters?.[names.records] ?? 0).toBe(ofSector.length);
              expect(counters?.[names.adultUses] ?? 0).toBe(sum((use) => use.adults));
              expect(counters?.[names.childUses] ?? 0).toBe(sum((use) => use.children));
            }
            const ages = await getItem(ageUsesKey(areaId, day));
            expect(ages?.uses_unknown ?? 0).toBe(
              uses.reduce((total, use) => total + use.adults + use.children, 0),
            );
          }
        expect(paddedSequence(sequence.toString())).toHaveLength(40);
      }),
      { numRuns: 12 },
    );
  }, 600_000);
});
