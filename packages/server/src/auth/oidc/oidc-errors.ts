import { ApiError } from '@loupe/protocol';

/** `err` with `cause` set (the standard Error property): the message is for the user, the cause for the log. */
function withCause(err: ApiError, cause: unknown): ApiError {
  if (cause !== undefined) Object.defineProperty(err, 'cause', { value: cause, configurable: true, writable: true });
  return err;
}

/**
 * 401 UNAUTHENTICATED: the login did not prove who the user is (a forged or stale callback, a token
 * that fails a check). The message says what failed and that starting again is the fix.
 *
 * @example
 * throw loginRefused('The login response does not match this browser\'s login (state mismatch).');
 */
export function loginRefused(message: string, cause?: unknown): ApiError {
  return withCause(new ApiError('UNAUTHENTICATED', `OpenID Connect login failed: ${message}`), cause);
}

/**
 * 503 TEMPORARILY_UNAVAILABLE: the identity provider could not be reached or answered nonsense; the
 * user can retry later, the operator should look at the cause.
 *
 * @example
 * throw providerUnavailable('The identity provider did not answer at https://id.example.com/token.', err);
 */
export function providerUnavailable(message: string, cause?: unknown): ApiError {
  return withCause(new ApiError('TEMPORARILY_UNAVAILABLE', `OpenID Connect login is unavailable: ${message}`), cause);
}

/**
 * 500 INTERNAL_ERROR: the server's OpenID Connect settings do not match the provider's (unknown
 * client, wrong secret, missing capability); the message names the setting to fix.
 *
 * @example
 * throw misconfigured('The identity provider rejected the client credentials: check LOUPE_OIDC_CLIENT_ID and LOUPE_OIDC_CLIENT_SECRET.');
 */
export function misconfigured(message: string, cause?: unknown): ApiError {
  return withCause(new ApiError('INTERNAL_ERROR', `OpenID Connect is misconfigured: ${message}`), cause);
}
