import type { ColumnDefinitionBuilder, Expression, Kysely, SqlBool } from 'kysely';
import type { Database } from '../schema.js';

/**
 * What differs between the databases Loupe runs on. Each implementation lives in its own folder
 * (`sqlite/`, `postgres/`); store code calls these and never branches on the dialect's name.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgresql';
  /** Opens the connection(s). */
  createKysely(): Kysely<Database>;
  /** Column type of an auto-increment integer primary key. */
  readonly idColumnType: 'integer' | 'bigint';
  /** Makes a column an auto-increment primary key. */
  idColumn(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Case-insensitive LIKE. */
  ilike(lhs: Expression<unknown>, pattern: Expression<unknown>): Expression<SqlBool>;
  /** Regular-expression match (RLIKE). */
  regexp(lhs: Expression<unknown>, pattern: Expression<unknown>): Expression<SqlBool>;
  /** Is this error a unique-constraint violation? */
  isUniqueViolation(err: unknown): boolean;
}
