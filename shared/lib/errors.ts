export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'PERSONAL_DATA_NOT_ALLOWED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'MFA_REQUIRED'
  | 'NOT_FOUND'
  | 'CARD_NUMBER_TAKEN'
  | 'MUNICIPALITY_ALREADY_IN_AREA'
  | 'CONFLICT'
  | 'CARD_EXPIRED'
  | 'CARD_REVOKED'
  | 'TOO_MANY_CHILDREN'
  | 'VENUE_LIMIT_REACHED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'ORGANISATION_INACTIVE'
  | 'THROTTLED'
  | 'INTERNAL'
  | 'SERVICE_UNAVAILABLE';

const statusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  PERSONAL_DATA_NOT_ALLOWED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  MFA_REQUIRED: 403,
  NOT_FOUND: 404,
  CARD_NUMBER_TAKEN: 409,
  MUNICIPALITY_ALREADY_IN_AREA: 409,
  CONFLICT: 409,
  CARD_EXPIRED: 422,
  CARD_REVOKED: 422,
  TOO_MANY_CHILDREN: 422,
  VENUE_LIMIT_REACHED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  ORGANISATION_INACTIVE: 422,
  THROTTLED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** The HTTP status an error code is answered with. */
export const statusOfCode = (code: ErrorCode): number => statusOf[code];

/** Every code the service answers with, as the OpenAPI document lists them. */
export const errorCodes = Object.keys(statusOf) as ErrorCode[];

export interface ErrorDetail {
  readonly field: string;
  readonly problem: string;
}

/** An answer the client can act on; anything else that is thrown becomes a 500. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: readonly ErrorDetail[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details?: readonly ErrorDetail[],
    headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = statusOf[code];
    this.details = details && capped(details);
    this.headers = headers;
  }
}

/** At most this many details, each of a bounded size: an error answer never grows with the input. */
export const maxDetails = 20;
const maxDetailText = 120;

const clip = (text: string) => (text.length > maxDetailText ? `${text.slice(0, maxDetailText - 1)}…` : text);

function capped(details: readonly ErrorDetail[]): readonly ErrorDetail[] {
  const listed = details
    .slice(0, maxDetails)
    .map(({ field, problem }) => ({ field: clip(field), problem: clip(problem) }));
  if (details.length <= maxDetails) return listed;
  return [
    ...listed,
    { field: '(more)', problem: `${details.length - maxDetails} more problems are not listed` },
  ];
}

export const invalid = (details: readonly ErrorDetail[], message = 'The request is not valid.') =>
  new ApiError('VALIDATION_FAILED', message, details);

export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} was not found.`);

/** Slow down and come back: always with Retry-After, as the contract says. */
export const throttled = (message = 'The service is busy; retry after a moment.') =>
  new ApiError('THROTTLED', message, undefined, { 'retry-after': '1' });
