import { sql, type Kysely, type Transaction } from 'kysely';
import type { SpanBatch } from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';

/** Times a group commit runs when it keeps losing deadlocks to concurrent ones (PostgreSQL). */
const MAX_INGEST_ATTEMPTS = 5;
/** Spans one group commit writes at most, so no transaction holds the writer for long. */
const MAX_GROUP_SPANS = 20_000;

/** Writes span batches inside a transaction (see `ingestSpanBatches`). */
export type SpanBatchWriter = (tx: Transaction<Database>, batches: readonly SpanBatch[]) => Promise<void>;

/** An ingest request waiting for its group commit. */
interface PendingIngest {
  batches: readonly SpanBatch[];
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit of span ingest: requests that arrive while a commit is under way are written together
 * in the next transaction, each inside its own savepoint, so one bad request fails alone. On SQLite
 * the commit (page writes and a WAL fsync) is most of an ingest's cost, and concurrent senders share
 * it. Up to `dialect.ingestWriters` groups are written at once (PostgreSQL: while one group's
 * statements run on the server, the next is built); a group that loses a deadlock to another runs
 * again. Two groups never write the same trace at once.
 *
 * @example
 * const queue = new TraceIngestQueue(db, dialect, (tx, batches) => ingestSpanBatches(tx, dialect, batches, toExperimentKey));
 * await queue.ingest([batch]); // resolved once committed
 */
export class TraceIngestQueue {
  private readonly pending: PendingIngest[] = [];
  /** Group commits under way. */
  private writers = 0;
  /** Trace ids of the groups being written. */
  private readonly tracesInFlight = new Set<string>();
  private flushScheduled = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
    private readonly write: SpanBatchWriter,
  ) {}

  /** Queues the batches of one request; resolves once they are committed, rejects with what failed them. */
  ingest(batches: readonly SpanBatch[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ batches, resolve, reject });
      // Started on the next turn of the event loop, not now: requests that arrive in this turn join
      // the same commit (on SQLite a transaction runs without yielding, so none could join it later).
      if (this.writers < this.dialect.ingestWriters && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          if (this.writers < this.dialect.ingestWriters && this.pending.length > 0) void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    this.writers++;
    try {
      while (this.pending.length > 0) {
        const group = this.takeGroup();
        // Every queued request touches a trace another writer has: that writer picks them up next.
        if (group.length === 0) break;
        let failures = new Map<PendingIngest, unknown>();
        try {
          failures = await this.commitWithRetries(group);
        } catch (err) {
          failures = new Map(group.map((request) => [request, err]));
        } finally {
          for (const request of group) for (const batch of request.batches) this.tracesInFlight.delete(batch.traceId);
        }
        for (const request of group) {
          if (failures.has(request)) request.reject(failures.get(request));
          else request.resolve();
        }
      }
    } finally {
      this.writers--;
    }
  }

  /** {@link commitGroup}, run again (up to {@link MAX_INGEST_ATTEMPTS} times) when it loses a deadlock. */
  private async commitWithRetries(group: PendingIngest[]): Promise<Map<PendingIngest, unknown>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commitGroup(group);
      } catch (err) {
        if (attempt >= MAX_INGEST_ATTEMPTS || !this.dialect.isRetryableConflict(err)) throw err;
      }
    }
  }

  /** Writes one group in one transaction; returns the requests that failed on their own (the rest committed). */
  private async commitGroup(group: PendingIngest[]): Promise<Map<PendingIngest, unknown>> {
    const failures = new Map<PendingIngest, unknown>();
    await this.db.transaction().execute(async (tx) => {
      if (group.length === 1) {
        await this.write(tx, (group[0] as PendingIngest).batches);
        return;
      }
      // The whole group in one pass (a fixed number of statements for all its requests); only if
      // that fails is each request written on its own, so a bad one fails alone.
      await sql`savepoint ingest_group`.execute(tx);
      try {
        await this.write(
          tx,
          group.flatMap((r) => r.batches),
        );
        await sql`release savepoint ingest_group`.execute(tx);
        return;
      } catch (err) {
        // A deadlock ends the whole transaction: it runs again from the start.
        if (this.dialect.isRetryableConflict(err)) throw err;
        await sql`rollback to savepoint ingest_group`.execute(tx);
        await sql`release savepoint ingest_group`.execute(tx);
      }
      for (const request of group) {
        await sql`savepoint ingest_request`.execute(tx);
        try {
          await this.write(tx, request.batches);
        } catch (err) {
          if (this.dialect.isRetryableConflict(err)) throw err;
          await sql`rollback to savepoint ingest_request`.execute(tx);
          failures.set(request, err);
        }
        await sql`release savepoint ingest_request`.execute(tx);
      }
    });
    return failures;
  }

  /**
   * The next group: queued requests in arrival order, up to a bounded number of spans, skipping any
   * that touches a trace another group commit is writing (or that an earlier skipped request
   * touches, so requests for one trace are still written in arrival order). Two transactions writing
   * the same trace would each count only their own spans.
   */
  private takeGroup(): PendingIngest[] {
    const group: PendingIngest[] = [];
    const blocked = new Set(this.tracesInFlight);
    let spans = 0;
    for (let i = 0; i < this.pending.length && (group.length === 0 || spans < MAX_GROUP_SPANS);) {
      const next = this.pending[i] as PendingIngest;
      if (next.batches.some((b) => blocked.has(b.traceId))) {
        for (const b of next.batches) blocked.add(b.traceId);
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      spans += next.batches.reduce((n, b) => n + b.spans.length, 0);
      group.push(next);
    }
    for (const request of group) for (const b of request.batches) this.tracesInFlight.add(b.traceId);
    return group;
  }
}
