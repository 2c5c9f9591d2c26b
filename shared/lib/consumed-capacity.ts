// Its own module so that the store's client does not load the logger and metrics to count capacity.
/**
 * Capacity units DynamoDB reported as consumed since the last reset: the store's client
 * (shared/store/client.ts) asks every table operation for `ReturnConsumedCapacity: TOTAL` and adds them
 * here; the request log resets and reads this once per invocation (a Lambda runtime serves one at a time).
 */
export const consumedCapacity = { units: 0 };
