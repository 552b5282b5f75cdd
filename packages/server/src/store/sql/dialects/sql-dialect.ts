import type { ColumnDefinitionBuilder, CreateTableBuilder, Expression, Kysely, QueryExecutorProvider, RawBuilder, SqlBool } from 'kysely';
import type { ApiError } from '@loupe/protocol';
import type { Database } from '../schema.js';
import type { ExclusiveOutcome } from '../../exclusive-work.js';

/** Column types a bulk insert binds. */
export type BulkColumnType = 'text' | 'double' | 'bigint' | 'integer';

/** A bulk insert: table and column names are trusted identifiers from the store, never input. */
export interface BulkInsert {
  table: string;
  columns: readonly { name: string; type: BulkColumnType }[];
  conflictColumns: readonly string[];
  rows: readonly (readonly unknown[])[];
  /** On a key conflict: keep the existing row (default) or overwrite its other columns. */
  onConflict?: 'nothing' | 'update';
}

/**
 * The `ON CONFLICT` clause of a bulk insert.
 *
 * @example
 * conflictClause({ table: 't', columns: [{ name: 'k', type: 'text' }, { name: 'v', type: 'text' }], conflictColumns: ['k'], rows: [], onConflict: 'update' });
 * // ' on conflict ("k") do update set "v" = excluded."v"'
 */
export function conflictClause(insert: BulkInsert): string {
  const target = ` on conflict (${insert.conflictColumns.map(quoteIdentifier).join(', ')})`;
  const others = insert.columns.filter((c) => !insert.conflictColumns.includes(c.name));
  if (insert.onConflict !== 'update' || others.length === 0) return `${target} do nothing`;
  return `${target} do update set ${others.map((c) => `${quoteIdentifier(c.name)} = excluded.${quoteIdentifier(c.name)}`).join(', ')}`;
}

/** `"name"`: quotes a trusted identifier for hand-built SQL text. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A span that a write touched, by its trace's integer key. */
export interface SpanKey {
  traceKey: number;
  spanId: string;
}

/**
 * A full-text index over span documents that `trace.text LIKE` searches start from when a pattern is
 * rare (ADR 0004, ADR 0006). It is filled behind ingest, so ingest never pays for it: spans it does
 * not cover yet are named by {@link SpanTextIndex.notIndexed} and scanned.
 */
export interface SpanTextIndex {
  /**
   * A subquery of the spans whose text may match `pattern` (every true match and possibly more:
   * re-check with the comparison itself), for a bounded count and for {@link candidateSpan}. Undefined
   * when the index cannot answer (no literal run of 3 characters, or a case the index cannot fold).
   */
  candidates(pattern: string, op: 'LIKE' | 'ILIKE'): RawBuilder<unknown> | undefined;
  /**
   * How many candidates weigh as one match when a bounded count decides whether a pattern is rare
   * enough to start from the index: 1 where candidates are spans the index named one by one (SQLite),
   * more where a chunk of spans comes along with each hit (PostgreSQL).
   */
  readonly candidatesPerMatch: number;
  /**
   * A cheap look at whether `pattern` is common among the newest spans, where the index has a quicker
   * way to tell than counting its candidates (a GIN lookup evaluates every entry before a LIMIT
   * applies). True: walk traces newest first without counting.
   */
  looksCommon?(db: Kysely<Database>, pattern: string, op: 'LIKE' | 'ILIKE'): Promise<boolean>;
  /** A predicate over the span alias `s`: the span is one of `candidates`. */
  candidateSpan(candidates: RawBuilder<unknown>): RawBuilder<unknown>;
  /**
   * Predicates over the span alias `s` that together name the spans the index does not cover yet;
   * each is queried on its own (`UNION ALL`), so each keeps its own index (an OR of them would scan).
   */
  notIndexed(): RawBuilder<unknown>[];
  /** Called in the transaction that inserted or replaced spans: whatever the index needs to find them later. */
  noteWritten(tx: QueryExecutorProvider, spans: readonly SpanKey[]): Promise<void>;
  /** Called in the transaction that deleted the spans of these traces (their keys are never reused). */
  noteDeleted(tx: QueryExecutorProvider, traceKeys: readonly number[]): Promise<void>;
  /** Indexes up to `max` spans that are new or changed; returns how many it took (0: caught up). */
  indexBatch(db: Kysely<Database>, max: number): Promise<number>;
}

