import { parentPort } from 'node:worker_threads';
import { ApiError } from '@loupe/protocol';
import { toSpanBatches } from '../services/traces/span-mapping.js';
import { decodeOtlpTraces } from './decode-otlp.js';
import type { DecodeReply, DecodeTask } from './otlp-decode-pool.js';

/**
 * The OTLP decode worker (see {@link ../otlp-decode-pool.ts}): takes a request body, answers the span
 * batches it holds, or the error it is, as plain data.
 */
if (!parentPort) throw new Error('otlp-decode-worker runs as a worker thread');
const port = parentPort;
port.on('message', (task: DecodeTask) => {
  let reply: DecodeReply;
  try {
    const spans = decodeOtlpTraces(task.body, task.contentType, task.contentEncoding);
    reply = { id: task.id, batches: toSpanBatches('', spans) };
  } catch (err) {
    reply = ApiError.is(err)
      ? { id: task.id, error: { code: err.code, message: err.message } }
      : { id: task.id, error: { message: err instanceof Error ? (err.stack ?? err.message) : String(err) } };
  }
  port.postMessage(reply);
});
