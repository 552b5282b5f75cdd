import { SpanStatusCode } from '@opentelemetry/api';
import type { TraceInfoV3 } from '@loupe/protocol';
import { SpanAttributeKey, TRACE_ID_PREFIX, TraceMetadataKey, TraceTagKey } from '@loupe/protocol/attributes';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TraceAnnotations } from '../tracing/trace-registry.js';
import type { Redactor } from './redaction.js';

/**
 * A trace whose local root ended: the root span and what the trace gathered while it ran. A class, so
 * the export queue tells it from a span with `instanceof` (spans are queued as they are, unwrapped).
 *
 * @example
 * queue.push(new FinishedTrace(rootSpan, annotations));
 */
export class FinishedTrace {
  constructor(
    readonly root: ReadableSpan,
    readonly annotations: TraceAnnotations,
  ) {}
}

const PREVIEW_LENGTH = 1000;

function hrToNanos(time: [number, number]): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

/**
 * A protobuf Duration string for nanoseconds: `"0.532s"`, `"12s"`.
 *
 * @example
 * durationString(532_000_000n); // '0.532s'
 */
export function durationString(nanos: bigint): string {
  const whole = nanos / 1_000_000_000n;
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}s` : `${whole}s`;
}

/** An attribute of Loupe's span API is JSON text; a foreign instrumentation's may be plain text. */
function previewOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > PREVIEW_LENGTH ? text.slice(0, PREVIEW_LENGTH) : text;
}

/**
 * The TraceInfoV3 that StartTraceV3 finalizes a trace with (spec §4.1, §10.1): request time and
 * duration from the root span, state from its status (UNSET is OK), previews from its inputs and
 * outputs, the trace name, and the tags and metadata the trace gathered; all redacted.
 *
 * @example
 * const info = buildTraceInfo(finished, '1', redactor);
 */
export function buildTraceInfo(trace: FinishedTrace, experimentId: string, redactor: Redactor | null): TraceInfoV3 {
  const { root, annotations } = trace;
  const start = hrToNanos(root.startTime);
  const end = hrToNanos(root.endTime);
  const attrs = redactor ? redactor.redactAttributes(root.attributes) : root.attributes;
  const tags = { [TraceTagKey.TRACE_NAME]: root.name, ...annotations.tags, [TraceTagKey.SPANS_LOCATION]: 'TRACKING_STORE' };
  const metadata = { ...annotations.metadata, [TraceMetadataKey.SCHEMA_VERSION]: '3' };
  const info: TraceInfoV3 = {
    trace_id: TRACE_ID_PREFIX + root.spanContext().traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
    request_time: new Date(Number(start / 1_000_000n)).toISOString(),
    execution_duration: durationString(end > start ? end - start : 0n),
    state: root.status.code === SpanStatusCode.ERROR ? 'ERROR' : 'OK',
    trace_metadata: redactor ? redactor.redactStringMap(metadata) : metadata,
    tags: redactor ? redactor.redactStringMap(tags) : tags,
    assessments: [],
  };
  const request = previewOf(attrs[SpanAttributeKey.INPUTS]);
  const response = previewOf(attrs[SpanAttributeKey.OUTPUTS]);
  if (request !== undefined) info.request_preview = request;
  if (response !== undefined) info.response_preview = response;
  if (annotations.clientRequestId !== undefined)
    info.client_request_id = redactor ? redactor.redactString(annotations.clientRequestId, 'client_request_id') : annotations.clientRequestId;
  return info;
}
