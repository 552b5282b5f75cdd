import { PostgresDialect } from './postgres/postgres-dialect.js';
import type { SqlDialect } from './sql-dialect.js';
import { SqliteDialect } from './sqlite/sqlite-dialect.js';

/**
 * Chooses the dialect from a backend store URI's scheme, as MLflow does.
 *
 * @example
 * createDialect('postgresql://postgres@localhost/loupe').name; // 'postgresql'
 */
export function createDialect(uri: string): SqlDialect {
  const scheme = uri.split(':', 1)[0]?.toLowerCase() ?? '';
  if (scheme === 'sqlite') return new SqliteDialect(uri);
  if (scheme === 'postgresql' || scheme === 'postgres' || scheme.startsWith('postgresql+')) return new PostgresDialect(uri);
  throw new Error(`Unsupported backend store URI scheme '${scheme}': use sqlite:///path.db or postgresql://user@host:port/db`);
}
