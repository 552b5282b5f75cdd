import { context, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createClient, createLoupe, type Loupe, type LoupeClient, type LoupeSpan } from '@loupe/sdk';

/**
 * Seeds a real Loupe server for the UI's browser tests the way applications do: traces through
 * `@loupe/sdk` (spans over OTLP, then StartTraceV3 when the root ends), experiments, runs, metrics,
 * params, tags and artifacts through its tracking client. The huge trace is made by the OpenTelemetry
 * JS SDK and sent as OTLP protobuf as it is (`sendSpans`), as any OTLP exporter would.
 */

/** One span to create: times in ms from the trace's start; children nest. */
export interface SpanSpec {
  name: string;
  type?: string;
  start: number;
  end: number;
  inputs?: unknown;
  outputs?: unknown;
  /** Extra span attributes, any JSON-able values (encoded once, as the SDK encodes every attribute). */
  attributes?: Record<string, unknown>;
  error?: string;
  children?: SpanSpec[];
}

/** Trace-level options: when it started, its session, user and tags. */
export interface TraceOptions {
  startMs: number;
  session?: string;
  user?: string;
  tags?: Record<string, string>;
  /** Leave the root span open: the trace stays IN_PROGRESS until `finish()` ends it. */
  leaveOpen?: boolean;
  /** The logged model the trace is made with: metadata `mlflow.modelId`, as `setActiveModel` sets it. */
  modelId?: string;
}

/** A JSON-over-HTTP client of one server, with the seeding calls the UI tests need. */
export interface Seeder {
  url: string;
  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T>;
  createExperiment(name: string): Promise<string>;
  /** Records one trace through the SDK and waits until it is exported; `finish` ends a root left open. */
  sendTrace(experimentId: string, root: SpanSpec, options: TraceOptions): Promise<{ traceId: string; finish(): Promise<void> }>;
  /** Sends SDK spans as they are (for a trace built elsewhere or a root sent late). */
  sendSpans(experimentId: string, spans: ReadableSpan[]): Promise<void>;
  createRun(
    experimentId: string,
    name: string,
    data: { params?: Record<string, string>; metrics?: Record<string, number[]>; tags?: Record<string, string>; startMs?: number },
  ): Promise<string>;
  uploadArtifact(runId: string, path: string, body: string | Uint8Array): Promise<void>;
  /** Flushes and stops the SDK instances the seeder made. */
  close(): Promise<void>;
}

/**
 * A seeder for the server at `url`.
 *
 * @example
 * const seed = createSeeder(server.url);
 * const exp = await seed.createExperiment('ui');
 */
export function createSeeder(url: string): Seeder {
  const client: LoupeClient = createClient({ trackingUri: url });
  const instances = new Map<string, Loupe>();
  // One SDK instance per experiment (an instance traces into one experiment), kept for the seeder's life.
  const loupeFor = (experimentId: string) => {
    let loupe = instances.get(experimentId);
    if (!loupe) {
      loupe = createLoupe({ trackingUri: url, experimentId, export: { flushOnExit: false } }, {});
      instances.set(experimentId, loupe);
    }
    return loupe;
  };
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
      return client.createExperiment(name);
    },
    async sendTrace(experimentId, rootSpec, options) {
      const loupe = loupeFor(experimentId);
      let root: LoupeSpan | undefined;
      const make = (spec: SpanSpec, parent: LoupeSpan | undefined) => {
        const span = loupe.startSpan({
          name: spec.name,
          ...(spec.type ? { spanType: spec.type as never } : {}),
          ...(spec.attributes ? { attributes: spec.attributes } : {}),
          ...(spec.inputs !== undefined ? { inputs: spec.inputs } : {}),
          ...(parent ? { parent } : {}),
          startTime: options.startMs + spec.start,
        });
        if (!parent) {
          root = span;
          // Trace-level fields are set while the root is the active span, as an application does.
          const update = {
            ...(options.session ? { sessionId: options.session } : {}),
            ...(options.user ? { userId: options.user } : {}),
            ...(options.tags ? { tags: options.tags } : {}),
          };
          context.with(trace.setSpan(context.active(), span.otelSpan), () => loupe.updateCurrentTrace(update));
        }
        for (const child of spec.children ?? []) make(child, span);
        if (!parent && options.leaveOpen) return;
        if (spec.error) span.recordException(Object.assign(new Error(spec.error), { name: 'ToolError' }));
        span.end({ ...(spec.outputs !== undefined ? { outputs: spec.outputs } : {}), endTime: options.startMs + spec.end });
      };
      if (options.modelId) await loupe.setActiveModel({ modelId: options.modelId });
      try {
        make(rootSpec, undefined);
      } finally {
        if (options.modelId) loupe.clearActiveModel();
      }
      await loupe.flushTraces();
      const traceId = root!.traceId;
      return {
        traceId,
        finish: async () => {
          root!.end({ ...(rootSpec.outputs !== undefined ? { outputs: rootSpec.outputs } : {}), endTime: options.startMs + rootSpec.end });
          await loupe.flushTraces();
        },
      };
    },
    async createRun(experimentId, name, data) {
      const start = data.startMs ?? Date.now() - 60_000;
      const run = await client.startRun({ experimentId, runName: name, startTime: start, ...(data.tags ? { tags: data.tags } : {}) });
      const runId = run.info.run_id;
      if (data.params) await client.logParams(runId, data.params);
      const steps = Math.max(0, ...Object.values(data.metrics ?? {}).map((v) => v.length));
      for (let step = 0; step < steps; step++) {
        const values = Object.fromEntries(Object.entries(data.metrics ?? {}).flatMap(([key, v]) => (step < v.length ? [[key, v[step] as number]] : [])));
        await client.logMetrics(runId, values, { step, timestamp: start + step * 1000 });
      }
      await client.endRun(runId, 'FINISHED', start + 30_000);
      return runId;
    },
    async uploadArtifact(runId, path, body) {
      await client.logArtifactData(runId, body, path);
    },
    async close() {
      await Promise.all([...instances.values()].map((l) => l.shutdown()));
      instances.clear();
    },
  };
}
