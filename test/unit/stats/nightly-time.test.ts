import { describe, expect, it } from 'vitest';
import { helsinkiInstant, nextNightlyRun } from '../../../shared/stats/snapshot/nightly-time.ts';

describe('the nightly run at 02:30 Europe/Helsinki', () => {
  it('is 00:30 UTC in winter and 23:30 UTC the day before in summer', () => {
    expect(helsinkiInstant('2026-01-15', 2, 30).toISOString()).toBe('2026-01-15T00:30:00.000Z');
    expect(helsinkiInstant('2026-07-15', 2, 30).toISOString()).toBe('2026-07-14T23:30:00.000Z');
  });

  it('keeps 02:30 local across the changes of the clocks', () => {
    // Summer time starts 29 March 2026 at 03:00 and ends 25 October 2026 at 04:00 (local).
    expect(helsinkiInstant('2026-03-29', 2, 30).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(helsinkiInstant('2026-03-30', 2, 30).toISOString()).toBe('2026-03-29T23:30:00.000Z');
    expect(helsinkiInstant('2026-10-25', 2, 30).toISOString()).toBe('2026-10-24T23:30:00.000Z');
    expect(helsinkiInstant('2026-10-26', 2, 30).toISOString()).toBe('2026-10-26T00:30:00.000Z');
  });

  it('comes next tonight if it has not passed, else tomorrow night', () => {
    expect(nextNightlyRun(new Date('2026-01-15T00:29:59Z')).toISOString()).toBe('2026-01-15T00:30:00.000Z');
    expect(nextNightlyRun(new Date('2026-01-15T00:30:00Z')).toISOString()).toBe('2026-01-16T00:30:00.000Z');
    // 23:00 UTC on 28 March is 01:00 on 29 March in Helsinki: that night's run is before the change.
    expect(nextNightlyRun(new Date('2026-03-28T23:00:00Z')).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(nextNightlyRun(new Date('2026-03-29T01:00:00Z')).toISOString()).toBe('2026-03-29T23:30:00.000Z');
  });
});
