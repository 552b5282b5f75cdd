import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Redactor } from './redaction.js';

/**
 * A copy of a finished span with attributes, event attributes and the status message redacted; the
 * original is untouched (other processors may still read it).
 *
 * @example
 * exporter.export(spans.map((s) => redactSpan(s, redactor)), done);
 */
export function redactSpan(span: ReadableSpan, redactor: Redactor | null): ReadableSpan {
  if (!redactor) return span;
  const events: TimedEvent[] = span.events.map((e) => (e.attributes ? { ...e, attributes: redactor.redactAttributes(e.attributes) } : e));
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message ? { ...span.status, message: redactor.redactString(span.status.message, 'status.message') } : span.status,
    attributes: redactor.redactAttributes(span.attributes),
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
