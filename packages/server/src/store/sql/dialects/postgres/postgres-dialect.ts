import { CompiledQuery, Kysely, PostgresDialect as KyselyPostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ApiError } from '@loupe/protocol';
import type { Database } from '../../schema.js';
import { conflictClause, quoteIdentifier, type BulkColumnType, type RowLocking, type SqlDialect } from '../sql-dialect.js';
import { PostgresSpanTextIndex } from './postgres-span-text.js';

const INT8_OID = 20;
const ARRAY_TYPES: Record<BulkColumnType, string> = { text: 'text[]', double: 'float8[]', bigint: 'int8[]', integer: 'int4[]' };
const NUMERIC_OID = 1700;
const SCALAR_TYPES: Record<BulkColumnType, string> = { text: 'text', double: 'double precision', bigint: 'bigint', integer: 'integer' };

/**
 * PostgreSQL through `pg`. int8 columns (epoch-ms times) are read as JS numbers: they stay below 2^53.
 *
 * @example
 * const dialect = new PostgresDialect('postgresql://postgres@127.0.0.1:5432/loupe');
 */
export class PostgresDialect implements SqlDialect {
  readonly name = 'postgresql';

  constructor(
    private readonly uri: string,
    private readonly poolSize = 10,
  ) {}

  createKysely(): Kysely<Database> {
    const pool = new pg.Pool({
      connectionString: this.uri.replace(/^postgresql\+\w+:/, 'postgresql:'),
      max: this.poolSize,
      // No JIT: Loupe's statements are short, and compiling one whose estimate crosses jit_above_cost
      // (a search over a large, churning table) cost 450 ms to save nothing (ADR 0006).
      options: '-c jit=off',
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID || oid === NUMERIC_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client's connection error must not crash the process; the pool replaces the client.
    pool.on('error', () => {});
    return new Kysely<Database>({ dialect: new KyselyPostgresDialect({ pool }) });
  }

  readonly idColumnType = 'bigint';

  idColumn: SqlDialect['idColumn'] = (c) => c.primaryKey().generatedByDefaultAsIdentity();

  // PostgreSQL tables are heaps with separate indexes; there is no rowid to drop.
  clusterByPrimaryKey: SqlDialect['clusterByPrimaryKey'] = (table) => table;

  bulkInsert: SqlDialect['bulkInsert'] = async (executor, insert) => {
    if (insert.rows.length === 0) return;
    const columns = insert.columns.map((c) => quoteIdentifier(c.name)).join(', ');
    const arrays = insert.columns.map((c, i) => `$${i + 1}::${ARRAY_TYPES[c.type]}`).join(', ');
    const text = `insert into ${quoteIdentifier(insert.table)} (${columns}) select * from unnest(${arrays})${conflictClause(insert)}`;
    const parameters = insert.columns.map((_, i) => insert.rows.map((row) => row[i]));
    await executor.getExecutor().executeQuery(CompiledQuery.raw(text, parameters));
  };

  rowsFromJson: SqlDialect['rowsFromJson'] = (rows, columns) =>
    sql`(select * from json_to_recordset(cast(${JSON.stringify(rows)} as json)) as x(${sql.raw(columns.map((c) => `${quoteIdentifier(c.name)} ${SCALAR_TYPES[c.type]}`).join(', '))}))`;

  ilike: SqlDialect['ilike'] = (lhs, pattern) => sql<boolean>`${lhs} ilike ${pattern}`;

  // PostgreSQL's own regular expressions (POSIX ARE): an invalid one fails as it runs (inputError).
  regexp: SqlDialect['regexp'] = (lhs, pattern) => sql<boolean>`${lhs} ~ ${pattern}`;

  percentile: SqlDialect['percentile'] = (value, fraction) => sql`percentile_cont(cast(${fraction} as double precision)) within group (order by ${value})`;

  jsonAttributeMatches: SqlDialect['jsonAttributeMatches'] = (json, key, match) =>
    sql<boolean>`exists (select 1 from jsonb_array_elements((${json})::jsonb -> 'attributes') a
      where a ->> 'key' = ${key} and ${match(sql`(a -> 'value' ->> 'string_value')`)})`;

  inputError(err: unknown): ApiError | undefined {
    const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
    // invalid_regular_expression, invalid_escape_sequence, invalid_escape_character
    if (code === '2201B' || code === '22025' || code === '22019') return ApiError.invalid(`Invalid pattern in the filter: ${String(message)}.`);
    return undefined;
  }

  isUniqueViolation(err: unknown): boolean {
    return (err as { code?: unknown } | null)?.code === '23505';
  }

  isRetryableConflict(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    return code === '40P01' || code === '40001';
  }

  readonly ingestWriters = 2;

  readonly spanTextIndex = new PostgresSpanTextIndex();

  readonly locking: RowLocking = {
    writeTransaction: (db, fn) => db.transaction().execute(fn),
    forUpdate: sql`for update`,
    forUpdateSkipLocked: sql`for update skip locked`,
  };
}
