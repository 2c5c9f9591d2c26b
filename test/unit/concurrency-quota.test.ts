// The first deploy into a new account: the check npm run preflight makes before cdk deploy (issue 21).
import { describe, expect, it } from 'vitest';
import { concurrencyProblem, reservedByStage, unreservedMinimum } from '../../infra/concurrency-quota.ts';
import { reservedConcurrency } from '../../infra/edge.ts';

const prod = reservedByStage({ production: true });

describe('the concurrency check before a deploy', () => {
  it('sums what prod reserves (44) and needs nothing for dev', () => {
    expect(prod).toBe(Object.values(reservedConcurrency).reduce((a, b) => a + b, 0));
    expect(prod).toBe(44);
    expect(reservedByStage({ production: false })).toBe(0);
  });

  it('refuses a new account whose quota is 10, and says what to ask for', () => {
    const problem = concurrencyProblem(
      { concurrentExecutions: 10, unreservedConcurrentExecutions: 10 },
      prod,
      0,
    );
    expect(problem).toMatch(/quota is 10/);
    expect(problem).toContain(`at least ${prod + unreservedMinimum}`);
    expect(problem).toContain('runbook');
  });

  it('refuses when other functions of the account hold what the stage needs', () => {
    const problem = concurrencyProblem(
      { concurrentExecutions: 1000, unreservedConcurrentExecutions: 120 },
      prod,
      0,
    );
    expect(problem).toMatch(/120 unreserved/);
  });

  it('lets a quota of 1000 through, and a later deploy whose own reservations are already held', () => {
    expect(
      concurrencyProblem({ concurrentExecutions: 1000, unreservedConcurrentExecutions: 1000 }, prod, 0),
    ).toBe(undefined);
    expect(
      concurrencyProblem({ concurrentExecutions: 144, unreservedConcurrentExecutions: 100 }, prod, 44),
    ).toBe(undefined);
    expect(
      concurrencyProblem({ concurrentExecutions: 144, unreservedConcurrentExecutions: 100 }, prod, 0),
    ).toMatch(/144 must be free/);
  });

  it('has nothing to check for a stage that reserves nothing', () => {
    expect(concurrencyProblem({ concurrentExecutions: 10, unreservedConcurrentExecutions: 10 }, 0, 0)).toBe(
      undefined,
    );
  });
});
