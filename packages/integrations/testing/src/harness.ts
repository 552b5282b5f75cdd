import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createLoupe, SpanAttributeKey, type Loupe, type LoupeOptions, type Trace } from '@loupe/sdk';
import { decodeJson } from '@loupe/sdk/genai';
import { startTestServer, type TestServer } from '@loupe/server/testing';

/** An exported span, attributes JSON-decoded, as integration tests assert on it. */
export interface CapturedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentId: string | undefined;
  spanType: string | undefined;
  inputs: unknown;
  outputs: unknown;
  attributes: Record<string, unknown>;
  status: 'UNSET' | 'OK' | 'ERROR';
  statusMessage: string | undefined;
  events: { name: string; attributes: Record<string, unknown> }[];
  startMs: number;
  endMs: number;
}

function decodeAll(attributes: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes ?? {})) out[k] = decodeJson(v);
  return out;
}

const toMs = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;

function capture(span: ReadableSpan): CapturedSpan {
  const attributes = decodeAll(span.attributes);
  return {
    name: span.name,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentId: span.parentSpanContext?.spanId,
    spanType: attributes[SpanAttributeKey.SPAN_TYPE] as string | undefined,
    inputs: attributes[SpanAttributeKey.INPUTS],
    outputs: attributes[SpanAttributeKey.OUTPUTS],
    attributes,
    status: (['UNSET', 'OK', 'ERROR'] as const)[span.status.code] ?? 'UNSET',
    statusMessage: span.status.message,
    events: span.events.map((e) => ({ name: e.name, attributes: decodeAll(e.attributes) })),
    startMs: toMs(span.startTime),
    endMs: toMs(span.endTime),
  };
}

/**
 * What an integration test needs: a real Loupe server (in process, SQLite), a Loupe SDK instance
 * exporting to it, and the same spans captured in memory (dual export) to assert on.
 *
 * @example
 * const h = await startHarness();
 * const client = traceOpenAI(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'k' }), { loupe: h.loupe });
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
 * const [span] = await h.spans();
 */
export interface Harness {
  loupe: Loupe;
  server: TestServer;
  experimentId: string;
  /** Flushes, then the spans exported so far (start order), attributes decoded. */
  spans(): Promise<CapturedSpan[]>;
  /** Forgets captured spans. */
  clear(): void;
  /** Flushes, then reads a trace back from the Loupe server (`tr-...` or the 32-hex OpenTelemetry id). */
  serverTrace(traceId: string): Promise<Trace>;
  close(): Promise<void>;
}

/** Starts a {@link Harness}; `options` go to the SDK instance (pricing, redaction, ...). */
export async function startHarness(options: LoupeOptions = {}): Promise<Harness> {
  const server = await startTestServer();
  const experimentId = await server.experiment('integration');
  const memory = new InMemorySpanExporter();
  // Export in 5 ms batches with short retries, so `spans()` returns promptly; no exit hook, no environment.
  const loupe = createLoupe(
    {
      trackingUri: server.url,
      experimentId,
      ...options,
      spanExporters: [memory, ...(options.spanExporters ?? [])],
      export: { scheduleDelayMs: 5, initialBackoffMs: 5, maxBackoffMs: 50, flushTimeoutMs: 10_000, flushOnExit: false, ...options.export },
    },
    {},
  );
  return {
    loupe,
    server,
    experimentId,
    async spans() {
      await loupe.flushTraces();
      return memory
        .getFinishedSpans()
        .map(capture)
        .sort((a, b) => a.startMs - b.startMs);
    },
    clear: () => memory.reset(),
    async serverTrace(traceId) {
      await loupe.flushTraces();
      const id = traceId.startsWith('tr-') ? traceId : `tr-${traceId}`;
      const trace = await loupe.client.getTrace(id);
      if (!trace) throw new Error(`trace ${id} is not on the server`);
      return trace;
    },
    async close() {
      await loupe.shutdown();
      await server.close();
    },
  };
}
