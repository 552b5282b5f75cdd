/**
 * MLflow's `ErrorCode` names as they travel in `{error_code, message}` bodies, and the one table that
 * maps each to an HTTP status (spec §1.4). Anything not listed maps to 500.
 * `RESOURCE_LIMIT_EXCEEDED` (a name from MLflow's own `ErrorCode` enum, which MLflow's status table
 * leaves unmapped) is Loupe's 413 for a request body over the server's limit: MLflow has no code for
 * it, and every MLflow client reads any name of that enum.
 *
 * @example
 * httpStatusFor('RESOURCE_DOES_NOT_EXIST'); // 404
 */
export const ERROR_CODES = [
  'INTERNAL_ERROR',
  'TEMPORARILY_UNAVAILABLE',
  'BAD_REQUEST',
  'DEADLINE_EXCEEDED',
  'CANCELLED',
  'RESOURCE_EXHAUSTED',
  'ABORTED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'UNAUTHENTICATED',
  'INVALID_PARAMETER_VALUE',
  'ENDPOINT_NOT_FOUND',
  'MALFORMED_REQUEST',
  'INVALID_STATE',
  'PERMISSION_DENIED',
  'FEATURE_DISABLED',
  'CUSTOMER_UNAUTHORIZED',
  'REQUEST_LIMIT_EXCEEDED',
  'RESOURCE_CONFLICT',
  'NOT_IMPLEMENTED',
  'DATA_LOSS',
  'RESOURCE_ALREADY_EXISTS',
  'RESOURCE_DOES_NOT_EXIST',
  'RESOURCE_LIMIT_EXCEEDED',
] as const;

/** One of MLflow's error code names. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS_BY_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  MALFORMED_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  RESOURCE_CONFLICT: 409,
  ABORTED: 409,
  // Content Too Large: not 429 (MLflow's RESOURCE_EXHAUSTED), which clients retry; the same body fails again.
  RESOURCE_LIMIT_EXCEEDED: 413,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/**
 * The HTTP status MLflow uses for an error code.
 *
 * @example
 * httpStatusFor('INVALID_PARAMETER_VALUE'); // 400
 */
export function httpStatusFor(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}
