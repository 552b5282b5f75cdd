import protobuf from 'protobufjs';

const { Enum, Field, OneOf, Root, Type } = protobuf;

/**
 * A protobufjs message type of the OTLP trace schema.
 *
 * @example
 * const request: OtlpMessageType = createOtlpTraceSchema();
 */
export type OtlpMessageType = protobuf.Type;

/**
 * Field names are the OTLP/JSON lowerCamelCase names, so `Type.toObject` yields the same shape
 * as an OTLP/JSON body and one normalizer serves both encodings. Field numbers follow
 * opentelemetry-proto `common/v1/common.proto`, `resource/v1/resource.proto`,
 * `trace/v1/trace.proto` and `collector/trace/v1/trace_service.proto`.
 */
type FieldSpec = readonly [name: string, id: number, type: string, repeated?: 'repeated'];

function message(name: string, fields: readonly FieldSpec[]): protobuf.Type {
  const type = new Type(name);
  for (const [fieldName, id, fieldType, rule] of fields) type.add(new Field(fieldName, id, fieldType, rule));
  return type;
}

function anyValueType(): protobuf.Type {
  const members: FieldSpec[] = [
    ['stringValue', 1, 'string'],
    ['boolValue', 2, 'bool'],
    ['intValue', 3, 'int64'],
    ['doubleValue', 4, 'double'],
    ['arrayValue', 5, 'ArrayValue'],
    ['kvlistValue', 6, 'KeyValueList'],
    ['bytesValue', 7, 'bytes'],
  ];
  const type = message('AnyValue', members);
  type.add(
    new OneOf(
      'value',
      members.map(([name]) => name),
    ),
  );
  return type;
}

function spanType(): protobuf.Type {
  const span = message('Span', [
    ['traceId', 1, 'bytes'],
    ['spanId', 2, 'bytes'],
    ['traceState', 3, 'string'],
    ['parentSpanId', 4, 'bytes'],
    ['name', 5, 'string'],
    ['kind', 6, 'SpanKind'],
    ['startTimeUnixNano', 7, 'fixed64'],
    ['endTimeUnixNano', 8, 'fixed64'],
    ['attributes', 9, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 10, 'uint32'],
    ['events', 11, 'Event', 'repeated'],
    ['droppedEventsCount', 12, 'uint32'],
    ['links', 13, 'Link', 'repeated'],
    ['droppedLinksCount', 14, 'uint32'],
    ['status', 15, 'Status'],
    ['flags', 16, 'fixed32'],
  ]);
  span.add(
    new Enum('SpanKind', {
      SPAN_KIND_UNSPECIFIED: 0,
      SPAN_KIND_INTERNAL: 1,
      SPAN_KIND_SERVER: 2,
      SPAN_KIND_CLIENT: 3,
      SPAN_KIND_PRODUCER: 4,
      SPAN_KIND_CONSUMER: 5,
    }),
  );
  span.add(
    message('Event', [
      ['timeUnixNano', 1, 'fixed64'],
      ['name', 2, 'string'],
      ['attributes', 3, 'KeyValue', 'repeated'],
      ['droppedAttributesCount', 4, 'uint32'],
    ]),
  );
  span.add(
    message('Link', [
      ['traceId', 1, 'bytes'],
      ['spanId', 2, 'bytes'],
      ['traceState', 3, 'string'],
      ['attributes', 4, 'KeyValue', 'repeated'],
      ['droppedAttributesCount', 5, 'uint32'],
      ['flags', 6, 'fixed32'],
    ]),
  );
  return span;
}

/**
 * Builds the OTLP `ExportTraceServiceRequest` message tree and returns its root type. All
 * messages live in one namespace (`opentelemetry.otlp`): the package names of the official
 * `.proto` files never appear on the wire, only field numbers do.
 *
 * @example
 * const request = createOtlpTraceSchema();
 * const message = request.decode(bytes);
 */
export function createOtlpTraceSchema(): OtlpMessageType {
  const ns = new Root().define('opentelemetry.otlp');
  ns.add(anyValueType());
  ns.add(message('ArrayValue', [['values', 1, 'AnyValue', 'repeated']]));
  ns.add(message('KeyValueList', [['values', 1, 'KeyValue', 'repeated']]));
  ns.add(
    message('KeyValue', [
      ['key', 1, 'string'],
      ['value', 2, 'AnyValue'],
    ]),
  );
  ns.add(
    message('InstrumentationScope', [
      ['name', 1, 'string'],
      ['version', 2, 'string'],
      ['attributes', 3, 'KeyValue', 'repeated'],
      ['droppedAttributesCount', 4, 'uint32'],
    ]),
  );
  ns.add(
    message('Resource', [
      ['attributes', 1, 'KeyValue', 'repeated'],
      ['droppedAttributesCount', 2, 'uint32'],
    ]),
  );
  const status = message('Status', [
    ['message', 2, 'string'],
    ['code', 3, 'StatusCode'],
  ]);
  status.add(new Enum('StatusCode', { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 }));
  ns.add(status);
  ns.add(spanType());
  ns.add(
    message('ScopeSpans', [
      ['scope', 1, 'InstrumentationScope'],
      ['spans', 2, 'Span', 'repeated'],
      ['schemaUrl', 3, 'string'],
    ]),
  );
  ns.add(
    message('ResourceSpans', [
      ['resource', 1, 'Resource'],
      ['scopeSpans', 2, 'ScopeSpans', 'repeated'],
      ['schemaUrl', 3, 'string'],
    ]),
  );
  const request = message('ExportTraceServiceRequest', [['resourceSpans', 1, 'ResourceSpans', 'repeated']]);
  ns.add(request);
  ns.root.resolveAll();
  return request;
}
