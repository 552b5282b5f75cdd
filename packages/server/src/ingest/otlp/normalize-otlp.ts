import { ApiError } from '@loupe/protocol';
import { SPAN_KINDS, STATUS_CODES, type IngestSpan, type IngestSpanEvent, type IngestSpanLink, type SpanAttributes } from '../ingest-span.js';
import type { OtlpDecodeLimits } from './otlp-decode-limits.js';
import { attributeList, wireArray, wireEnum, wireId, wireNanos, wireObject, wireString, type WireObject } from './otlp-values.js';

interface SpanContext {
  resourceAttributes: SpanAttributes;
  scope: IngestSpan['scope'];
  limits: OtlpDecodeLimits;
}

function requiredId(value: unknown, size: number, path: string): string {
  const id = wireId(value, size, path);
  if (id === null) throw ApiError.invalid(`${path} is missing: every span needs a ${size}-byte id.`);
  return id;
}

function parentId(value: unknown, path: string): string | null {
  // OTLP says a root span leaves parent_span_id empty; some exporters send zeroes instead.
  const zeroes = value instanceof Uint8Array ? value.every((b) => b === 0) : typeof value === 'string' && /^0+$/.test(value);
  return zeroes ? null : wireId(value, 8, path);
}

function normalizeEvents(span: WireObject, owner: string, limits: OtlpDecodeLimits): IngestSpanEvent[] {
  return wireArray(span.events, `events of ${owner}`).map((item, i) => {
    const event = wireObject(item, `event ${i} of ${owner}`);
    return {
      name: wireString(event.name, `name of event ${i} of ${owner}`),
      timeUnixNano: wireNanos(event.timeUnixNano, `timeUnixNano of event ${i} of ${owner}`),
      attributes: attributeList(event.attributes, `event ${i} of ${owner}`, limits),
    };
  });
}

function normalizeLinks(span: WireObject, owner: string, limits: OtlpDecodeLimits): IngestSpanLink[] {
  return wireArray(span.links, `links of ${owner}`).map((item, i) => {
    const link = wireObject(item, `link ${i} of ${owner}`);
    return {
      traceId: requiredId(link.traceId, 16, `trace_id of link ${i} of ${owner}`),
      spanId: requiredId(link.spanId, 8, `span_id of link ${i} of ${owner}`),
      traceState: wireString(link.traceState, `traceState of link ${i} of ${owner}`),
      attributes: attributeList(link.attributes, `link ${i} of ${owner}`, limits),
    };
  });
}

function normalizeSpan(item: unknown, path: string, ctx: SpanContext): IngestSpan {
  const span = wireObject(item, path);
  const traceId = requiredId(span.traceId, 16, `trace_id of ${path}`);
  const spanId = requiredId(span.spanId, 8, `span_id of ${path}`);
  const name = wireString(span.name, `name of ${path}`);
  const owner = `span '${name}' (span_id ${spanId})`;
  const status = wireObject(span.status, `status of ${owner}`);
  return {
    traceId,
    spanId,
    parentSpanId: parentId(span.parentSpanId, `parent_span_id of ${owner}`),
    name,
    kind: wireEnum(span.kind, SPAN_KINDS, `kind of ${owner}`),
    startTimeUnixNano: wireNanos(span.startTimeUnixNano, `startTimeUnixNano of ${owner}`),
    endTimeUnixNano: wireNanos(span.endTimeUnixNano, `endTimeUnixNano of ${owner}`),
    attributes: attributeList(span.attributes, owner, ctx.limits),
    events: normalizeEvents(span, owner, ctx.limits),
    links: normalizeLinks(span, owner, ctx.limits),
    status: {
      code: wireEnum(status.code, STATUS_CODES, `status.code of ${owner}`),
      message: wireString(status.message, `status.message of ${owner}`),
    },
    traceState: wireString(span.traceState, `traceState of ${owner}`),
    resourceAttributes: ctx.resourceAttributes,
    scope: ctx.scope,
  };
}

/**
 * Validates a decoded `ExportTraceServiceRequest` (OTLP/JSON shape) and flattens it into spans,
 * each carrying its resource attributes and instrumentation scope.
 *
 * @example
 * normalizeOtlpRequest(decodeOtlpProtobuf(bytes), DEFAULT_OTLP_DECODE_LIMITS);
 */
export function normalizeOtlpRequest(wire: unknown, limits: OtlpDecodeLimits): IngestSpan[] {
  const request = wireObject(wire, 'ExportTraceServiceRequest');
  const resourceSpans = wireArray(request.resourceSpans, 'resourceSpans');
  // Spec §4.5: a request without resource_spans is a client error.
  if (resourceSpans.length === 0) throw ApiError.invalid('OTLP request has no resource_spans.');
  const spans: IngestSpan[] = [];
  resourceSpans.forEach((rsItem, r) => {
    const rs = wireObject(rsItem, `resourceSpans[${r}]`);
    const resource = wireObject(rs.resource, `resourceSpans[${r}].resource`);
    const resourceAttributes = attributeList(resource.attributes, `resource of resourceSpans[${r}]`, limits);
    wireArray(rs.scopeSpans, `resourceSpans[${r}].scopeSpans`).forEach((ssItem, s) => {
      const path = `resourceSpans[${r}].scopeSpans[${s}]`;
      const ss = wireObject(ssItem, path);
      const scopeObject = wireObject(ss.scope, `${path}.scope`);
      const scope = { name: wireString(scopeObject.name, `${path}.scope.name`), version: wireString(scopeObject.version, `${path}.scope.version`) };
      const items = wireArray(ss.spans, `${path}.spans`);
      if (spans.length + items.length > limits.maxSpans) {
        throw ApiError.invalid(`OTLP request has more than ${limits.maxSpans} spans, the limit per request.`);
      }
      items.forEach((item, i) => spans.push(normalizeSpan(item, `${path}.spans[${i}]`, { resourceAttributes, scope, limits })));
    });
  });
  return spans;
}
