import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitSqliteDialect, type GroupCommitDatabase } from './group-commit-driver.js';

interface Db {
  items: { id: number; name: string; parent: number | null };
}

describe('GroupCommitSqliteDriver (SQLite group commit)', () => {
  let dir: string;
  let file: string;
  let raw: BetterSqlite3.Database;
  let db: Kysely<Db>;
  /** COMMIT statements SQLite ran on the driver's connection. */
  let commits: number;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-group-commit-'));
    file = path.join(dir, 'test.db');
    raw = new BetterSqlite3(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    commits = 0;
    // Counts what the driver runs; the statements themselves are SQLite's own.
    const database: GroupCommitDatabase = {
      get inTransaction() {
        return raw.inTransaction;
      },
      close: () => raw.close(),
      prepare: (text: string) => {
        if (text.trim().toLowerCase() === 'commit') commits++;
        return raw.prepare(text);
      },
    };
    db = new Kysely<Db>({ dialect: new GroupCommitSqliteDialect({ database }) });
    await sql`create table items (id integer primary key, name text not null unique,
      parent integer references items (id) deferrable initially deferred)`.execute(db);
    commits = 0;
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What another connection (another process, after a crash) finds on disk. */
  function onDisk(): string[] {
    const other = new BetterSqlite3(file, { readonly: true });
    try {
      return (other.prepare('select name from items order by id').all() as { name: string }[]).map((r) => r.name);
    } finally {
      other.close();
    }
  }

  it('commits concurrent transactions and single writes together, and answers each once its write is on disk', async () => {
    const writes = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? db.transaction().execute(async (tx) => {
            await tx
              .insertInto('items')
              .values({ id: i + 1, name: `t${i}`, parent: null })
              .execute();
            return i;
          })
        : db
            .insertInto('items')
            .values({ id: i + 1, name: `w${i}`, parent: null })
            .execute()
            .then(() => i),
    );
    const seen: number[] = [];
    await Promise.all(writes.map((w) => w.then((i) => seen.push(onDisk().length >= i + 1 ? i : -1))));
    expect(seen.filter((i) => i < 0)).toEqual([]);
    expect(onDisk()).toHaveLength(40);
    // One COMMIT (and one fsync) for the lot instead of forty.
    expect(commits).toBe(1);
  });

  it('rolls a failed transaction back alone: the others of its group are committed', async () => {
    const results = await Promise.allSettled([
      db.transaction().execute(async (tx) => {
        await tx.insertInto('items').values({ id: 1, name: 'kept-1', parent: null }).execute();
      }),
      db.transaction().execute(async (tx) => {
        await tx.insertInto('items').values({ id: 2, name: 'undone', parent: null }).execute();
        throw new Error('the caller changed its mind');
      }),
      db.transaction().execute(async (tx) => {
        await tx.insertInto('items').values({ id: 3, name: 'kept-1', parent: null }).execute();
      }),
      db.insertInto('items').values({ id: 4, name: 'kept-2', parent: null }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(onDisk()).toEqual(['kept-1', 'kept-2']);
    expect(commits).toBe(1);
  });

  it('reads made while a group is open see its writes and answer after its COMMIT', async () => {
    const write = db.insertInto('items').values({ id: 1, name: 'a', parent: null }).execute();
    const read = db
      .selectFrom('items')
      .select('name')
      .execute()
      .then((rows) => ({ rows, disk: onDisk() }));
    await write;
    expect(await read).toEqual({ rows: [{ name: 'a' }], disk: ['a'] });
  });

  it('runs raw statements of callers that manage their own transaction outside any group', async () => {
    const grouped = db.insertInto('items').values({ id: 1, name: 'grouped', parent: null }).execute();
    const own = db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      await conn.insertInto('items').values({ id: 2, name: 'own', parent: null }).execute();
      await sql`commit`.execute(conn);
    });
    await Promise.all([grouped, own]);
    expect(onDisk()).toEqual(['grouped', 'own']);
    // The open group committed before the caller's BEGIN, then the caller's own COMMIT.
    expect(commits).toBe(2);
  });

  it('fails every member of a group whose COMMIT fails, and writes none of them', async () => {
    const results = await Promise.allSettled([
      db.insertInto('items').values({ id: 1, name: 'innocent', parent: null }).execute(),
      // A deferred foreign key is checked at COMMIT: the group's COMMIT fails.
      db.transaction().execute(async (tx) => {
        await tx.insertInto('items').values({ id: 2, name: 'orphan', parent: 99 }).execute();
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(onDisk()).toEqual([]);
    // The connection works on: the next write opens a new group.
    await db.insertInto('items').values({ id: 3, name: 'after', parent: null }).execute();
    expect(onDisk()).toEqual(['after']);
  });

  it('commits the open group when the database is closed', async () => {
    const write = db.insertInto('items').values({ id: 1, name: 'last', parent: null }).execute();
    await db.destroy();
    await write;
    expect(onDisk()).toEqual(['last']);
    db = new Kysely<Db>({ dialect: new GroupCommitSqliteDialect({ database: Object.assign(new BetterSqlite3(file), {}) }) });
  });
});
