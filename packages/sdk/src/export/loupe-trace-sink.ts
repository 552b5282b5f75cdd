import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RestClient } from '../client/rest-client.js';
import type { Diagnostics } from '../tracing/diagnostics.js';
import type { ExportSink, SendOutcome } from './export-queue.js';
import { resultForStatus, type OtlpSpanSender, type SendResult } from './otlp-sender.js';
import { exportedSpan } from './exported-span.js';
import type { Redactor } from './redaction.js';
import { buildTraceInfo, FinishedTrace } from './trace-info.js';

/** What the Loupe export queue carries: finished spans, and finished traces to finalize. */
export type ExportItem = ReadableSpan | FinishedTrace;

/**
 * The Loupe server as an export destination: a batch's spans go in one OTLP request to `/v1/traces`,
 * then each finished trace's info goes to StartTraceV3 (`POST /api/3.0/mlflow/traces`), the flow of
 * MLflow's own TypeScript SDK (spec §10.1). Redaction happens here, on the export worker.
 *
 * @example
 * const queue = new ExportQueue(new LoupeTraceSink(rest, sender, resolveExperiment, redactor, diagnostics), options, scheduler, diagnostics);
 */
export class LoupeTraceSink implements ExportSink<ExportItem> {
  constructor(
    private readonly rest: RestClient,
    private readonly spans: OtlpSpanSender,
    private readonly experimentId: () => Promise<string>,
    private readonly redactor: Redactor | null,
    private readonly diagnostics: Diagnostics,
  ) {}

  async send(batch: ExportItem[]): Promise<SendOutcome<ExportItem>> {
    let experimentId: string;
    try {
      experimentId = await this.experimentId();
    } catch (err) {
      this.diagnostics.warn('export: could not resolve the experiment (will retry)', err);
      return { retry: batch, failed: 0 };
    }
    const spanItems: ReadableSpan[] = [];
    const traceItems: FinishedTrace[] = [];
    for (const item of batch) {
      if (item instanceof FinishedTrace) traceItems.push(item);
      else spanItems.push(item);
    }
    const retry: ExportItem[] = [];
    let failed = 0;
    if (spanItems.length > 0) {
      const result = await this.spans.send(
        spanItems.map((s) => exportedSpan(s, this.redactor)),
        experimentId,
      );
      if (result === 'retry') retry.push(...spanItems);
      else if (result === 'fail') failed += spanItems.length;
    }
    const results = await Promise.all(traceItems.map((item) => this.startTrace(item, experimentId)));
    results.forEach((result, i) => {
      if (result === 'retry') retry.push(traceItems[i] as FinishedTrace);
      else if (result === 'fail') failed++;
    });
    return { retry, failed };
  }

  private async startTrace(trace: FinishedTrace, experimentId: string): Promise<SendResult> {
    try {
      const info = buildTraceInfo(trace, experimentId, this.redactor);
      const res = await this.rest.transport.request({
        method: 'POST',
        path: '/api/3.0/mlflow/traces',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trace: { trace_info: info } }),
      });
      const result = resultForStatus(res.status);
      const text = await res.text().catch(() => '');
      if (result !== 'ok') this.diagnostics.warn(`export: StartTraceV3 for ${info.trace_id} answered ${res.status}: ${text.slice(0, 300)}`);
      return result;
    } catch (err) {
      this.diagnostics.warn('export: StartTraceV3 failed (will retry)', err);
      return 'retry';
    }
  }
}
