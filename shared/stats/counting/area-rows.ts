// What the assemblers (assemble.ts, assemble-closed.ts) take of one area: its counters as read from the
// table (shared/store/stats.ts).
import type { Area } from '../../domain/organisations.ts';
import type { AggregateRows } from '../../store/stats.ts';
import type { Period } from '../model/figures.ts';

/** What a snapshot of D needs of one area: every counter up to D. */
export interface AreaSnapshotRows {
  readonly area: Area;
  readonly rows: AggregateRows;
  /** Cards taken into use in each period ending on D. */
  readonly takenIntoUse: Readonly<Record<Period, number>>;
}
