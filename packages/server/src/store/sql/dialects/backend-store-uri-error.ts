/** The URIs Loupe's backend store takes, for messages. */
export const BACKEND_STORE_URI_FORMS = 'sqlite:///relative/path.db, sqlite:////absolute/path.db or postgresql://user:password@host:5432/database';

/**
 * A backend store URI Loupe cannot use (unknown scheme, malformed). Its message names the URI, with any
 * password hidden, and the forms Loupe takes.
 *
 * @example
 * throw new BackendStoreUriError(`unsupported backend store URI 'foo://bar': use ${BACKEND_STORE_URI_FORMS}`);
 */
export class BackendStoreUriError extends Error {
  override readonly name = 'BackendStoreUriError';
}

/**
 * `uri` with the password of its `user:password@` part replaced by `***`, for messages and logs. It
 * works on text that does not parse as a URL too: everything up to the last `@` goes, since an
 * unencoded `@` may be part of the password (hiding too much is the safe side).
 *
 * @example
 * redactUri('postgresql://loupe:s3cret@db:5432/loupe'); // 'postgresql://loupe:***@db:5432/loupe'
 */
export function redactUri(uri: string): string {
  return uri.replace(/^([^:/?#]+:\/\/[^:/?#@]*:).*@/, '$1***@');
}
