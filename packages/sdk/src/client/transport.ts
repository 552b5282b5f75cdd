import { nodeFetch, type FetchLike } from './node-fetch.js';

/** Query parameters; arrays become repeated keys (`?run_ids=a&run_ids=b`), as MLflow reads them. */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** A request body: text, bytes, or a stream (streamed as it is read, never buffered whole). */
export type RequestBody = string | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** One HTTP request to the tracking server, by path. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the tracking URI, starting with `/`. */
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Overrides the transport's timeout for this request (ms). */
  timeoutMs?: number;
}

/**
 * How the SDK reaches a server: one method. Cross-cutting behaviour (auth, headers) wraps a
 * transport; tests and special networks can supply their own.
 *
 * @example
 * const transport = withHeaders(createHttpTransport({ baseUrl: 'http://127.0.0.1:5000' }), basicAuthHeaders('ann', 'pw'));
 * const res = await transport.request({ method: 'GET', path: '/health' });
 */
export interface Transport {
  request(req: TransportRequest): Promise<Response>;
}

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** The tracking URI, e.g. `http://127.0.0.1:5000` (a path prefix is kept). */
  baseUrl: string;
  /** Per-request timeout in ms (default 30,000, as MLflow's `MLFLOW_HTTP_REQUEST_TIMEOUT`). */
  timeoutMs?: number;
  /** The `fetch` to use (default {@link nodeFetch}: `node:http` with keep-alive; the global `fetch` works too). */
  fetch?: FetchLike;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * A transport over `fetch`: by default {@link nodeFetch} (`node:http` with keep-alive, a third of the
 * CPU per request of the global `fetch`).
 *
 * @example
 * const transport = createHttpTransport({ baseUrl: 'http://127.0.0.1:5000', timeoutMs: 10_000 });
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? nodeFetch;
  const defaultTimeout = options.timeoutMs ?? 30_000;
  return {
    request(req) {
      const url = `${base}${req.path}${queryString(req.query)}`;
      const init: RequestInit & { duplex?: 'half' } = {
        method: req.method,
        headers: req.headers ?? {},
        signal: AbortSignal.timeout(req.timeoutMs ?? defaultTimeout),
      };
      if (req.body !== undefined) {
        init.body = req.body as NonNullable<RequestInit['body']>;
        // Streams need half-duplex in Node's fetch.
        if (typeof req.body !== 'string' && !(req.body instanceof Uint8Array)) init.duplex = 'half';
      }
      return doFetch(url, init);
    },
  };
}

/**
 * A transport that adds headers (auth, workspace) to every request; request headers win.
 *
 * @example
 * withHeaders(transport, { authorization: 'Bearer abc', 'x-mlflow-workspace': 'team-a' });
 */
export function withHeaders(transport: Transport, headers: Record<string, string>): Transport {
  if (Object.keys(headers).length === 0) return transport;
  return { request: (req) => transport.request({ ...req, headers: { ...headers, ...req.headers } }) };
}

/**
 * Authorization headers for MLflow's auth (spec §10.1): Basic wins over a bearer token; none without either.
 *
 * @example
 * authHeaders({ username: 'ann', password: 'pw' }); // { authorization: 'Basic YW5uOnB3' }
 */
export function authHeaders(auth: { username?: string; password?: string; token?: string }): Record<string, string> {
  if (auth.username !== undefined && auth.password !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  }
  if (auth.token) return { authorization: `Bearer ${auth.token}` };
  return {};
}
