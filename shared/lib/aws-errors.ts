// What an AWS SDK error means for whoever called: slow down, or try again (the API answers 429 or 503 for
// them; a long-running job waits and tries again).

/** DynamoDB said "slow down" even after the SDK's retries: the client should retry, not see a 500. */
export function isThrottling(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return [
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'TooManyRequestsException',
    'SlowDown',
  ].includes(name);
}

const transientNames = new Set([
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const networkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * DynamoDB, S3 or the network failed, or took too long, even after the SDK's retries. A write may or may
 * not have landed: the client is told to retry (with its same Idempotency-Key), which is safe, rather
 * than a 500 that says nothing.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { $metadata, code } = error as { $metadata?: { httpStatusCode?: number }; code?: string };
  return (
    transientNames.has(error.name) ||
    ($metadata?.httpStatusCode ?? 0) >= 500 ||
    (code !== undefined && networkCodes.has(code))
  );
}
