import { describe, expect, it } from 'vitest';
import {
  closedPeriodsOn,
  closesOn,
  lastDayOf,
  monthsOf,
  partsOf,
  periodKind,
} from '../../../shared/stats/model/closed-periods.ts';

describe('closed periods', () => {
  it('know their kind, months, parts and last day', () => {
    expect(['2025-02', '2025-Q1', '2025'].map(periodKind)).toEqual(['month', 'quarter', 'year']);
    expect(() => periodKind('2025-13')).toThrow();
    expect(monthsOf('2025-Q2')).toEqual(['2025-04', '2025-05', '2025-06']);
    expect(partsOf('2025')).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(partsOf('2025-03')).toEqual([]);
    expect(lastDayOf('2024-02')).toBe('2024-02-29');
    expect(lastDayOf('2025-Q4')).toBe('2025-12-31');
  });

  it('close 75 days after their last day (60 of late entry, 14 of voiding, one to spare)', () => {
    expect(closesOn('2025-01')).toBe('2025-04-16');
    expect(closesOn('2025-Q1')).toBe('2025-06-14');
    expect(closesOn('2025-03')).toBe('2025-06-14');
    expect(closesOn('2025')).toBe('2026-03-16');
  });

  it('are listed from January of the first year counted, months before the quarter and year they end', () => {
    expect(closedPeriodsOn('2025-06-13', '2025-02-10')).toEqual(['2025-01', '2025-02']);
    expect(closedPeriodsOn('2025-06-14', '2025-02-10')).toEqual(['2025-01', '2025-02', '2025-03', '2025-Q1']);
    expect(closedPeriodsOn('2026-03-16', '2025-12-30').slice(-4)).toEqual([
      '2025-11',
      '2025-12',
      '2025-Q4',
      '2025',
    ]);
    expect(closedPeriodsOn('2026-03-16', undefined)).toEqual([]);
    expect(closedPeriodsOn('2025-01-01', '2025-02-01')).toEqual([]);
  });
});
