/**
 * What the provider layer needs from its surroundings, injected: an outbound HTTP client shaped like
 * `fetch` (the server passes its SSRF-guarded one; tests the global `fetch`) and a clock.
 */

/** One outbound request: always a POST with a JSON body. */
export interface LlmFetchInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
}

/** The parts of a `fetch` Response the layer reads; the body is read as a stream of bytes. */
export interface LlmFetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  body: AsyncIterable<Uint8Array> | null;
}

/**
 * A fetch-like function. The global `fetch` is one; so is any client that answers with a status,
 * headers and a streamed body.
 *
 * @example
 * const transport: LlmFetch = (url, init) => fetch(url, init);
 */
export type LlmFetch = (url: string, init: LlmFetchInit) => Promise<LlmFetchResponse>;

/**
 * Time, injected so tests never sleep: wall time for `created` stamps and AWS signatures, monotonic
 * time for rate limits and durations, and the timer of per-attempt time limits. The server's
 * `Clock` is one.
 *
 * @example
 * const clock: LlmClock = { now: () => Date.now(), monotonic: () => performance.now(), setTimeout: (f, ms) => { const t = setTimeout(f, ms); return { cancel: () => clearTimeout(t) }; } };
 */
export interface LlmClock {
  now(): number;
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

/**
 * The real clock (`Date.now`, `performance.now`, unref'd Node timers).
 *
 * @example
 * createLlmEngine({ fetch, clock: systemLlmClock });
 */
export const systemLlmClock: LlmClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms).unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
