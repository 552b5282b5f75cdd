import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '@loupe/protocol';
import { PriceCatalog } from '@loupe/protocol/pricing';
import { decodeOtlpBatches } from './decode-otlp.js';
import type { DecodeReply, DecodeTask, DecodeWorkerData } from './otlp-decode-pool.js';

/**
 * The OTLP decode worker (see {@link ../otlp-decode-pool.ts}): takes a request body, answers the span
 * batches it holds, or the error it is, as plain data.
 */
if (!parentPort) throw new Error('otlp-decode-worker runs as a worker thread');
const port = parentPort;
const { pricing: options } = workerData as DecodeWorkerData;
const pricing = options === false ? undefined : PriceCatalog.withDefaults(options);
port.on('message', (task: DecodeTask) => {
  let reply: DecodeReply;
  try {
    reply = { id: task.id, batches: decodeOtlpBatches(task.body, task.contentType, task.contentEncoding, pricing) };
  } catch (err) {
    reply = ApiError.is(err)
      ? { id: task.id, error: { code: err.code, message: err.message } }
      : { id: task.id, error: { message: err instanceof Error ? (err.stack ?? err.message) : String(err) } };
  }
  port.postMessage(reply);
});
