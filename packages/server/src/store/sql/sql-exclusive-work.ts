import type { Kysely } from 'kysely';
import type { ExclusiveOutcome, ExclusiveWork, ExclusiveWorkName } from '../exclusive-work.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';

/**
 * {@link ExclusiveWork} through the database the servers share: an advisory lock per name on
 * PostgreSQL, nothing to take on SQLite (`RowLocking.tryExclusive`).
 *
 * @example
 * const exclusive = new SqlExclusiveWork(db, dialect);
 * await exclusive.tryRun('trace-retention', () => retention.pass());
 */
export class SqlExclusiveWork implements ExclusiveWork {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  tryRun<T>(name: ExclusiveWorkName, fn: () => Promise<T>): Promise<ExclusiveOutcome<T>> {
    return this.dialect.locking.tryExclusive(this.db, name, fn);
  }
}
