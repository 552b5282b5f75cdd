import { SpanAttributeKey, TRACE_ID_PREFIX, TraceMetadataKey, TraceTagKey } from '@loupe/protocol';
import type { LlmCost } from '@loupe/protocol/pricing';
import type { IngestSpan } from '../../ingest/ingest-span.js';
import { toSpanBatches } from '../../ingest/span-batches.js';
import type { TraceService } from '../trace-service.js';

/** One gateway call as its trace tells it. */
export interface GatewayCallRecord {
  /** 32 hex digits (the OpenTelemetry trace id; the trace is `tr-<id>`). */
  otelTraceId: string;
  /** 16 hex digits. */
  spanId: string;
  endpointName: string;
  endpointId: string;
  experimentId: string;
  /** `chat` or `embeddings`. */
  kind: 'chat' | 'embeddings';
  request: unknown;
  /** The completion (or embeddings answer); absent for a failure. */
  response?: unknown;
  error?: { code: string; message: string };
  provider?: string;
  modelName?: string;
  usage?: { inputTokens: number; outputTokens: number };
  cost?: LlmCost;
  caller?: string;
  startMs: number;
  endMs: number;
}

const json = (value: unknown) => JSON.stringify(value);
/** MLflow's name of a gateway trace and its root span. */
const traceName = (call: GatewayCallRecord) => `gateway/${call.endpointName}`;
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/**
 * The root span of a gateway call, named `gateway/<endpoint>` as MLflow names it, with the attributes
 * MLflow's clients write on an LLM call's span (JSON-encoded, spec §4.7): type CHAT_MODEL (EMBEDDING
 * for embeddings), inputs and outputs, `mlflow.chat.tokenUsage`, `mlflow.llm.model` / `provider` /
 * `cost`. Loupe writes one span where MLflow nests the provider call's span under its root.
 */
function rootSpan(call: GatewayCallRecord): IngestSpan {
  const attributes: Record<string, unknown> = {
    [SpanAttributeKey.TRACE_ID]: json(`${TRACE_ID_PREFIX}${call.otelTraceId}`),
    [SpanAttributeKey.SPAN_TYPE]: json(call.kind === 'chat' ? 'CHAT_MODEL' : 'EMBEDDING'),
    [SpanAttributeKey.INPUTS]: json(call.request),
    // MLflow's gateway tracing (`tracing_utils.py`) puts these two on its root span.
    endpoint_id: json(call.endpointId),
    endpoint_name: json(call.endpointName),
  };
  if (call.response !== undefined) attributes[SpanAttributeKey.OUTPUTS] = json(call.response);
  if (call.modelName) attributes[SpanAttributeKey.LLM_MODEL] = json(call.modelName);
  if (call.provider) attributes[SpanAttributeKey.LLM_PROVIDER] = json(call.provider);
  if (call.usage) {
    const { inputTokens, outputTokens } = call.usage;
    attributes[SpanAttributeKey.TOKEN_USAGE] = json({ input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens });
  }
  if (call.cost) attributes[SpanAttributeKey.LLM_COST] = json(call.cost);
  const events = call.error
    ? [{ name: 'exception', timeUnixNano: nanos(call.endMs), attributes: { 'exception.type': call.error.code, 'exception.message': call.error.message } }]
    : [];
  return {
    traceId: call.otelTraceId,
    spanId: call.spanId,
    parentSpanId: null,
    name: traceName(call),
    kind: 'SPAN_KIND_SERVER',
    startTimeUnixNano: nanos(call.startMs),
    endTimeUnixNano: nanos(call.endMs),
    attributes,
    events,
    links: [],
    status: call.error ? { code: 'STATUS_CODE_ERROR', message: call.error.message } : { code: 'STATUS_CODE_OK', message: '' },
    traceState: '',
    resourceAttributes: {},
    scope: { name: 'loupe.gateway', version: '' },
  };
}

/**
 * Writes a gateway call into its endpoint's experiment as any traced call is written: the root span
 * through span ingest, then the trace's info (StartTraceV3) with its token usage and cost totals, so
 * the trace is searchable (`trace.status`, tokens, cost) like any other.
 *
 * @example
 * await writeGatewayTrace(services.traces, { otelTraceId, spanId, endpointName: 'chat', ... });
 */
export async function writeGatewayTrace(traces: TraceService, call: GatewayCallRecord): Promise<string> {
  const traceId = `${TRACE_ID_PREFIX}${call.otelTraceId}`;
  await traces.ingestSpans(call.experimentId, toSpanBatches([rootSpan(call)]));
  const metadata: Record<string, string> = {
    [TraceMetadataKey.SCHEMA_VERSION]: '3',
    [TraceMetadataKey.SOURCE_TYPE]: 'GATEWAY',
  };
  if (call.caller) metadata[TraceMetadataKey.USER] = call.caller;
  if (call.usage) {
    const { inputTokens, outputTokens } = call.usage;
    metadata[TraceMetadataKey.TOKEN_USAGE] = json({ input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens });
  }
  if (call.cost) metadata[TraceMetadataKey.COST] = json(call.cost);
  await traces.startTraceV3({
    traceId,
    experimentId: call.experimentId,
    requestTimeMs: Math.round(call.startMs),
    executionDurationMs: Math.max(0, Math.round(call.endMs - call.startMs)),
    state: call.error ? 'ERROR' : 'OK',
    requestPreview: json(call.request),
    ...(call.response !== undefined ? { responsePreview: json(call.response) } : {}),
    tags: { [TraceTagKey.TRACE_NAME]: traceName(call), [TraceTagKey.SPANS_LOCATION]: 'TRACKING_STORE' },
    metadata,
  });
  return traceId;
}
