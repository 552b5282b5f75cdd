/**
 * `@loupe/protocol/errors`: MLflow's error codes with their HTTP statuses, the one `ApiError`, and the
 * parser of `{error_code, message}` bodies. Plain code: it loads no schemas.
 *
 * @example
 * import { parseApiErrorBody } from '@loupe/protocol/errors';
 */
export * from './error-codes.js';
export * from './api-error.js';
export * from './parse-api-error-body.js';
