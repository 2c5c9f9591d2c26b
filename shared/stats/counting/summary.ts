// GET /v1/stats/summary: live figures straight from the counters, for one area or the whole country.

import type { Principal } from '../../contract/roles.ts';
import type { Area } from '../../domain/organisations.ts';
import { requireAreaScope } from '../../domain/scope.ts';
import { mapLimit } from '../../lib/concurrency.ts';
import { today } from '../../lib/dates.ts';
import { invalid, notFound } from '../../lib/errors.ts';
import { getArea } from '../../store/organisations.ts';
import { allAreas, areaConcurrency, newReadCount, readAggregates } from '../../store/stats.ts';
import type { Figures } from '../model/figures.ts';
import { type AreaRange, rangeFigures } from './assemble.ts';
import { takenIntoUseIn } from './counters.ts';

/** Events of the days `from` to `to`, states (cards active, municipalities) on `to`, summed over `areas`. */
export async function liveSummary(areas: readonly Area[], from: string, to: string): Promise<Figures> {
  const count = newReadCount();
  const ranges = await mapLimit(areas, areaConcurrency, async (area): Promise<AreaRange> => {
    const rows = await readAggregates(area.areaId, { usesFrom: from, to, ages: false }, count);
    return { area, rows, takenIntoUse: takenIntoUseIn(rows.cards, from, to) };
  });
  return rangeFigures(from, to, ranges);
}

/** Which areas a caller's summary covers: admin any (all without areaId), area-admin its own only. */
export async function areasInScope(principal: Principal, areaId: string | undefined): Promise<Area[]> {
  if (principal.role === 'admin' && areaId === undefined) return allAreas();
  const wanted = areaId ?? principal.areaId;
  requireAreaScope(principal, wanted, `Area ${wanted}`);
  const area = await getArea(wanted!);
  if (!area) throw notFound(`Area ${wanted}`);
  return [area];
}

/** The summary's days: `to` defaults to today, `from` to the 1st of January of `to`'s year. */
export function summaryRange(query: { from?: string; to?: string }, now: Date): { from: string; to: string } {
  const to = query.to ?? today(now);
  const from = query.from ?? `${to.slice(0, 4)}-01-01`;
  const problems = [];
  if (from > to) problems.push({ field: 'from', problem: 'must not be after to' });
  if (to > today(now)) problems.push({ field: 'to', problem: `may not be after today (${today(now)})` });
  if (problems.length > 0) throw invalid(problems);
  return { from, to };
}
