import { createHash } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect as KyselyPostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ApiError } from '@loupe/protocol';
import type { Database } from '../../schema.js';
import { BackendStoreUriError, redactUri } from '../backend-store-uri-error.js';
import { conflictClause, quoteIdentifier, type BulkColumnType, type RowLocking, type SqlDialect } from '../sql-dialect.js';
import { PostgresSpanTextIndex } from './postgres-span-text.js';

const INT8_OID = 20;
const ARRAY_TYPES: Record<BulkColumnType, string> = { text: 'text[]', double: 'float8[]', bigint: 'int8[]', integer: 'int4[]' };
const NUMERIC_OID = 1700;
const SCALAR_TYPES: Record<BulkColumnType, string> = { text: 'text', double: 'double precision', bigint: 'bigint', integer: 'integer' };

/**
 * The 64-bit advisory lock key of a name: the first 8 bytes of its SHA-256, prefixed so Loupe's keys
 * stay clear of other applications' on a shared database.
 *
 * @example
 * advisoryLockKey('trace-retention'); // '-4411...' (a signed 64-bit integer, as text)
 */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(`loupe:${name}`).digest().readBigInt64BE(0).toString();
}

const POSTGRES_FORM = 'postgresql://user:password@host:5432/database';

/** `host:port/database` of a PostgreSQL URI, after checking that it parses and names a database. */
function postgresLocation(connectionString: string, uri: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new BackendStoreUriError(`the PostgreSQL URI '${redactUri(uri)}' does not parse: use ${POSTGRES_FORM} (percent-encode @, : and / in the password)`);
  }
  const database = url.pathname.replace(/^\//, '');
  const host = url.hostname || url.searchParams.get('host') || '';
  const missing = [host ? '' : 'host', database ? '' : 'database'].filter(Boolean).join(' and no ');
  if (missing) throw new BackendStoreUriError(`the PostgreSQL URI '${redactUri(uri)}' names no ${missing}: use ${POSTGRES_FORM}`);
  return `${host}:${url.port || '5432'}/${database}`;
}

/**
 * PostgreSQL through `pg`. int8 columns (epoch-ms times) are read as JS numbers: they stay below 2^53.
 *
 * @example
 * const dialect = new PostgresDialect('postgresql://postgres@127.0.0.1:5432/loupe');
 */
export class PostgresDialect implements SqlDialect {
  readonly name = 'postgresql';
  /** `host:port/database`, for messages (never the user or password). */
  readonly location: string;
  private readonly connectionString: string;

  /** Throws {@link BackendStoreUriError} for a URI that does not parse or names no database. */
  constructor(
    uri: string,
    private readonly poolSize = 10,
  ) {
    // MLflow's SQLAlchemy URIs may name a driver (postgresql+psycopg2://); pg takes the plain scheme.
    this.connectionString = uri.replace(/^postgres(ql)?(\+\w+)?:/i, 'postgresql:');
    this.location = postgresLocation(this.connectionString, uri);
  }

  createKysely(): Kysely<Database> {
    const pool = new pg.Pool({
      connectionString: this.connectionString,
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
    // Nor may a checked-out client's (pg-pool listens only while a client is idle): a connection that
    // dies between two statements of a transaction, or while it holds an advisory lock, emits 'error'
    // with no query to fail. Its next statement fails instead, and the pool drops it when released.
    pool.on('connect', (client) => client.on('error', () => {}));
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

  // PostgreSQL's own regular expressions (POSIX ARE, as MLflow's PostgreSQL store runs RLIKE), in the
  // database's process, not on the server's thread. The filter parser has refused what SQLite's RE2
  // cannot run (backreferences, lookaround, ...) so both backends refuse the same patterns; one ARE
  // finds invalid fails as it runs (inputError).
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
    tryExclusive: (db, name, fn) =>
      db.connection().execute(async (conn) => {
        const key = advisoryLockKey(name);
        const { rows } = await sql<{ got: boolean }>`select pg_try_advisory_lock(cast(${key} as bigint)) as got`.execute(conn);
        if (rows[0]?.got !== true) return { ran: false };
        try {
          return { ran: true, value: await fn() };
        } finally {
          await sql`select pg_advisory_unlock(cast(${key} as bigint))`.execute(conn);
        }
      }),
  };
}
