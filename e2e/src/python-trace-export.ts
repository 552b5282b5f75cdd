import { context, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';
import type { CliServer } from './cli-server.js';

/** A TraceInfoV3 as the server answers it. */
export type TraceInfoJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One span as MLflow's Python SDK records it: its type, inputs and outputs become `mlflow.span*` attributes. */
export interface PythonSpan {
  name: string;
  /** `mlflow.spanType` (CHAIN, CHAT_MODEL, UNKNOWN, ...). */
  type: string;
  inputs?: unknown;
  outputs?: unknown;
  /** More span attributes (JSON-encoded on the wire, as Python writes them). */
  attributes?: Record<string, unknown>;
  startMs: number;
  endMs: number;
  children?: PythonSpan[];
}

/** A trace the Python SDK exports: its spans, plus the metadata and tags of its TraceInfo. */
export interface PythonTrace {
  experimentId: string;
  root: PythonSpan;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
}

/** Protobuf-JSON `Duration` text of a span of `ms` milliseconds (`"0.320s"`, `"2s"`). */
export function protoDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3)}s`;
}

/**
 * Replays MLflow's Python trace export (spec §10.3) over HTTP: every span streams over OTLP protobuf
 * to `/v1/traces` (attribute values JSON-encoded), then the root's end logs the TraceInfo with
 * StartTraceV3. Asserts what the exporter reads from the answer: the server keeps the spans
 * (`mlflow.trace.spansLocation = TRACKING_STORE`), so no `traces.json` upload follows.
 *
 * @example
 * const { traceId, traceInfo } = await exportPythonTrace(server, { experimentId: '1', root: { name: 'predict', type: 'CHAIN', startMs, endMs } });
 */
export async function exportPythonTrace(server: CliServer, t: PythonTrace): Promise<{ traceId: string; traceInfo: TraceInfoJson }> {
  const exporter = new OTLPTraceExporter({ url: `${server.url}/v1/traces`, headers: { 'x-mlflow-experiment-id': t.experimentId } });
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('mlflow');
  let traceId = '';
  const record = (s: PythonSpan, parent: Span | undefined): void => {
    const span = tracer.startSpan(s.name, { startTime: s.startMs }, parent ? trace.setSpan(context.active(), parent) : undefined);
    if (!parent) traceId = `tr-${span.spanContext().traceId}`;
    const attributes: Record<string, unknown> = {
      'mlflow.traceRequestId': traceId,
      'mlflow.spanType': s.type,
      ...(s.inputs === undefined ? {} : { 'mlflow.spanInputs': s.inputs }),
      ...(s.outputs === undefined ? {} : { 'mlflow.spanOutputs': s.outputs }),
      ...s.attributes,
    };
    span.setAttributes(Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, JSON.stringify(v)])));
    for (const child of s.children ?? []) record(child, span);
    span.end(s.endMs);
  };
  record(t.root, undefined);
  await provider.forceFlush();
  await provider.shutdown();

  const started = await server.call('POST', '/api/3.0/mlflow/traces', {
    trace: {
      trace_info: {
        trace_id: traceId,
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.experimentId } },
        request_time: new Date(t.root.startMs).toISOString(),
        execution_duration: protoDuration(t.root.endMs - t.root.startMs),
        state: 'OK',
        ...(t.root.inputs === undefined ? {} : { request_preview: JSON.stringify(t.root.inputs) }),
        ...(t.root.outputs === undefined ? {} : { response_preview: JSON.stringify(t.root.outputs) }),
        trace_metadata: {
          'mlflow.trace_schema.version': '3',
          'mlflow.traceInputs': JSON.stringify(t.root.inputs ?? null),
          'mlflow.traceOutputs': JSON.stringify(t.root.outputs ?? null),
          ...t.metadata,
        },
        tags: { 'mlflow.traceName': t.root.name, ...t.tags },
      },
    },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  expect(started.body.trace.trace_info.tags).toMatchObject({
    'mlflow.trace.spansLocation': 'TRACKING_STORE',
    'mlflow.artifactLocation': expect.stringMatching(/^mlflow-artifacts:\//),
  });
  return { traceId, traceInfo: started.body.trace.trace_info };
}