/**
 * What differs between the databases Loupe runs on. Each implementation lives in its own folder
 * (`sqlite/`, `postgres/`); store code calls these and never branches on the dialect's name.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgresql';
  /** Where the database is, for start-up messages: a SQLite file's absolute path, PostgreSQL's `host:port/database`; never a password. */
  readonly location: string;
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
  /**
   * Inserts many rows, skipping rows whose `conflictColumns` already exist, in as few statements as
   * the database allows and without building a query tree per value: SQLite runs multi-row VALUES
   * whose text is reused per row count (cached prepared statements), PostgreSQL one
   * `INSERT ... SELECT * FROM unnest(...)` with an array per column (nine parameters, not 9,000).
   */
  bulkInsert(executor: QueryExecutorProvider, insert: BulkInsert): Promise<void>;
  /**
   * Rows passed as one JSON parameter, as a table source with the given columns: one bound value and
   * one short statement whatever the row count (a VALUES list of a few hundred rows costs PostgreSQL
   * more to parse and plan than to run).
   */
  rowsFromJson(rows: readonly Record<string, unknown>[], columns: readonly { name: string; type: BulkColumnType }[]): RawBuilder<unknown>;
  /** Case-insensitive LIKE. */
  ilike(lhs: Expression<unknown>, pattern: Expression<unknown>): Expression<SqlBool>;
  /**
   * Regular-expression match (RLIKE): true when `pattern` matches anywhere in the value (a search, as
   * Python's `re.search`), in time linear in the value's length. A pattern the dialect can tell is
   * invalid is refused here, with a 400; the filter parser has already refused backtracking-only
   * constructs and oversized patterns (`regexPatternProblem`).
   */
  regexp(lhs: Expression<unknown>, pattern: string): Expression<SqlBool>;
  /**
   * The client's mistake behind a database error, when it is one: a filter pattern the database
   * refuses as it evaluates it (an invalid regular expression, a LIKE pattern ending in its escape
   * character). Undefined for every other error. Stores run their searches through
   * `translateInputErrors`, which throws this instead.
   */
  inputError(err: unknown): ApiError | undefined;
  /** Is this error a unique-constraint violation? */
  isUniqueViolation(err: unknown): boolean;
  /** Is this error a deadlock or serialization failure, after which the whole transaction may simply run again? */
  isRetryableConflict(err: unknown): boolean;
  /**
   * How many ingest group commits may run at once: 1 on SQLite (one writer per database, and a
   * transaction there never yields), more on PostgreSQL, where one group's statements travel and run
   * on the server while the next group is built.
   */
  readonly ingestWriters: number;
  /**
   * EXISTS over the OTel attribute list (`[{key, value: {string_value}}]`) stored under `attributes`
   * in the JSON text `json`: true when the entry named `key` has a string value for which `match` holds.
   */
  jsonAttributeMatches(json: Expression<unknown>, key: string, match: (value: Expression<unknown>) => Expression<SqlBool>): Expression<SqlBool>;
  /** The continuous percentile (`percentile_cont`, linear interpolation) of `value` at `fraction` (0 to 1), as an aggregate. */
  percentile(value: Expression<unknown>, fraction: number): RawBuilder<unknown>;
  /** The span text index, where this database has one that is filled behind ingest. */
  readonly spanTextIndex?: SpanTextIndex;
  /** How a read-then-write keeps other servers out (job claims, the webhook fan-out cursor). */
  readonly locking: RowLocking;
}

/**
 * Exclusive access for a read-then-write that several servers run against one database: PostgreSQL
 * locks the rows read (`for update`, or `for update skip locked` to pass over rows another server
 * holds); SQLite has no row locks but one writer, so its transaction takes the write lock before its
 * first read (`begin immediate`) and the row-lock clauses are empty.
 */
export interface RowLocking {
  /** Runs `fn` in a transaction that holds the write lock from its first statement where the database needs that (SQLite). */
  writeTransaction<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Appended to a SELECT: lock the rows read until commit. */
  readonly forUpdate: RawBuilder<unknown>;
  /** Appended to a SELECT: lock the rows read, skipping rows another transaction holds. */
  readonly forUpdateSkipLocked: RawBuilder<unknown>;
  /**
   * Runs `fn` unless another server holds the lock `name` now. PostgreSQL: a session advisory lock
   * (`pg_try_advisory_lock`) held on one pooled connection while `fn` runs on the others, so a server
   * that dies lets go with its connection. SQLite: `fn` runs (one server per database file; its
   * writes take turns anyway).
   */
  tryExclusive<T>(db: Kysely<Database>, name: string, fn: () => Promise<T>): Promise<ExclusiveOutcome<T>>;
}
