import { errorFromStatus, LlmError } from '../errors.js';
import type { AnswerMeta, ProviderAdapter, ProviderCall, ProviderModel } from '../providers/provider-adapter.js';
import type { LlmClock, LlmFetch, LlmFetchResponse } from '../transport.js';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../types.js';

/** What one provider call needs. */
export interface CallDeps {
  fetch: LlmFetch;
  clock: LlmClock;
  /** Time limit until the answer (for a stream: until its first chunk). */
  timeoutMs: number;
}

/**
 * The wait a 429 asks for: `retry-after-ms` (OpenAI), else `retry-after` in seconds.
 *
 * @example
 * retryAfterOf(new Headers({ 'retry-after': '2' })); // 2000
 */
export function retryAfterOf(headers: LlmFetchResponse['headers']): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms)) return Math.max(0, ms);
  const seconds = Number(headers.get('retry-after') ?? NaN);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}

/** Any failure as an LlmError: ours as they are, a transport's as a connection error (or a timeout). */
function classify(err: unknown, provider: string, timedOut: boolean, timeoutMs: number): LlmError {
  if (err instanceof LlmError) return err;
  if (timedOut) return new LlmError('timeout', `${provider} did not answer within ${timeoutMs} ms`, 504, { provider, cause: err });
  const e = err as { kind?: unknown; message?: string; cause?: { code?: string; message?: string } };
  // A transport's refusal (the server's SSRF guard: `kind: 'refused'`) is the endpoint's configuration, not an outage.
  if (e.kind === 'refused')
    return new LlmError('configuration', `${provider}: ${e.message ?? 'refused by the outbound policy'}`, 502, { provider, cause: err });
  const detail = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
  return new LlmError('connection', `could not reach ${provider}: ${detail}`, 502, { provider, cause: err });
}

/** One attempt's request in flight: its abort controller and time limit. */
class Flight {
  readonly controller = new AbortController();
  timedOut = false;
  private readonly timer: { cancel(): void };
  private readonly onAbort: () => void;

  constructor(
    private readonly deps: CallDeps,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = deps.clock.setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('timeout'));
    }, deps.timeoutMs);
    this.onAbort = () => this.controller.abort(signal?.reason);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  stopTimer(): void {
    this.timer.cancel();
  }

  end(): void {
    this.timer.cancel();
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  /** What to throw for a failure: the caller's abort reason, else the failure as an LlmError. */
  failure(err: unknown, provider: string): unknown {
    this.end();
    if (this.signal?.aborted) return this.signal.reason;
    return classify(err, provider, this.timedOut, this.deps.timeoutMs);
  }
}

async function send(provider: string, call: ProviderCall, deps: CallDeps, flight: Flight) {
  const res = await deps.fetch(call.url, { method: 'POST', headers: call.headers, body: call.body, signal: flight.controller.signal });
  if (res.status < 200 || res.status >= 300) {
    const text = await res.text().catch(() => '');
    throw errorFromStatus(provider, res.status, text, res.status === 429 ? retryAfterOf(res.headers) : undefined);
  }
  return res;
}

/**
 * Sends one provider call and reads its JSON answer with `read`: the result, or an LlmError.
 * `call` is built inside the attempt, so a request the adapter refuses is an LlmError too.
 * Aborting `signal` rejects with its reason.
 *
 * @example
 * const answer = await callJson('openai', () => openaiAdapter.embeddingsCall!(model, request), (json) => json, deps);
 */
export async function callJson<T>(provider: string, call: () => ProviderCall, read: (json: unknown) => T, deps: CallDeps, signal?: AbortSignal): Promise<T> {
  const flight = new Flight(deps, signal);
  try {
    const res = await send(provider, call(), deps, flight);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new LlmError('invalid_response', `${provider} answered ${res.status} with a body that is not JSON`, 502, { provider, cause: err });
    }
    const result = read(json);
    flight.end();
    return result;
  } catch (err) {
    throw flight.failure(err, provider);
  }
}

/**
 * Calls a provider without streaming: the answer as a `chat.completion`, or an LlmError.
 * Aborting `signal` rejects with its reason.
 *
 * @example
 * const completion = await callChat(anthropicAdapter, model, request, meta, { fetch, clock, timeoutMs: 60_000 });
 */
export function callChat(
  adapter: ProviderAdapter,
  model: ProviderModel,
  request: ChatRequest,
  meta: AnswerMeta,
  deps: CallDeps,
  signal?: AbortSignal,
): Promise<ChatCompletion> {
  return callJson(
    adapter.provider,
    () => adapter.chatCall(model, request, { stream: false, now: deps.clock.now() }),
    (json) => adapter.chatAnswer(json, model, meta),
    deps,
    signal,
  );
}

/** A stream whose first chunk has arrived: that chunk, then the rest. */
export interface OpenedStream {
  first: ChatCompletionChunk;
  rest: AsyncIterator<ChatCompletionChunk>;
  /** Stops the request (a consumer that leaves early). */
  cancel(): void;
}

/**
 * Calls a provider with streaming and waits for the first converted chunk, so failures before
 * anything could be sent (an error status, a refused connection, an error event first) are
 * still an LlmError the caller may fall back on. Later failures surface from `rest` as LlmErrors.
 *
 * @example
 * const { first, rest } = await openChatStream(geminiAdapter, model, request, meta, deps);
 */
export async function openChatStream(
  adapter: ProviderAdapter,
  model: ProviderModel,
  request: ChatRequest,
  meta: AnswerMeta,
  deps: CallDeps,
  signal?: AbortSignal,
): Promise<OpenedStream> {
  const flight = new Flight(deps, signal);
  let iterator: AsyncIterator<ChatCompletionChunk>;
  let first: IteratorResult<ChatCompletionChunk>;
  try {
    const res = await send(adapter.provider, adapter.chatCall(model, request, { stream: true, now: deps.clock.now() }), deps, flight);
    if (!res.body) throw new LlmError('invalid_response', `${adapter.provider} answered a stream without a body`, 502, { provider: adapter.provider });
    iterator = adapter.chatStream(res.body, model, meta)[Symbol.asyncIterator]();
    first = await iterator.next();
    if (first.done) throw new LlmError('invalid_response', `${adapter.provider} streamed nothing`, 502, { provider: adapter.provider });
  } catch (err) {
    throw flight.failure(err, adapter.provider);
  }
  // From here a slow stream is the consumer's concern (it may stop it); the time limit was for the start.
  flight.stopTimer();
  const rest: AsyncIterator<ChatCompletionChunk> = {
    async next() {
      try {
        const next = await iterator.next();
        if (next.done) flight.end();
        return next;
      } catch (err) {
        throw flight.failure(err, adapter.provider);
      }
    },
    async return() {
      flight.end();
      flight.controller.abort(new Error('stream closed by the consumer'));
      await iterator.return?.().catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
  return {
    first: first.value,
    rest,
    cancel: () => void rest.return?.(),
  };
}
