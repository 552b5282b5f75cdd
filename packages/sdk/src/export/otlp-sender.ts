import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Diagnostics } from '../tracing/diagnostics.js';
import type { Transport } from '../client/transport.js';

const gzip = promisify(gzipCallback);

/** How one send went: delivered, worth retrying (network, timeout, 408/429/5xx), or refused for good. */
export type SendResult = 'ok' | 'retry' | 'fail';

/**
 * Whether an HTTP status is worth retrying.
 *
 * @example
 * resultForStatus(503); // 'retry'
 */
export function resultForStatus(status: number): SendResult {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'fail';
}

/** Options of {@link OtlpSpanSender}. */
export interface OtlpSenderOptions {
  /** Compress bodies with gzip (default true). */
  gzip?: boolean;
  /** Path of the OTLP endpoint under the transport's base URL (default `/v1/traces`). */
  path?: string;
  /** Extra headers (e.g. a collector's API key). */
  headers?: Record<string, string>;
}

/**
 * Posts spans as one OTLP/HTTP protobuf request (spec §4.5), gzip-compressed, with the experiment in
 * `x-mlflow-experiment-id`. Never throws: it returns what happened.
 *
 * @example
 * const result = await new OtlpSpanSender(transport, diagnostics).send(spans, '1');
 */
export class OtlpSpanSender {
  constructor(
    private readonly transport: Transport,
    private readonly diagnostics: Diagnostics,
    private readonly options: OtlpSenderOptions = {},
  ) {}

  async send(spans: readonly ReadableSpan[], experimentId: string | undefined): Promise<SendResult> {
    if (spans.length === 0) return 'ok';
    let body: Uint8Array;
    try {
      const encoded = ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]);
      if (!encoded) return 'fail';
      body = this.options.gzip === false ? encoded : await gzip(encoded);
    } catch (err) {
      this.diagnostics.warn('export: could not encode spans', err);
      return 'fail';
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-protobuf', ...this.options.headers };
    if (this.options.gzip !== false) headers['content-encoding'] = 'gzip';
    if (experimentId !== undefined) headers['x-mlflow-experiment-id'] = experimentId;
    try {
      const res = await this.transport.request({ method: 'POST', path: this.options.path ?? '/v1/traces', headers, body });
      const result = resultForStatus(res.status);
      const text = await res.text().catch(() => '');
      if (result !== 'ok')
        this.diagnostics.warn(`export: ${spans.length} spans answered ${res.status}${result === 'retry' ? ' (will retry)' : ''}: ${text.slice(0, 300)}`);
      return result;
    } catch (err) {
      this.diagnostics.warn(`export: sending ${spans.length} spans failed (will retry)`, err);
      return 'retry';
    }
  }
}
