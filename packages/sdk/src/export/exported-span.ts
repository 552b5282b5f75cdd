import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { SpanAttributeKey, TRACE_ID_PREFIX } from '@loupe/protocol/attributes';
import type { Redactor } from './redaction.js';

/**
 * A copy of a finished span with attributes, event attributes and the status message redacted, and
 * `extraAttributes` added; the original is untouched (other processors may still read it).
 *
 * @example
 * exporter.export(spans.map((s) => redactSpan(s, redactor)), done);
 */
export function redactSpan(span: ReadableSpan, redactor: Redactor | null, extraAttributes?: Attributes): ReadableSpan {
  if (!redactor && !extraAttributes) return span;
  const events: TimedEvent[] = redactor
    ? span.events.map((e) => (e.attributes ? { ...e, attributes: redactor.redactAttributes(e.attributes) } : e))
    : span.events;
  const attributes = redactor ? redactor.redactAttributes(span.attributes) : { ...span.attributes };
  if (extraAttributes) Object.assign(attributes, extraAttributes);
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: redactor && span.status.message ? { ...span.status, message: redactor.redactString(span.status.message, 'status.message') } : span.status,
    attributes,
    links: span.links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/**
 * A span as it leaves the process: redacted, and carrying `mlflow.traceRequestId` (MLflow's readers,
 * e.g. Python's `Span.trace_id`, take the trace id from it). The attribute is added here, on the
 * export worker, rather than on the caller's path when the span starts.
 *
 * @example
 * sender.send(spans.map((s) => exportedSpan(s, redactor)), experimentId);
 */
export function exportedSpan(span: ReadableSpan, redactor: Redactor | null): ReadableSpan {
  const missing = span.attributes[SpanAttributeKey.TRACE_ID] === undefined;
  return redactSpan(span, redactor, missing ? { [SpanAttributeKey.TRACE_ID]: `"${TRACE_ID_PREFIX}${span.spanContext().traceId}"` } : undefined);
}
