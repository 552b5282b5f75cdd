import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { RestClient } from '../client/rest-client.js';
import { authHeaders, createHttpTransport, withHeaders, type Transport } from '../client/transport.js';
import { silentDiagnostics, type Diagnostics } from '../tracing/diagnostics.js';
import { experimentResolver } from './experiment-resolver.js';
import { OtlpSpanSender } from './otlp-sender.js';
import { exportedSpan } from './exported-span.js';
import { createRedactor, type RedactOptions } from './redaction.js';

/** Options of {@link LoupeSpanExporter}. */
export interface LoupeSpanExporterOptions {
  /** The server, e.g. `http://127.0.0.1:5000` (or give `transport`). */
  trackingUri?: string;
  transport?: Transport;
  experimentId?: string;
  /** Looked up (and created if missing) when no `experimentId` is given. */
  experimentName?: string;
  username?: string;
  password?: string;
  token?: string;
  /** Redaction before export (default: the built-in rules); `false` for none. */
  redact?: RedactOptions | false;
  /** gzip request bodies (default true). */
  gzip?: boolean;
  diagnostics?: Diagnostics;
}

/**
 * A plain OpenTelemetry `SpanExporter` that sends spans to Loupe over OTLP (protobuf, gzip) with the
 * experiment header; use it in any `BatchSpanProcessor` when you only need spans (the server builds
 * each trace's info from its root span). For Loupe's finalized trace info, sampling and queueing,
 * use `init()` or {@link LoupeSpanProcessor}. Never throws; failures are reported in the result.
 *
 * @example
 * const provider = new NodeTracerProvider({
 *   spanProcessors: [new BatchSpanProcessor(new LoupeSpanExporter({ trackingUri: 'http://127.0.0.1:5000', experimentId: '1' }))],
 * });
 */
export class LoupeSpanExporter implements SpanExporter {
  private readonly sender: OtlpSpanSender;
  private readonly experiment: () => Promise<string>;
  private readonly redactor;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: LoupeSpanExporterOptions) {
    const diagnostics = options.diagnostics ?? silentDiagnostics;
    const base = options.transport ?? createHttpTransport({ baseUrl: options.trackingUri ?? 'http://127.0.0.1:5000' });
    const transport = withHeaders(base, authHeaders(options));
    this.sender = new OtlpSpanSender(transport, diagnostics, { gzip: options.gzip ?? true });
    this.experiment = experimentResolver(new RestClient(transport), options);
    this.redactor = createRedactor(options.redact);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const work = (async () => {
      let result: ExportResult;
      try {
        const experimentId = await this.experiment();
        const sent = await this.sender.send(
          spans.map((s) => exportedSpan(s, this.redactor)),
          experimentId,
        );
        result =
          sent === 'ok'
            ? { code: ExportResultCode.SUCCESS }
            : { code: ExportResultCode.FAILED, error: new Error(`Loupe export ${sent === 'retry' ? 'failed (transient)' : 'refused'}`) };
      } catch (err) {
        result = { code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) };
      }
      resultCallback(result);
    })();
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
