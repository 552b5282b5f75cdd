import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { ApiError } from '@loupe/protocol';
import { CompiledQuery, Kysely, sql } from 'kysely';
import { GroupCommitSqliteDialect, type GroupCommitDatabase } from './group-commit-driver.js';
import { systemClock, type Clock } from '../../../../clock.js';
import { ensureWritableFolder } from '../../../writable-folder.js';
import { BackendStoreUriError } from '../backend-store-uri-error.js';
import type { Database } from '../../schema.js';
import { conflictClause, quoteIdentifier, type BulkInsert, type RowLocking, type SqlDialect } from '../sql-dialect.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteRegexps } from './sqlite-regexp.js';
import { SqliteSpanTextIndex } from './sqlite-span-text.js';

/**
 * The file path in a `sqlite://` URI, MLflow style: `sqlite:///rel/path.db` (relative),
 * `sqlite:////abs/path.db` (absolute), `sqlite:///:memory:` or `sqlite://` (in memory).
 *
 * @example
 * sqliteFilePath('sqlite:////tmp/x.db'); // '/tmp/x.db'
 */
export function sqliteFilePath(uri: string): string {
  const rest = uri.replace(/^sqlite:\/\//, '');
  if (rest === '' || rest === '/' || rest === '/:memory:' || rest === ':memory:') return ':memory:';
  if (!rest.startsWith('/'))
    throw new BackendStoreUriError(`the SQLite URI '${uri}' is malformed: use sqlite:///relative/path.db or sqlite:////absolute/path.db`);
  return rest.slice(1);
}

/** Prepared statements kept per connection; SQL texts vary with list lengths, so the cache is bounded. */
const STATEMENT_CACHE_SIZE = 256;
/** How often the query planner's statistics are refreshed (a no-op when nothing changed much). */
const OPTIMIZE_INTERVAL_MS = 5 * 60_000;

/**
 * Wraps a better-sqlite3 database for Kysely: `prepare` reuses statements by SQL text (Kysely prepares
 * every query anew, and preparing a 500-row INSERT costs more than running it; reuse is safe because
 * Kysely runs each statement to completion before the next), and the planner's statistics are kept
 * fresh with `PRAGMA optimize`, as SQLite recommends for long-lived connections. Without statistics
 * the planner drives a filtered, ordered run search from the filter and sorts, instead of walking the
 * order's index: 470 ms instead of 2 ms over 100,000 runs (docs/benchmarks.md).
 *
 * @example
 * new GroupCommitSqliteDialect({ database: managedConnection(new BetterSqlite3(file)) });
 */
export function managedConnection(db: BetterSqlite3.Database, options: { cacheSize?: number; onClose?: () => void; clock?: Clock } = {}): GroupCommitDatabase {
  const cacheSize = options.cacheSize ?? STATEMENT_CACHE_SIZE;
  const cache = new Map<string, BetterSqlite3.Statement>();
  // Full statistics (no analysis_limit): sampled ones mislead the planner on skewed metric indexes.
  // optimize only re-analyzes a table whose size changed many-fold, so this cost is rare after the first.
  db.pragma('optimize = 0x10002');
  const optimizer = (options.clock ?? systemClock).setInterval(() => {
    try {
      db.pragma('optimize');
    } catch {
      // Busy or closing: the next round retries.
    }
  }, OPTIMIZE_INTERVAL_MS);
  return {
    get inTransaction() {
      return db.inTransaction;
    },
    close: () => {
      optimizer.cancel();
      options.onClose?.();
      try {
        db.pragma('optimize');
      } catch {
        // Closing anyway.
      }
      db.close();
    },
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText);
      } else {
        stmt = db.prepare(sqlText);
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

/**
 * SQLite through better-sqlite3: WAL, a busy timeout, foreign keys on, case-sensitive LIKE (MLflow's
 * semantics) and a REGEXP function on RE2 (`SqliteRegexps`).
 *
 * @example
 * const dialect = new SqliteDialect('sqlite:///./loupe-data/loupe.db');
 */
/**
 * The continuous percentile of `values` at `fraction` (0 to 1), as PostgreSQL's `percentile_cont`;
 * null for no values.
 *
 * @example
 * percentileCont([1, 2, 10], 0.5); // 2
 */
export function percentileCont(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const position = Math.min(1, Math.max(0, fraction)) * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  const low = sorted[lo] as number;
  return low + ((sorted[hi] as number) - low) * (position - lo);
}

export class SqliteDialect implements SqlDialect {
  readonly name = 'sqlite';
  /** The database file's absolute path, or `:memory:`. */
  readonly location: string;
  private readonly file: string;

  /** Throws {@link BackendStoreUriError} for a malformed `sqlite:` URI. */
  constructor(
    uri: string,
    /** `clock` times the connection's upkeep (statistics refresh, WAL checks). */
    private readonly options: { clock?: Clock } = {},
  ) {
    this.file = sqliteFilePath(uri);
    this.location = this.file === ':memory:' ? this.file : path.resolve(this.file);
  }

  /** Creates the database's folder when missing; fails with the file system's error when it cannot be written (SQLite writes its WAL beside the file). */
  createKysely(): Kysely<Database> {
    const file = this.file;
    if (file !== ':memory:') ensureWritableFolder(path.dirname(this.location));
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // FULL: a commit is on disk before the request is acknowledged (a 200 means committed).
    db.pragma('synchronous = FULL');
    // Checkpoint every ~80 MB of WAL instead of 4 MB: a page written by many commits is copied back
    // once (ingest +25% on the trace benchmark); the WAL file stays bounded. A worker thread copies
    // pages back meanwhile (SqliteCheckpointer), so this checkpoint finds little left to do.
    db.pragma('wal_autocheckpoint = 20000');
    const checkpointer = file === ':memory:' ? undefined : new SqliteCheckpointer(path.resolve(file), { clock: this.options.clock });
    db.pragma('case_sensitive_like = ON');
    // RE2, linear in the text: a user's pattern cannot stall the server. A refused pattern's ApiError
    // is thrown through SQLite to the caller as it is: a 400, not a 500.
    db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => this.regexps.matches(pattern, value));
    // percentile_cont as PostgreSQL computes it: linear interpolation between the closest ranks.
    type PercentileState = { values: number[]; fraction: number };
    const percentileAggregate = {
      start: (): PercentileState => ({ values: [], fraction: 0.5 }),
      step: (state: PercentileState, value: unknown, fraction: unknown) => {
        if (typeof value === 'number' || typeof value === 'bigint') state.values.push(Number(value));
        if (typeof fraction === 'number') state.fraction = fraction;
        return state;
      },
      result: (state: PercentileState) => percentileCont(state.values, state.fraction),
    };
    db.aggregate('loupe_percentile', percentileAggregate as unknown as Parameters<typeof db.aggregate>[1]);
    return new Kysely<Database>({
      dialect: new GroupCommitSqliteDialect({ database: managedConnection(db, { clock: this.options.clock, onClose: () => void checkpointer?.stop() }) }),
    });
  }

  readonly idColumnType = 'integer';

  idColumn: SqlDialect['idColumn'] = (c) => c.primaryKey().autoIncrement();

  clusterByPrimaryKey: SqlDialect['clusterByPrimaryKey'] = (table) => table.modifyEnd(sql`without rowid`);

  bulkInsert: SqlDialect['bulkInsert'] = async (executor, insert) => {
    const width = insert.columns.length;
    // Chunks stay below SQLite's bound-parameter limit (32,766); equal chunks share one statement text.
    const perChunk = Math.max(1, Math.floor(32_000 / width / 100) * 100);
    for (let i = 0; i < insert.rows.length; i += perChunk) {
      const part = insert.rows.slice(i, i + perChunk);
      const params: unknown[] = [];
      for (const row of part) for (const value of row) params.push(value);
      await executor.getExecutor().executeQuery(CompiledQuery.raw(this.bulkInsertText(insert, part.length), params));
    }
  };

  private readonly bulkTexts = new Map<string, string>();

  /** The INSERT text for `rows` rows, built once per table and row count. */
  private bulkInsertText(insert: BulkInsert, rows: number): string {
    const cacheKey = `${insert.table}(${insert.columns.map((c) => c.name).join()})${rows}${insert.onConflict ?? 'nothing'}`;
    let text = this.bulkTexts.get(cacheKey);
    if (!text) {
      const row = `(${new Array(insert.columns.length).fill('?').join(', ')})`;
      text =
        `insert into ${quoteIdentifier(insert.table)} (${insert.columns.map((c) => quoteIdentifier(c.name)).join(', ')}) values ` +
        new Array(rows).fill(row).join(', ') +
        conflictClause(insert);
      if (this.bulkTexts.size >= 64) this.bulkTexts.clear();
      this.bulkTexts.set(cacheKey, text);
    }
    return text;
  }

  readonly spanTextIndex = new SqliteSpanTextIndex();

  percentile: SqlDialect['percentile'] = (value, fraction) => sql`loupe_percentile(${value}, ${fraction})`;

  ilike: SqlDialect['ilike'] = (lhs, pattern) => sql<boolean>`lower(${lhs}) like lower(${pattern})`;

  private readonly regexps = new SqliteRegexps();

  // The REGEXP function compiles with the same cache: compiling the pattern here tells exactly whether it is valid.
  regexp: SqlDialect['regexp'] = (lhs, pattern) => {
    this.regexps.compileOrThrow(pattern);
    return sql<boolean>`${lhs} regexp ${pattern}`;
  };

  rowsFromJson: SqlDialect['rowsFromJson'] = (rows, columns) =>
    sql`(select ${sql.join(columns.map((c) => sql`json_extract(value, ${`$.${c.name}`}) as ${sql.id(c.name)}`))} from json_each(${JSON.stringify(rows)}))`;

  jsonAttributeMatches: SqlDialect['jsonAttributeMatches'] = (json, key, match) =>
    sql<boolean>`exists (select 1 from json_each(${json}, '$.attributes') a
      where json_extract(a.value, '$.key') = ${key} and ${match(sql`json_extract(a.value, '$.value.string_value')`)})`;

  // Invalid patterns are refused inside the REGEXP function itself, as an ApiError.
  inputError(): ApiError | undefined {
    return undefined;
  }

  isUniqueViolation(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  // One writer: SQLITE_BUSY waits (busy_timeout) instead of deadlocking.
  isRetryableConflict(): boolean {
    return false;
  }

  readonly ingestWriters = 1;

  readonly locking: RowLocking = {
    // A deferred transaction that reads first and then writes fails with SQLITE_BUSY (no wait) when
    // another process wrote in between; taking the write lock up front makes it wait its turn instead.
    writeTransaction: (db, fn) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw err;
        }
      }),
    forUpdate: sql``,
    forUpdateSkipLocked: sql``,
    tryExclusive: async (_db, _name, fn) => ({ ran: true, value: await fn() }),
  };
}
