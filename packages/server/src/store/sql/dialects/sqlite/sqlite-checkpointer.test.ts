import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../../../testing/test-clock.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';

/** Resolves once `condition` holds, polling (the worker thread checkpoints on real time); fails after `ms`. */
async function eventually(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SqliteCheckpointer', () => {
  let dir: string;
  let file: string;
  let db: BetterSqlite3.Database;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-checkpointer-'));
    file = path.join(dir, 'test.db');
    db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    // Only the worker may checkpoint here, so the database file grows only if it does.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('create table t (id integer primary key, v text)');
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (rows: number) => {
    const insert = db.prepare('insert into t (v) values (?)');
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(500));
    })();
  };

  it('starts no thread while the WAL is small', async () => {
    const clock = new TestClock();
    const checkpointer = new SqliteCheckpointer(file, { intervalMs: 5, startAtBytes: 64 * 1024 * 1024, clock });
    write(100);
    clock.advance(50);
    expect(checkpointer.running).toBe(false);
    // Still looking every interval.
    expect(clock.nextTimerIn()).toBe(5);
    await checkpointer.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('copies WAL pages into the database file from its own thread while the writer goes on', async () => {
    const clock = new TestClock();
    const checkpointer = new SqliteCheckpointer(file, { intervalMs: 5, startAtBytes: 256 * 1024, clock });
    const before = fs.statSync(file).size;
    write(2_000);
    clock.advance(4);
    expect(checkpointer.running).toBe(false);
    clock.advance(1);
    expect(checkpointer.running).toBe(true);
    // Started: no more looking.
    expect(clock.pendingTimers).toBe(0);
    await eventually(() => fs.statSync(file).size > before + 512 * 1024);
    // The writer was never blocked: it commits while the worker runs.
    write(100);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 2_100 });
    await checkpointer.stop();
    expect(checkpointer.running).toBe(false);
  });

  it('stops cleanly when the worker was never started, and more than once', async () => {
    const checkpointer = new SqliteCheckpointer(file);
    await checkpointer.stop();
    await checkpointer.stop();
    expect(checkpointer.running).toBe(false);
  });
});
