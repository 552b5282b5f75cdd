/**
 * The UI's one door to the server: JSON over `/ajax-api/...` (as MLflow's UI calls it) and Loupe's read
 * endpoints. Errors come back as {@link ApiRequestError} carrying MLflow's `error_code` and message.
 */
import { parseApiErrorBody } from '@loupe/protocol';

/** The signed-in browser session's CSRF token, sent with every write (`X-CSRF-Token`); empty without auth. */
let csrfToken = '';
/** Called when the server says the session has ended (a 401), so the app can show its login page. */
let onSignedOut: (() => void) | undefined;

/**
 * Sets what the client sends and does for a browser session: its CSRF token, and what to do when a
 * call answers 401 (the session ended). The session bootstrap calls it after `GET /auth/session`.
 *
 * @example
 * configureSession({ csrfToken: session.csrf_token, onSignedOut: () => void refetchSession() });
 */
export function configureSession(options: { csrfToken: string; onSignedOut?: () => void }): void {
  csrfToken = options.csrfToken;
  onSignedOut = options.onSignedOut;
}

/** Headers a request of `method` carries: the CSRF token on writes (cookie-authenticated writes need it). */
export function sessionHeaders(method: string): Record<string, string> {
  return csrfToken !== '' && !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) ? { 'x-csrf-token': csrfToken } : {};
}

/**
 * A failed API call: HTTP status plus MLflow's `{error_code, message}` when the server sent one.
 *
 * @example
 * if (err instanceof ApiRequestError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') showNotFound();
 */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** Query values; arrays repeat the key (`?run_ids=a&run_ids=b`), as MLflow's GET RPCs read them. */
export type QueryParams = Record<string, string | number | boolean | readonly string[] | undefined>;

/** Options of one request. */
export interface RequestOptions {
  query?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * A URL under `/ajax-api/` with its query string.
 *
 * @example
 * apiUrl('2.0/mlflow/runs/get', { run_id: 'abc' }); // '/ajax-api/2.0/mlflow/runs/get?run_id=abc'
 */
export function apiUrl(path: string, query?: QueryParams): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return `/ajax-api/${path}${qs ? `?${qs}` : ''}`;
}

async function errorOf(res: Response): Promise<ApiRequestError> {
  if (res.status === 401) onSignedOut?.();
  const text = await res.text().catch(() => '');
  const { errorCode, message } = parseApiErrorBody(res.status, text);
  // Without an MLflow message (a bare 404, a proxy's page) the start of the text says what happened.
  return new ApiRequestError(res.status, errorCode, message ?? (text.slice(0, 300) || `HTTP ${res.status}`));
}

/**
 * Calls one RPC and returns its JSON answer (an empty body is `{}`).
 *
 * @example
 * const { experiments } = await apiRequest<{ experiments?: Experiment[] }>('POST', '2.0/mlflow/experiments/search', { body: { max_results: 100 } });
 */
export async function apiRequest<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const init: RequestInit = { method, headers: sessionHeaders(method), ...(options.signal ? { signal: options.signal } : {}) };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { ...sessionHeaders(method), 'content-type': 'application/json' };
  }
  const res = await fetch(apiUrl(path, options.query), init);
  if (!res.ok) throw await errorOf(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/**
 * Reads a run artifact as text through `GET /get-artifact` (MLflow has no `/ajax-api` twin of it).
 *
 * @example
 * const text = await fetchArtifactText('abc123', 'notes/hello.txt');
 */
export async function fetchArtifactText(runId: string, path: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(artifactUrl(runId, path), signal ? { signal } : {});
  if (!res.ok) throw await errorOf(res);
  return res.text();
}

/**
 * The URL of a run artifact's bytes (for `<img src>` and downloads).
 *
 * @example
 * artifactUrl('abc123', 'plots/loss.png'); // '/get-artifact?run_id=abc123&path=plots%2Floss.png'
 */
export function artifactUrl(runId: string, path: string): string {
  return `/get-artifact?${new URLSearchParams({ run_id: runId, path }).toString()}`;
}
