import { context, trace, SpanStatusCode, type Context } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * Seeds a real Loupe server for the UI's browser tests over its real APIs: spans made by the
 * OpenTelemetry JS SDK and sent as OTLP protobuf to `/v1/traces` (what any exporter sends), runs,
 * metrics, params, tags and artifacts over MLflow's REST API. When @loupe/sdk lands, `sendTrace` can
 * become an SDK call; the tests only see this interface.
 */

/** One span to create: times in ms from the trace's start; children nest. */
export interface SpanSpec {
  name: string;
  type?: string;
  start: number;
  end: number;
  inputs?: unknown;
  outputs?: unknown;
  attributes?: Record<string, string | number | boolean>;
  error?: string;
  children?: SpanSpec[];
}

/** Trace-level options: when it started, its session, user and tags. */
export interface TraceOptions {
  startMs: number;
  session?: string;
  user?: string;
  tags?: Record<string, string>;
  /** Leave the root span out: the trace stays IN_PROGRESS until it is sent. */
  withoutRoot?: boolean;
}

/** A JSON-over-HTTP client of one server, with the seeding calls the UI tests need. */
export interface Seeder {
  url: string;
  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T>;
  createExperiment(name: string): Promise<string>;
  /** Sends one trace's spans; returns the trace id (`tr-<hex>`) and the root span's spans by name. */
  sendTrace(experimentId: string, root: SpanSpec, options: TraceOptions): Promise<{ traceId: string; spans: ReadableSpan[]; root: ReadableSpan }>;
  /** Sends SDK spans as they are (for a trace built elsewhere or a root sent late). */
  sendSpans(experimentId: string, spans: ReadableSpan[]): Promise<void>;
  createRun(experimentId: string, name: string, data: { params?: Record<string, string>; metrics?: Record<string, number[]>; tags?: Record<string, string>; startMs?: number }): Promise<string>;
  uploadArtifact(runId: string, path: string, body: string | Uint8Array): Promise<void>;
}

function setAttributes(spec: SpanSpec): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = { ...spec.attributes };
  if (spec.type) attributes['mlflow.spanType'] = spec.type;
  if (spec.inputs !== undefined) attributes['mlflow.spanInputs'] = JSON.stringify(spec.inputs);
  if (spec.outputs !== undefined) attributes['mlflow.spanOutputs'] = JSON.stringify(spec.outputs);
  return attributes;
}

/**
 * A seeder for the server at `url`.
 *
 * @example
 * const seed = createSeeder(server.url);
 * const exp = await seed.createExperiment('ui');
 */
export function createSeeder(url: string): Seeder {
  const post = async <T>(p: string, body: unknown): Promise<T> => {
    const res = await fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${p} -> ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  const sendSpans = async (experimentId: string, spans: ReadableSpan[]) => {
    const res = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': experimentId },
      body: ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array<ArrayBuffer>,
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/v1/traces -> ${res.status}`);
  };
  return {
    url,
    post,
    sendSpans,
    async createExperiment(name) {
      return (await post<{ experiment_id: string }>('/api/2.0/mlflow/experiments/create', { name })).experiment_id;
    },
    async sendTrace(experimentId, rootSpec, options) {
      const exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'loupe-ui-e2e' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const tracer = provider.getTracer('loupe-ui-e2e');
      const make = (spec: SpanSpec, parent: Context, isRoot: boolean) => {
        const attributes = setAttributes(spec);
        if (isRoot) {
          if (options.session) attributes['session.id'] = options.session;
          if (options.user) attributes['user.id'] = options.user;
          for (const [k, v] of Object.entries(options.tags ?? {})) attributes[`mlflow.traceTag.${k}`] = v;
        }
        const span = tracer.startSpan(spec.name, { startTime: options.startMs + spec.start, attributes }, parent);
        const ctx = trace.setSpan(parent, span);
        for (const child of spec.children ?? []) make(child, ctx, false);
        if (spec.error) {
          span.recordException({ name: 'ToolError', message: spec.error });
          span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error });
        } else span.setStatus({ code: SpanStatusCode.OK });
        span.end(options.startMs + spec.end);
      };
      make(rootSpec, context.active(), true);
      const spans = exporter.getFinishedSpans();
      const root = spans.find((s) => !s.parentSpanContext) as ReadableSpan;
      await sendSpans(experimentId, options.withoutRoot ? spans.filter((s) => s !== root) : spans);
      return { traceId: `tr-${root.spanContext().traceId}`, spans, root };
    },
    async createRun(experimentId, name, data) {
      const start = data.startMs ?? Date.now() - 60_000;
      const { run } = await post<{ run: { info: { run_id: string } } }>('/api/2.0/mlflow/runs/create', { experiment_id: experimentId, run_name: name, start_time: start });
      const runId = run.info.run_id;
      const metrics = Object.entries(data.metrics ?? {}).flatMap(([key, values]) => values.map((value, step) => ({ key, value, step, timestamp: start + step * 1000 })));
      await post('/api/2.0/mlflow/runs/log-batch', {
        run_id: runId,
        metrics,
        params: Object.entries(data.params ?? {}).map(([key, value]) => ({ key, value })),
        tags: Object.entries(data.tags ?? {}).map(([key, value]) => ({ key, value })),
      });
      await post('/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: start + 30_000 });
      return runId;
    },
    async uploadArtifact(runId, path, body) {
      const res = await fetch(`${url}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${encodeURIComponent(path)}`, { method: 'POST', body: typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>) });
      if (!res.ok) throw new Error(`upload-artifact ${path} -> ${res.status}: ${await res.text()}`);
    },
  };
}
