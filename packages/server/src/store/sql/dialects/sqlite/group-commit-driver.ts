import {
  type CompiledQuery,
  SqliteDialect as KyselySqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';

/** A better-sqlite3 database as this driver needs it: Kysely's interface plus its transaction flag. */
export interface GroupCommitDatabase extends SqliteDatabase {
  readonly inTransaction: boolean;
}

/** Kinds of compiled queries that write rows: outside a transaction they join the open group. */
const DML = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

/** Transactions that joined one group at most: a group never grows without bound while writers keep coming. */
const MAX_GROUP = 256;

/** A mutex that hands the connection over in the order it was asked for. */
class FifoMutex {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  lock(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  unlock(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

/** One open outer transaction and the writers waiting for its COMMIT. */
interface Group {
  members: number;
  /** Set when SQLite rolled the whole transaction back under a member (disk full, I/O error). */
  broken?: unknown;
  readonly done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function openGroup(): Group {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A group nobody waits on (all members failed) must not raise an unhandled rejection.
  done.catch(() => undefined);
  return { members: 0, done, resolve, reject };
}

/**
 * Group commit for SQLite: transactions that arrive while one is being written share its COMMIT,
 * and so its fsync (with `synchronous=FULL` the fsync is most of a small write's cost, and it blocks
 * the event loop). The first writer opens an outer transaction (`BEGIN IMMEDIATE`); each Kysely
 * transaction runs inside it as a savepoint (a failed one rolls back alone), and so does each
 * single write statement outside a transaction. The outer transaction commits on the next turn of
 * the event loop once the connection is free (or after {@link MAX_GROUP} members), and every member
 * is answered only after that COMMIT: an acknowledged write is on disk, as before. Reads that run
 * while a group is open see its writes, so they too wait for the COMMIT. Raw statements outside a
 * transaction (`pragma`, `begin immediate` of callers that manage their own transaction) first
 * commit the open group, then run alone, as they always did.
 *
 * @example
 * new Kysely<Database>({ dialect: new GroupCommitSqliteDialect({ database: managedConnection(db) }) });
 */
export class GroupCommitSqliteDriver implements Driver {
  private readonly mutex = new FifoMutex();
  private db!: GroupCommitDatabase;
  private connection!: GroupCommitConnection;
  private commitScheduled = false;

  constructor(private readonly config: SqliteDialectConfig) {}

  async init(): Promise<void> {
    const database = this.config.database;
    this.db = (typeof database === 'function' ? await database() : database) as GroupCommitDatabase;
    if (typeof this.db.inTransaction !== 'boolean') throw new TypeError('GroupCommitSqliteDriver needs a database that reports inTransaction (better-sqlite3)');
    this.connection = new GroupCommitConnection(this.db);
    if (this.config.onCreateConnection) await this.config.onCreateConnection(this.connection);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    this.connection.joined = undefined;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupCommitConnection;
    conn.join();
    conn.run('savepoint loupe_group_tx');
    conn.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupCommitConnection;
    conn.inTransaction = false;
    conn.run('release loupe_group_tx');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupCommitConnection;
    conn.inTransaction = false;
    if (!this.db.inTransaction) return conn.markBroken(new Error('SQLite rolled back the transaction'));
    conn.run('rollback to loupe_group_tx');
    conn.run('release loupe_group_tx');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupCommitConnection;
    const group = conn.joined;
    conn.joined = undefined;
    if (conn.inTransaction) {
      // A transaction left open (its callback never returned to Kysely): give its work back.
      conn.inTransaction = false;
      if (this.db.inTransaction) conn.run('rollback to loupe_group_tx');
    }
    if (group && conn.group === group && group.members >= MAX_GROUP) conn.commitGroup();
    this.mutex.unlock();
    if (!group) return;
    this.scheduleCommit();
    await group.done;
  }

  async destroy(): Promise<void> {
    await this.mutex.lock();
    try {
      this.connection?.commitGroup();
    } finally {
      this.mutex.unlock();
      this.db?.close();
    }
  }

  /** Commits the open group on the next turn, once the members already queued for the connection had their turn. */
  private scheduleCommit(): void {
    if (this.commitScheduled || !this.connection.group) return;
    this.commitScheduled = true;
    setImmediate(() => {
      void this.mutex.lock().then(() => {
        this.commitScheduled = false;
        try {
          this.connection.commitGroup();
        } finally {
          this.mutex.unlock();
        }
      });
    });
  }
}

class GroupCommitConnection implements DatabaseConnection {
  /** The open outer transaction, if any. */
  group: Group | undefined;
  /** The group the current holder of the connection joined (it waits for that group's COMMIT). */
  joined: Group | undefined;
  /** A Kysely transaction is running (as a savepoint of the group). */
  inTransaction = false;

  constructor(private readonly db: GroupCommitDatabase) {}

  /** Runs a statement that returns nothing. */
  run(text: string): void {
    this.db.prepare(text).run([]);
  }

  /** Opens the group if none is open (taking the write lock now, so its members never meet SQLITE_BUSY midway) and joins it. */
  join(): void {
    if (!this.group) {
      this.run('begin immediate');
      this.group = openGroup();
    }
    if (this.joined !== this.group) {
      this.joined = this.group;
      this.group.members++;
    }
  }

  /** SQLite gave the outer transaction up under a member: its members fail, the next writer opens a new one. */
  markBroken(cause: unknown): void {
    const group = this.group;
    if (!group) return;
    this.group = undefined;
    group.broken = cause;
    group.reject(cause);
  }

  /** Commits the open group and answers its members (the error of a failed COMMIT goes to each). */
  commitGroup(): void {
    const group = this.group;
    if (!group) return;
    this.group = undefined;
    try {
      this.run('commit');
      group.resolve();
    } catch (err) {
      if (this.db.inTransaction) {
        try {
          this.run('rollback');
        } catch {
          // Already gone.
        }
      }
      group.reject(err);
    }
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql: text, parameters, query } = compiledQuery;
    const stmt = this.db.prepare(text);
    // Outside a Kysely transaction, and not inside a transaction the caller began with raw SQL:
    if (!this.inTransaction && (this.group || !this.db.inTransaction)) {
      if (DML.has(query.kind)) this.join();
      else if (this.group) {
        // A read sees the open group's writes: it answers once they are committed.
        if (stmt.reader) this.join();
        // A raw statement (pragma, a caller's own `begin immediate`) runs outside any group.
        else this.commitGroup();
      }
    }
    try {
      if (stmt.reader) return Promise.resolve({ rows: stmt.all(parameters) as R[] });
      const { changes, lastInsertRowid } = stmt.run(parameters);
      return Promise.resolve({
        numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
        insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
        rows: [],
      });
    } catch (err) {
      if (this.group && !this.db.inTransaction) this.markBroken(err);
      return Promise.reject(err);
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (const row of rows) yield { rows: [row] };
  }
}

/**
 * Kysely's SQLite dialect with {@link GroupCommitSqliteDriver}.
 *
 * @example
 * new Kysely<Database>({ dialect: new GroupCommitSqliteDialect({ database: managedConnection(db) }) });
 */
export class GroupCommitSqliteDialect extends KyselySqliteDialect {
  constructor(private readonly groupConfig: SqliteDialectConfig) {
    super(groupConfig);
  }

  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.groupConfig);
  }
}
