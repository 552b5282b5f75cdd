import { anyValue, isDict, parseExact } from '../../services/traces/trace-json.js';

/**
 * The `traces.json` document (spec §4.6b) the UI's `get-trace-artifact` downloads, written from stored
 * spans (OTel proto JSON text, spec §4.6a) a span at a time.
 */

type Dict = Record<string, unknown>;

function attributeMap(list: unknown): Record<string, unknown> {
  return Array.isArray(list) ? Object.fromEntries(list.filter(isDict).map((kv) => [String(kv.key), anyValue(kv.value)])) : {};
}

function integer(v: unknown): string {
  const text = String(v ?? '0');
  return /^\d+$/.test(text) ? text : '0';
}

/**
 * A stored span (OTel proto JSON text, spec §4.6a) as a `traces.json` span dict in the dialect MLflow
 * 3's `Span.to_dict` writes and every reader accepts: base64 ids, `STATUS_CODE_*`, attributes as a map
 * of MLflow's JSON-encoded values, nanosecond times exact.
 *
 * @example
 * traceJsonSpan(storedContent); // '{"trace_id":"q83v…","span_id":"…","parent_span_id":"",...}'
 */
export function traceJsonSpan(content: string): string {
  const s = parseExact(content) as Dict;
  const status = isDict(s.status) ? s.status : {};
  const head = JSON.stringify({ trace_id: s.trace_id, span_id: s.span_id, parent_span_id: s.parent_span_id ?? '', name: s.name });
  const events = (Array.isArray(s.events) ? s.events.filter(isDict) : []).map(
    (e) => `{"name":${JSON.stringify(e.name ?? '')},"time_unix_nano":${integer(e.time_unix_nano)},"attributes":${JSON.stringify(attributeMap(e.attributes))}}`,
  );
  const tail = JSON.stringify({ status: { code: status.code ?? 'STATUS_CODE_UNSET', message: status.message ?? '' }, attributes: attributeMap(s.attributes) });
  // Times written as raw integer literals, so nanoseconds survive exactly.
  return `${head.slice(0, -1)},"start_time_unix_nano":${integer(s.start_time_unix_nano)},"end_time_unix_nano":${integer(s.end_time_unix_nano)},"events":[${events.join(',')}],${tail.slice(1)}`;
}

/**
 * The whole `traces.json` document for a trace's stored spans, in pieces.
 *
 * @example
 * for await (const piece of traceJsonDocument(spans)) response.write(piece);
 */
export async function* traceJsonDocument(spans: AsyncIterable<string>): AsyncGenerator<string> {
  yield '{"spans":[';
  let first = true;
  for await (const content of spans) {
    yield `${first ? '' : ','}${traceJsonSpan(content)}`;
    first = false;
  }
  yield ']}';
}
