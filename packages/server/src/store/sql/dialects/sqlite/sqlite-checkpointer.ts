import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { systemClock, type Clock, type Timer } from '../../../../clock.js';

/** Options of {@link SqliteCheckpointer}; the defaults suit the server. */
export interface SqliteCheckpointerOptions {
  /** How often the WAL's size is looked at, and how often the worker checkpoints once started. */
  intervalMs?: number;
  /** The WAL size at which the worker thread is started (small databases never start one). */
  startAtBytes?: number;
  /** Times the WAL size checks (the worker, a thread of its own, keeps real time). */
  clock?: Clock;
}

/**
 * The worker's code: its own connection to the database file, a PASSIVE checkpoint every interval.
 * A PASSIVE checkpoint never takes the write lock, so the request thread's commits go on while it
 * copies pages; it copies what no reader still needs and picks the rest up next time.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: next tick */ } };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Moves SQLite's WAL checkpoints off the request thread (ADR 0005). A checkpoint copies the WAL's
 * pages back into the database file and syncs it; run by the connection that commits (SQLite's
 * auto-checkpoint), it stalls every request for 80-200 ms each time the WAL fills. Here a worker
 * thread with its own connection checkpoints every interval, so when the connection's own
 * auto-checkpoint comes due, almost everything is already copied and it only has to restart the WAL.
 * The worker starts once the WAL passes `startAtBytes` (a test database never gets one) and goes
 * away with {@link stop}.
 *
 * @example
 * const checkpointer = new SqliteCheckpointer('/data/loupe.db');
 * // ... later, before closing the connection:
 * await checkpointer.stop();
 */
export class SqliteCheckpointer {
  private readonly intervalMs: number;
  private readonly startAtBytes: number;
  private readonly watch: Timer;
  private worker: Worker | undefined;
  private stopped = false;

  constructor(
    private readonly file: string,
    options: SqliteCheckpointerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.startAtBytes = options.startAtBytes ?? 16 * 1024 * 1024;
    this.watch = (options.clock ?? systemClock).setInterval(() => this.startWhenLarge(), this.intervalMs);
  }

  /** Whether the worker thread runs (for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  private startWhenLarge(): void {
    let size: number;
    try {
      size = fs.statSync(`${this.file}-wal`).size;
    } catch {
      return; // no WAL yet
    }
    if (size < this.startAtBytes) return;
    this.watch.cancel();
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.file, intervalMs: this.intervalMs } });
    worker.unref();
    // A worker that fails leaves the checkpoints to SQLite's auto-checkpoint, as without one.
    worker.on('error', () => {});
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
  }

  /** Stops watching and ends the worker, waiting for its connection to close. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.watch.cancel();
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    });
  }
}
