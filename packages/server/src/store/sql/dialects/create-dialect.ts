import { PostgresDialect } from './postgres/postgres-dialect.js';
import type { Clock } from '../../../clock.js';
import type { SqlDialect } from './sql-dialect.js';
import { SqliteDialect } from './sqlite/sqlite-dialect.js';

/**
 * Chooses the dialect from a backend store URI's scheme, as MLflow does. `clock` times the driver's
 * periodic upkeep, where it has any (SQLite's statistics refresh and WAL checks).
 *
 * @example
 * createDialect('postgresql://postgres@localhost/loupe').name; // 'postgresql'
 */
export function createDialect(uri: string, options: { clock?: Clock } = {}): SqlDialect {
  const scheme = uri.split(':', 1)[0]?.toLowerCase() ?? '';
  if (scheme === 'sqlite') return new SqliteDialect(uri, options);
  if (scheme === 'postgresql' || scheme === 'postgres' || scheme.startsWith('postgresql+')) return new PostgresDialect(uri);
  throw new Error(`Unsupported backend store URI scheme '${scheme}': use sqlite:///path.db or postgresql://user@host:port/db`);
}
