import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isThrottling, isTransient } from '../lib/aws-errors.ts';
import { ApiError, throttled } from '../lib/errors.ts';

const jsonType = { 'content-type': 'application/json; charset=utf-8' };

/**
 * On every answer of the API, the local gateway's own included: nosniff (the browser must not guess another
 * type than the one sent) and HSTS (a year, subdomains too), which CloudFront's response headers policy
 * also sets on every answer that passes it (infra/edge.ts).
 */
export const commonHeaders = {
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
} as const;

/** On answers that carry a secret (an API key, a claim token): never stored by any cache. */
export const secretReply = { 'cache-control': 'no-store' } as const;

export function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode: status,
    headers: { ...jsonType, ...commonHeaders, ...headers },
    body: JSON.stringify(body),
  };
}

export function errorBody(error: ApiError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details && error.details.length > 0 && { details: error.details }),
    },
    requestId,
  };
}

const retryShortly = { 'retry-after': '1' };

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isThrottling(error)) return throttled();
  if (isTransient(error))
    return new ApiError(
      'SERVICE_UNAVAILABLE',
      'The service could not finish the request just now; retry after a moment (a use with its same Idempotency-Key: it is never recorded twice).',
      undefined,
      retryShortly,
    );
  return new ApiError(
    'INTERNAL',
    'Something went wrong on our side; the request may not have been completed. Try again later.',
  );
}

export function errorReply(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  const apiError = toApiError(error);
  if (apiError.code === 'INTERNAL' || apiError.code === 'SERVICE_UNAVAILABLE')
    console.error(
      JSON.stringify({ level: 'error', requestId, error: String(error), stack: (error as Error)?.stack }),
    );
  return json(apiError.status, errorBody(apiError, requestId), apiError.headers);
}

/** Middy error handler: every thrown error leaves as the contract's error body. */
export function contractErrors(): middy.MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2
> {
  return {
    onError: async (request) => {
      request.response = errorReply(request.error, request.event.requestContext?.requestId ?? 'unknown');
    },
  };
}
