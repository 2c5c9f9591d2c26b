// The first prod deploy into a new account (issue 21): prod reserves concurrency for its public and job
// functions (infra/edge.ts), and Lambda refuses a reservation that would leave fewer than 100 unreserved
// concurrent executions in the account. A new account's quota is often 10, so the Data stack would roll
// back half-way and leave its retained table and backup vault behind (docs/runbook.md). The check runs
// before `cdk deploy` (npm run preflight, in the pipeline), so such an account fails before anything exists.
import { reservedConcurrency } from './edge.ts';
import type { KaikuStage } from './stage.ts';

/** Lambda keeps this many concurrent executions unreserved in every account and region. */
export const unreservedMinimum = 100;

/** What the stage's functions reserve in all. */
export function reservedByStage(stage: Pick<KaikuStage, 'production'>): number {
  return stage.production ? Object.values(reservedConcurrency).reduce((sum, n) => sum + n, 0) : 0;
}

/** Lambda's GetAccountSettings AccountLimit, the part the check reads. */
export interface AccountConcurrency {
  readonly concurrentExecutions: number;
  readonly unreservedConcurrentExecutions: number;
}

/**
 * Why the stage cannot deploy into this account, or undefined if it can. `heldByStage` is what the stage's
 * functions already reserve (0 on a first deploy): those are part of the account's reservations already.
 */
export function concurrencyProblem(
  account: AccountConcurrency,
  needed: number,
  heldByStage: number,
): string | undefined {
  if (needed === 0) return undefined;
  const required = needed + unreservedMinimum;
  if (account.concurrentExecutions < required)
    return (
      `the account's Lambda concurrency quota is ${account.concurrentExecutions}; the stage reserves ${needed} ` +
      `and Lambda keeps ${unreservedMinimum} unreserved, so it needs at least ${required}. Ask AWS for more ` +
      `(Service Quotas > AWS Lambda > Concurrent executions) before deploying (docs/runbook.md, "First deploy").`
    );
  const free = account.unreservedConcurrentExecutions + heldByStage;
  if (free < required)
    return (
      `the account has ${account.unreservedConcurrentExecutions} unreserved concurrent executions` +
      `${heldByStage > 0 ? ` (${free} counting this stage's own ${heldByStage})` : ''}; the stage reserves ${needed} ` +
      `and Lambda keeps ${unreservedMinimum} unreserved, so ${required} must be free. Other functions of the ` +
      `account reserve the rest: lower theirs or raise the quota (docs/runbook.md, "First deploy").`
    );
  return undefined;
}
