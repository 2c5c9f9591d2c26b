// The partner tier: the snapshot's figures laid out as one disclosure table, with every sum a reader
// of the partner files can rely on, suppressed, and read back with hidden counts as null.
//
// National figures (national.json, and monthly.csv, which is national) are published exactly, so they
// are fixed cells: totals that constrain the areas but are never hidden.
import { DisclosureTable, type Suppression, suppress } from './disclosure.ts';
import {
  type AgeGroupFigures,
  type Count,
  type ExactTier,
  type Figures,
  type Period,
  type Published,
  periods,
  type Sector,
  sectors,
  type TierFigures,
} from './figures.ts';

/** The counts of one areas.csv row, in column order; `cardsActive` is a state, the rest are events. */
const columns = [
  'cardsRegistered',
  'cardsActive',
  'cardsTakenIntoUse',
  'uses',
  'adultUses',
  'childUses',
  ...sectors.flatMap((sector) => [`${sector}.adultUses`, `${sector}.childUses`] as const),
] as const;
type Column = (typeof columns)[number];

function read(figures: Figures, column: Column): number {
  const [sector, kind] = column.split('.') as [string, 'adultUses' | 'childUses' | undefined];
  if (kind) return figures.bySector[sector as Sector][kind];
  return figures[column as 'cardsRegistered'];
}

type RowCells = Record<Column, number>;

function addRow(table: DisclosureTable, figures: Figures, label: string, fixed: boolean): RowCells {
  const cells = {} as RowCells;
  for (const column of columns) cells[column] = table.add(read(figures, column), `${label} ${column}`, fixed);
  return cells;
}

function addRowSums(table: DisclosureTable, row: RowCells): void {
  table.sum(row.uses, [row.adultUses, row.childUses]);
  table.sum(
    row.adultUses,
    sectors.map((sector) => row[`${sector}.adultUses`]),
  );
  table.sum(
    row.childUses,
    sectors.map((sector) => row[`${sector}.childUses`]),
  );
}

const ageMeasures = ['cardsRegistered', 'uses'] as const;

/** Consecutive periods, day ⊂ month ⊂ year ⊂ all. */
const nested = periods.slice(1).map((outer, index) => [periods[index]!, outer] as const);

export interface PartnerTier {
  readonly figures: TierFigures;
  readonly suppression: Suppression;
  /** Where a hidden count can still be worked out because nothing was left to hide with it. */
  readonly exposed: readonly string[];
}

export function partnerTier(exact: ExactTier): PartnerTier {
  const table = new DisclosureTable();
  const national = {} as Record<Period, RowCells>;
  for (const period of periods)
    national[period] = addRow(table, exact.national[period], `national.json ${period}`, true);

  const areaCells = exact.areas.map((area) => {
    const cells = {} as Record<Period, RowCells>;
    for (const period of periods) {
      cells[period] = addRow(table, area.periods[period], `areas.csv ${period} ${area.areaId}`, false);
      addRowSums(table, cells[period]);
    }
    return cells;
  });
  for (const period of periods)
    for (const column of columns)
      table.sum(
        national[period][column],
        areaCells.map((cells) => cells[period][column]),
      );
  // Equal national figures of two nested periods mean nothing happened in between anywhere, so each
  // area's figures are equal too (counts are never negative); cards active is counted on D in all four.
  for (const [inner, outer] of nested)
    for (const column of columns) {
      const sameNationally = table.value(national[inner][column]) === table.value(national[outer][column]);
      if (column !== 'cardsActive' && !sameNationally) continue;
      for (const cells of areaCells) table.equal(cells[outer][column], cells[inner][column]);
    }

  // Age groups split an area's cards registered and uses; the sums are constraints where they hold.
  const ageCells = exact.ageGroups.map((row) => {
    const label = `age-groups.csv ${row.period} ${row.areaId} ${row.ageGroup}`;
    return {
      row,
      cardsRegistered: table.add(row.cardsRegistered, `${label} cardsRegistered`),
      uses: table.add(row.uses, `${label} uses`),
    };
  });
  const byArea = new Map<string, typeof ageCells>();
  for (const cells of ageCells) {
    const key = `${cells.row.period}\u0000${cells.row.areaId}`;
    byArea.set(key, [...(byArea.get(key) ?? []), cells]);
  }
  const groupsOf = (period: Period, areaId: string) => byArea.get(`${period}\u0000${areaId}`) ?? [];
  exact.areas.forEach((area, index) => {
    const rows = areaCells[index]!;
    const groups = {} as Record<Period, typeof ageCells>;
    for (const period of periods) {
      groups[period] = groupsOf(period, area.areaId);
      for (const measure of ageMeasures)
        table.sum(
          rows[period][measure],
          groups[period].map((cells) => cells[measure]),
        );
    }
    // As for areas: an area's equal totals in nested periods make each age group's equal.
    for (const [inner, outer] of nested)
      for (const measure of ageMeasures) {
        if (table.value(rows[inner][measure]) !== table.value(rows[outer][measure])) continue;
        for (const cells of groups[inner]) {
          const other = groups[outer].find((candidate) => candidate.row.ageGroup === cells.row.ageGroup);
          if (other) table.equal(other[measure], cells[measure]);
        }
      }
  });

  const suppression = suppress(table);
  const shown = (cell: number): Count => (suppression.hidden[cell] ? null : table.value(cell));
  const publishRow = (row: RowCells, municipalities: number): Published<Figures> => ({
    cardsRegistered: shown(row.cardsRegistered),
    cardsActive: shown(row.cardsActive),
    cardsTakenIntoUse: shown(row.cardsTakenIntoUse),
    uses: shown(row.uses),
    adultUses: shown(row.adultUses),
    childUses: shown(row.childUses),
    bySector: {
      culture: { adultUses: shown(row['culture.adultUses']), childUses: shown(row['culture.childUses']) },
      education: {
        adultUses: shown(row['education.adultUses']),
        childUses: shown(row['education.childUses']),
      },
      science: { adultUses: shown(row['science.adultUses']), childUses: shown(row['science.childUses']) },
      sport: { adultUses: shown(row['sport.adultUses']), childUses: shown(row['sport.childUses']) },
    },
    // Not in areas.csv; kept exact only so the shape stays that of the summary.
    municipalities,
  });

  const figures: TierFigures = {
    date: exact.date,
    national: exact.national,
    monthly: exact.monthly,
    areas: exact.areas.map((area, index) => {
      const cells = areaCells[index]!;
      const published = {} as Record<Period, Published<Figures>>;
      for (const period of periods)
        published[period] = publishRow(cells[period], area.periods[period].municipalities);
      return { areaId: area.areaId, areaName: area.areaName, periods: published };
    }),
    ageGroups: ageCells.map(
      (cells): Published<AgeGroupFigures> => ({
        ...cells.row,
        cardsRegistered: shown(cells.cardsRegistered),
        uses: shown(cells.uses),
      }),
    ),
  };
  const exposed = suppression.exposed.map((index) => {
    const constraint = table.constraints[index]!;
    const cells = [constraint.total, ...constraint.members];
    return cells
      .filter((cell) => suppression.hidden[cell])
      .map((cell) => table.cells[cell]!.label)
      .join(', ');
  });
  return { figures, suppression, exposed };
}
