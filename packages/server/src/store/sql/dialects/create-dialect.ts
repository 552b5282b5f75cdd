import { PostgresDialect } from './postgres/postgres-dialect.js';
import type { Clock } from '../../../clock.js';
import { BACKEND_STORE_URI_FORMS, BackendStoreUriError, redactUri } from './backend-store-uri-error.js';
import type { SqlDialect } from './sql-dialect.js';
import { SqliteDialect } from './sqlite/sqlite-dialect.js';

/**
 * Chooses the dialect from a backend store URI's scheme, as MLflow does, after checking the URI's form:
 * a URI Loupe cannot use throws {@link BackendStoreUriError} before anything is opened. `clock` times
 * the driver's periodic upkeep, where it has any (SQLite's statistics refresh and WAL checks);
 * `poolSize` is how many connections a PostgreSQL pool opens at most (default 10).
 *
 * @example
 * createDialect('postgresql://postgres@localhost/loupe').name; // 'postgresql'
 */
export function createDialect(uri: string, options: { clock?: Clock; poolSize?: number } = {}): SqlDialect {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase() ?? '';
  if (scheme === 'sqlite') return new SqliteDialect(uri, options);
  if (scheme === 'postgresql' || scheme === 'postgres' || scheme.startsWith('postgresql+')) return new PostgresDialect(uri, options.poolSize);
  const what = scheme === '' ? 'has no scheme' : `has the scheme '${scheme}', which Loupe does not store in`;
  throw new BackendStoreUriError(`the backend store URI '${redactUri(uri)}' ${what}: use ${BACKEND_STORE_URI_FORMS}`);
}
