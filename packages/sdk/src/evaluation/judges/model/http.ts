import { nodeFetch, type FetchLike } from '../../../client/node-fetch.js';

/**
 * The one way the judge model layer reaches a provider: a JSON POST over `fetch` (by default the SDK's keep-alive `nodeFetch`) with a per-attempt
 * timeout, the caller's AbortSignal, and retries with exponential backoff and jitter on 408, 409,
 * 429, 5xx (529 included) and network errors, honouring `Retry-After` / `retry-after-ms`.
 */

/** How a model call retries. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  maxRetries: number;
  /** The first backoff; each retry doubles it (default 500 ms). */
  initialBackoffMs: number;
  /** Cap of a computed backoff (default 20 s). */
  maxBackoffMs: number;
  /** Cap of a server's `Retry-After` (default 60 s): a longer wait fails the call instead. */
  maxRetryAfterMs: number;
  /** Time limit of one attempt (default 60 s). */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  initialBackoffMs: 500,
  maxBackoffMs: 20_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 60_000,
};

/** What the HTTP layer needs from its surroundings, injected so tests never sleep for real. */
export interface HttpDeps {
  /** Default: {@link nodeFetch} (keep-alive `node:http`); the global `fetch` works too. */
  fetch: FetchLike;
  /** Waits `ms` (rejects when `signal` aborts). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1), for jitter. */
  random: () => number;
}

/** Why a model call failed: `status` for an HTTP error answer, none for a network error or timeout. */
export class JudgeModelError extends Error {
  override readonly name = 'JudgeModelError';
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Attempts made, retries included. */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Waits `ms`, or rejects with the signal's reason when it aborts first.
 *
 * @example
 * await abortableSleep(250, signal);
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const DEFAULT_HTTP_DEPS: HttpDeps = { fetch: nodeFetch, sleep: abortableSleep, random: Math.random };

const RETRYABLE = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

/**
 * The wait a response asks for: `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an
 * HTTP date; undefined when it asks for none.
 *
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' }), Date.now()); // 2000
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  if (Number.isFinite(Number(after))) return Math.max(0, Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with equal jitter: half the step fixed, half random. */
function backoffMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** retry);
  return step / 2 + random() * (step / 2);
}

function errorText(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const e = json.error;
    const message = typeof e === 'string' ? e : (e?.message ?? json.message);
    if (message) return message;
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 300);
}

/** One request's description for {@link postJson}. */
export interface JsonPost {
  url: string;
  headers: Record<string, string>;
  /** The body as JSON text (signers need the exact bytes). */
  body: string;
  /** Recomputes headers per attempt (AWS signatures carry a timestamp). */
  sign?: (body: string) => Record<string, string>;
}

/**
 * POSTs `request` and returns the JSON answer, retrying per `policy`. Aborting `signal` stops at once
 * and rejects with the signal's reason; other failures reject with a {@link JudgeModelError}.
 *
 * @example
 * const answer = await postJson({ url, headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(payload) }, DEFAULT_RETRY_POLICY, DEFAULT_HTTP_DEPS, signal);
 */
export async function postJson(request: JsonPost, policy: RetryPolicy, deps: HttpDeps, signal?: AbortSignal): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let waitMs: number | undefined;
    let failure: JudgeModelError;
    try {
      const headers = { 'content-type': 'application/json', ...request.headers, ...(request.sign?.(request.body) ?? {}) };
      const res = await deps.fetch(request.url, { method: 'POST', headers, body: request.body, signal: attemptSignal });
      const text = await res.text();
      if (res.ok) {
        try {
          return JSON.parse(text) as unknown;
        } catch (err) {
          throw new JudgeModelError(`the provider answered ${res.status} with a body that is not JSON`, res.status, attempt, { cause: err });
        }
      }
      failure = new JudgeModelError(`the provider answered ${res.status}: ${errorText(text)}`, res.status, attempt);
      if (!RETRYABLE(res.status)) throw failure;
      waitMs = retryAfterMs(res.headers, Date.now());
      if (waitMs !== undefined && waitMs > policy.maxRetryAfterMs) throw failure;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof JudgeModelError) throw err;
      const timedOut = timeout.aborted;
      failure = new JudgeModelError(
        timedOut ? `the provider did not answer within ${policy.timeoutMs} ms` : `could not reach the provider: ${(err as Error).message}`,
        undefined,
        attempt,
        { cause: err },
      );
    }
    if (attempt > policy.maxRetries) throw failure;
    await deps.sleep(waitMs ?? backoffMs(policy, attempt - 1, deps.random), signal);
  }
}
