import type { ErrorCode } from './error-codes.js';

/** What an error answer says, read by {@link parseApiErrorBody}. */
export interface ParsedApiError {
  /** The body's `error_code`, else the one MLflow's clients infer from the status. */
  errorCode: string;
  /** The body's `message` (or a `detail`, as some proxies send), else undefined: the caller words its own. */
  message: string | undefined;
}

/**
 * The error code MLflow's Python client infers for a status that came without an `error_code`
 * (spec §1.4), e.g. a bare 404 for an unknown route or a proxy's 503 page.
 *
 * @example
 * errorCodeForStatus(404); // 'ENDPOINT_NOT_FOUND'
 */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  return 'INTERNAL_ERROR';
}

/**
 * Reads a non-2xx answer's body: MLflow's `{error_code, message}` when it is one. Text that is not
 * such JSON (an HTML error page, an empty body) leaves the code to the status and the message to the caller.
 * The SDK's client and the UI both read errors through it.
 *
 * @example
 * parseApiErrorBody(404, '{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"No run"}'); // { errorCode: 'RESOURCE_DOES_NOT_EXIST', message: 'No run' }
 * parseApiErrorBody(502, '<html>Bad gateway</html>'); // { errorCode: 'INTERNAL_ERROR', message: undefined }
 */
export function parseApiErrorBody(status: number, text: string): ParsedApiError {
  const parsed: ParsedApiError = { errorCode: errorCodeForStatus(status), message: undefined };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return parsed;
  }
  if (typeof body !== 'object' || body === null) return parsed;
  const { error_code: code, message, detail } = body as Record<string, unknown>;
  if (typeof code === 'string' && code) parsed.errorCode = code;
  const said = typeof message === 'string' && message ? message : typeof detail === 'string' && detail ? detail : undefined;
  if (said) parsed.message = said;
  return parsed;
}
