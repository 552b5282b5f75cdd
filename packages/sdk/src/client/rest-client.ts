import { apiErrorFrom } from './api-error.js';
import type { Query, Transport, TransportRequest } from './transport.js';

/** Integer fields that hold nanoseconds: kept as decimal strings, since a JS number would round them. */
const NANOS_FIELD = /"(start_time_unix_nano|end_time_unix_nano|time_unix_nano)":(\d+)/g;

/**
 * JSON over a transport, with MLflow's conventions: JSON bodies, error answers turned into
 * {@link LoupeApiError}. Every resource of the tracking client is built on it.
 *
 * @example
 * const rest = new RestClient(transport);
 * const { experiment_id } = await rest.post<{ experiment_id: string }>('/api/2.0/mlflow/experiments/create', { name: 'x' });
 */
export class RestClient {
  constructor(readonly transport: Transport) {}

  /** GET with query parameters. */
  get<T>(path: string, query?: Query): Promise<T> {
    return this.call<T>({ method: 'GET', path, ...(query ? { query } : {}) });
  }

  /** POST a JSON body. */
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>(jsonRequest('POST', path, body));
  }

  /** PATCH a JSON body. */
  patch<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>(jsonRequest('PATCH', path, body));
  }

  /** DELETE, with a JSON body when given (MLflow's DELETE routes read one). */
  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>(body === undefined ? { method: 'DELETE', path } : jsonRequest('DELETE', path, body));
  }

  /** Sends a request and parses the JSON answer; throws {@link LoupeApiError} on a non-2xx status. */
  async call<T>(req: TransportRequest): Promise<T> {
    const res = await this.transport.request(req);
    if (!res.ok) throw await apiErrorFrom(res, req.method, req.path);
    const text = await res.text();
    if (!text) return {} as T;
    // Fast path: only span payloads carry nanosecond integers.
    return JSON.parse(text.includes('_unix_nano"') ? text.replace(NANOS_FIELD, '"$1":"$2"') : text) as T;
  }

  /** Sends a request and returns the raw response (downloads); throws on a non-2xx status. */
  async raw(req: TransportRequest): Promise<Response> {
    const res = await this.transport.request(req);
    if (!res.ok) throw await apiErrorFrom(res, req.method, req.path);
    return res;
  }
}

function jsonRequest(method: 'POST' | 'PATCH' | 'DELETE', path: string, body: unknown): TransportRequest {
  return { method, path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
