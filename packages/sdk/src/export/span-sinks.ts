import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExportSink, SendOutcome } from './export-queue.js';
import type { OtlpSpanSender } from './otlp-sender.js';
import { exportedSpan } from './exported-span.js';
import type { Redactor } from './redaction.js';

/**
 * Another OTLP/HTTP endpoint (a collector, Jaeger, Tempo...) as a destination, fed the same
 * sampled and redacted spans as Loupe: dual export.
 *
 * @example
 * new ExportQueue(new OtlpEndpointSink(sender, redactor), options, scheduler, diagnostics);
 */
export class OtlpEndpointSink implements ExportSink<ReadableSpan> {
  constructor(
    private readonly sender: OtlpSpanSender,
    private readonly redactor: Redactor | null,
  ) {}

  async send(batch: ReadableSpan[]): Promise<SendOutcome<ReadableSpan>> {
    const result = await this.sender.send(
      batch.map((s) => exportedSpan(s, this.redactor)),
      undefined,
    );
    return result === 'retry' ? { retry: batch, failed: 0 } : { retry: [], failed: result === 'fail' ? batch.length : 0 };
  }
}

/**
 * Any OpenTelemetry `SpanExporter` as a destination (console, Zipkin, a vendor's), fed sampled and
 * redacted spans. A failed export is retried within the queue's retry window.
 *
 * @example
 * new ExportQueue(new SpanExporterSink(new ConsoleSpanExporter(), redactor), options, scheduler, diagnostics);
 */
export class SpanExporterSink implements ExportSink<ReadableSpan> {
  constructor(
    private readonly exporter: SpanExporter,
    private readonly redactor: Redactor | null,
  ) {}

  send(batch: ReadableSpan[]): Promise<SendOutcome<ReadableSpan>> {
    return new Promise((resolve) => {
      try {
        this.exporter.export(
          batch.map((s) => exportedSpan(s, this.redactor)),
          (result) => resolve(result.code === ExportResultCode.SUCCESS ? { retry: [], failed: 0 } : { retry: batch, failed: 0 }),
        );
      } catch {
        resolve({ retry: batch, failed: 0 });
      }
    });
  }
}
