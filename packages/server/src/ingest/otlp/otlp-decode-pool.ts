import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApiError, type ErrorCode } from '@loupe/protocol';
import type { PricingOptions } from '@loupe/protocol/pricing';
import type { DecodedSpanBatch } from '../span-batches.js';

/** One body for a decode worker. */
export interface DecodeTask {
  id: number;
  body: Uint8Array;
  contentType: string;
  contentEncoding: string | undefined;
}

/** What every decode worker starts with (`workerData`): the price catalog it prices spans with, or false for none. */
export interface DecodeWorkerData {
  pricing: PricingOptions | false;
}

/** A decode worker's answer: span batches (not yet placed in an experiment), or the error the body is. */
export type DecodeReply = { id: number; batches: DecodedSpanBatch[] } | { id: number; error: { code?: ErrorCode; message: string } };

/**
 * Where the worker's script is: next to this module once built (`dist/ingest/otlp/`, or `dist/` for
 * the bundled CLI), or, when this module runs from its TypeScript source (tests), the package's build.
 */
function workerScript(): URL {
  const candidates = [new URL('./otlp-decode-worker.js', import.meta.url)];
  if (import.meta.url.endsWith('.ts')) candidates.push(new URL('../../../dist/ingest/otlp/otlp-decode-worker.js', import.meta.url));
  const found = candidates.find((c) => fs.existsSync(fileURLToPath(c)));
  if (!found) throw new Error(`The OTLP decode worker is not built (looked for ${candidates.map((c) => fileURLToPath(c)).join(', ')}): run npm run build.`);
  return found;
}

interface Pending {
  resolve(batches: DecodedSpanBatch[]): void;
  reject(err: unknown): void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Decodes OTLP request bodies on worker threads. Decoding protobuf and building span rows is a third
 * of an ingest request's CPU; on the request thread it competes with the database writes (which, on
 * SQLite, run on that thread too). Each body goes to the worker with the fewest bodies in hand; its
 * bytes are moved, not copied. Workers start with the first body. A worker that dies fails its bodies with an internal error and is
 * replaced. Bad bodies fail with the same {@link ApiError} decoding on the request thread gives.
 *
 * @example
 * const pool = new OtlpDecodePool(1, {});
 * const batches = await pool.decode(body, 'application/x-protobuf', undefined);
 * await pool.close();
 */
export class OtlpDecodePool {
  private readonly workers: PoolWorker[] = [];
  private readonly script = workerScript();
  private nextId = 1;
  private closed = false;

  /** `pricing`: the catalog options each worker builds its price catalog from (false: spans are not priced). */
  constructor(
    readonly threads: number,
    private readonly pricing: PricingOptions | false = false,
  ) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`OtlpDecodePool needs at least one thread, got ${threads}`);
  }

  /** The workers, started with the first body: a server that never ingests OTLP keeps ~25 MB of RSS. */
  private started(): PoolWorker[] {
    if (this.workers.length === 0) for (let i = 0; i < this.threads; i++) this.workers.push(this.spawn());
    return this.workers;
  }

  private spawn(): PoolWorker {
    const workerData: DecodeWorkerData = { pricing: this.pricing };
    const entry: PoolWorker = { worker: new Worker(this.script, { workerData }), pending: new Map() };
    // Idle workers never keep the process alive; in-flight requests do that.
    entry.worker.unref();
    entry.worker.on('message', (reply: DecodeReply) => {
      const task = entry.pending.get(reply.id);
      if (!task) return;
      entry.pending.delete(reply.id);
      if ('batches' in reply) task.resolve(reply.batches);
      else if (reply.error.code) task.reject(new ApiError(reply.error.code, reply.error.message));
      else task.reject(new Error(`OTLP decode failed: ${reply.error.message}`));
    });
    // An uncaught error ends the worker: 'exit' follows, which settles its bodies.
    entry.worker.on('error', () => {});
    entry.worker.on('exit', (code) => {
      for (const task of entry.pending.values()) task.reject(new Error(`OTLP decode worker exited (code ${code})`));
      entry.pending.clear();
      const at = this.workers.indexOf(entry);
      if (at >= 0 && !this.closed) this.workers[at] = this.spawn();
    });
    return entry;
  }

  /** Decodes one body (whose buffer the pool takes over) into span batches, as an `OtlpDecoder` does. */
  decode(body: Uint8Array, contentType: string, contentEncoding: string | undefined): Promise<DecodedSpanBatch[]> {
    if (this.closed) return Promise.reject(new Error('OTLP decode pool is closed'));
    const workers = this.started();
    let target = workers[0] as PoolWorker;
    for (const w of workers) if (w.pending.size < target.pending.size) target = w;
    const id = this.nextId++;
    // Move the bytes when the body owns its whole buffer; copy a view into a shared one.
    const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
    const bytes = owned ? body : body.slice();
    return new Promise<DecodedSpanBatch[]>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      const task: DecodeTask = { id, body: bytes, contentType, contentEncoding };
      target.worker.postMessage(task, [bytes.buffer as ArrayBuffer]);
    });
  }

  /** Stops the workers; bodies still in hand fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
