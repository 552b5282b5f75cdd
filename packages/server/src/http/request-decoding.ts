import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ApiError, type WireIssue } from '@loupe/protocol';
import type { z } from 'zod';

/**
 * Query-string fields, MLflow style: a key given once is a string, a repeated key an array.
 *
 * @example
 * queryToObject(new URL('http://x/?run_ids=a&run_ids=b&metric_key=m').searchParams);
 * // { run_ids: ['a', 'b'], metric_key: 'm' }
 */
export function queryToObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/**
 * Reads a request body up to `maxBytes`, failing fast on a larger Content-Length and stopping the
 * stream as soon as the limit is passed (never buffering an oversize body). The error is a 413
 * (`RESOURCE_LIMIT_EXCEEDED`).
 *
 * @example
 * const bytes = await readBodyLimited(request, 16 * 1024 * 1024);
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    total += next.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    parts.push(next.value);
  }
  return joined(parts, total);
}

/**
 * {@link readBodyLimited} straight from Node's request stream (every request a served Loupe gets; no
 * web stream in between). Past the limit it stops listening and leaves the stream paused, never
 * destroyed: destroying it would reset the connection before the 413 reaches the client. The rest of
 * the body is then discarded while the connection closes (`http/node-server.ts`).
 *
 * @example
 * const bytes = await readNodeBodyLimited(c.env.incoming, 16 * 1024 * 1024);
 */
export function readNodeBodyLimited(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(incoming.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(bodyTooLarge(maxBytes));
  if (incoming.readableEnded) return Promise.resolve(new Uint8Array());
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    let total = 0;
    const stop = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onAbort);
      incoming.off('close', onAbort);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total <= maxBytes) {
        parts.push(chunk);
        return;
      }
      stop();
      incoming.pause();
      reject(bodyTooLarge(maxBytes));
    };
    const onEnd = () => {
      stop();
      resolve(joined(parts, total));
    };
    const onAbort = (err?: Error) => {
      stop();
      reject(new ApiError('BAD_REQUEST', `The request body could not be read to its end: ${err?.message ?? 'the client closed the connection'}.`));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onAbort);
    incoming.on('close', onAbort);
  });
}

/**
 * The request's body up to `maxBytes`: from Node's stream when Node serves the request (`c.env.incoming`),
 * else from the web Request (`app.request()` in tests).
 *
 * @example
 * const bytes = await readRequestBody(c, options.maxBodyBytes);
 */
export function readRequestBody(c: Context, maxBytes: number): Promise<Uint8Array> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming ? readNodeBodyLimited(incoming, maxBytes) : readBodyLimited(c.req.raw, maxBytes);
}

/**
 * The request's body as a stream, never buffered: Node's own request stream when Node serves the
 * request (no web-stream layer in between: a third less CPU per streamed gigabyte), else the web
 * Request's body (`app.request()` in tests); null when there is none.
 *
 * @example
 * await artifacts.putProxied(path, streamedRequestBody(c) ?? NO_BODY);
 */
export function streamedRequestBody(c: Context): AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming ?? c.req.raw.body;
}

function bodyTooLarge(maxBytes: number): ApiError {
  return new ApiError('RESOURCE_LIMIT_EXCEEDED', `Request body is too large: the limit is ${maxBytes} bytes.`);
}

/** The parts in one buffer that owns its memory (it may be transferred to a worker thread). */
function joined(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/**
 * Parses a JSON request body the way MLflow does: empty means `{}`, a JSON string holding JSON is
 * decoded again (old clients), and anything but an object is rejected.
 *
 * @example
 * parseJsonBody('"{\\"a\\": 1}"'); // { a: 1 }
 */
export function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch (err) {
    throw new ApiError('MALFORMED_REQUEST', `Malformed JSON request body: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('MALFORMED_REQUEST', 'Malformed JSON request body: expected a JSON object.');
  }
  return value as Record<string, unknown>;
}

/**
 * Rejects a POST/PUT whose Content-Type is not JSON (parameters such as charset are ignored), as
 * MLflow's server does.
 *
 * @example
 * checkJsonContentType('POST', 'application/json; charset=utf-8'); // ok
 */
export function checkJsonContentType(method: string, contentType: string | null): void {
  if (method !== 'POST' && method !== 'PUT') return;
  if (!contentType) throw ApiError.invalid('Bad Request. Content-Type header is missing.');
  const mime = contentType.split(';', 1)[0]?.trim().toLowerCase();
  if (mime !== 'application/json') {
    throw ApiError.invalid(`Bad Request. Content-Type must be one of ['application/json'], got '${mime}'.`);
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const DESCRIBE_CHARS = 200;
const DESCRIBE_DEPTH = 8;

/**
 * A value as JSON for an error message, cut at 200 characters. It walks at most 8 levels and stops once
 * it has enough text, so a hostile value (an array nested 10,000 deep, a huge object) costs little and
 * cannot overflow the stack, as `JSON.stringify` of the whole value would.
 *
 * @example
 * describeValue([[[1]]]); // '[[[1]]]'
 */
export function describeValue(value: unknown): string {
  let text = '';
  const write = (v: unknown, depth: number): void => {
    if (text.length > DESCRIBE_CHARS) return;
    if (v === null || typeof v !== 'object') {
      text += typeof v === 'string' ? JSON.stringify(v.length > DESCRIBE_CHARS ? v.slice(0, DESCRIBE_CHARS) : v) : String(v);
      return;
    }
    if (depth >= DESCRIBE_DEPTH) {
      text += Array.isArray(v) ? '[...]' : '{...}';
      return;
    }
    const list = Array.isArray(v);
    text += list ? '[' : '{';
    let first = true;
    // for...in stops early: a value with 100,000 entries is not copied to describe its first few.
    for (const key in v) {
      if (!first) text += ',';
      first = false;
      if (!list) text += `${JSON.stringify(key)}:`;
      write((v as Record<string, unknown>)[key], depth + 1);
      if (text.length > DESCRIBE_CHARS) break;
    }
    text += list ? ']' : '}';
  };
  write(value, 0);
  return text.length > DESCRIBE_CHARS ? `${text.slice(0, DESCRIBE_CHARS)}...` : text;
}

/**
 * Validates a decoded request against its schema; the first problem becomes an
 * INVALID_PARAMETER_VALUE naming the parameter and the value, in MLflow's wording. Checks declared
 * with `requiredStr`, `maxChars` or `wireCheck` ({@link WireIssue}) answer with their own message.
 *
 * @example
 * decodeRequest(TrackingRequests.GetExperiment, { experiment_id: '1' });
 */
export function decodeRequest<S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const name = path.map(String).join('.') || 'request';
  const wire = (issue as { params?: WireIssue } | undefined)?.params;
  if (wire?.loupe === 'invalid') throw ApiError.invalid(issue?.message ?? 'invalid value');
  if (wire?.loupe === 'missing') throw ApiError.missing(wire.field ?? name);
  const value = valueAt(input, path);
  if (value === undefined) throw ApiError.missing(name);
  throw ApiError.invalid(`Invalid value ${describeValue(value)} for parameter '${name}' supplied: ${issue?.message ?? 'invalid value'}.`);
}
