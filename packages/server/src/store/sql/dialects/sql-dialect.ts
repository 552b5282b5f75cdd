import type { ColumnDefinitionBuilder, CreateTableBuilder, Expression, Kysely, SqlBool } from 'kysely';
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
  /**
   * Stores a table in its primary key's order, for narrow tables written in bulk (metric points):
   * SQLite's WITHOUT ROWID keeps one B-tree instead of a rowid table plus a key index.
   */
  clusterByPrimaryKey<T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C>;
  /** Case-insensitive LIKE. */
  ilike(lhs: Expression<unknown>, pattern: Expression<unknown>): Expression<SqlBool>;
  /** Regular-expression match (RLIKE). */
  regexp(lhs: Expression<unknown>, pattern: Expression<unknown>): Expression<SqlBool>;
  /** Is this error a unique-constraint violation? */
  isUniqueViolation(err: unknown): boolean;
}
