import { randomUUID } from 'node:crypto';
import { PriceCatalog, type LlmCost } from '@loupe/protocol/pricing';
import { LlmError, type LlmErrorKind } from '../errors.js';
import { anthropicAdapter } from '../providers/anthropic.js';
import { bedrockAdapter } from '../providers/bedrock.js';
import { geminiAdapter } from '../providers/gemini.js';
import { openaiAdapter } from '../providers/openai.js';
import type { ProviderAdapter, ProviderName } from '../providers/provider-adapter.js';
import { systemLlmClock, type LlmClock, type LlmFetch } from '../transport.js';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ChatUsage, EmbeddingsRequest, EmbeddingsResponse } from '../types.js';
import { callChat, callJson, openChatStream, type CallDeps, type OpenedStream } from './provider-call.js';
import { EndpointRateLimiters } from './rate-limiter.js';
import { routeOrder, type EndpointModel, type ResolvedEndpoint } from './routing.js';
import { trackStream, type StreamSummary } from './tracked-stream.js';

export type { StreamSummary } from './tracked-stream.js';

/** The model that answered (or was tried). */
export interface ServedModel {
  provider: ProviderName;
  modelName: string;
  linkage: 'PRIMARY' | 'FALLBACK';
}

/** One try of one model. */
export interface LlmAttempt extends ServedModel {
  ok: boolean;
  /** Monotonic milliseconds until the answer (for a stream: its first chunk) or the failure. */
  durationMs: number;
  error?: { kind: LlmErrorKind; status: number; message: string };
}

/** A non-streaming call's outcome. */
export interface ChatInvocation {
  completion: ChatCompletion;
  servedBy: ServedModel;
  attempts: LlmAttempt[];
  usage: ChatUsage;
  /** Undefined when the price catalog does not know the model. */
  cost: LlmCost | undefined;
}

/** An embeddings call's outcome. */
export interface EmbeddingsInvocation {
  response: EmbeddingsResponse;
  servedBy: ServedModel;
  attempts: LlmAttempt[];
  /** Undefined when the price catalog does not know the model. */
  cost: LlmCost | undefined;
}

/** A streaming call that has started: the model is chosen, the chunks are to be read once. */
export interface StreamInvocation {
  servedBy: ServedModel;
  attempts: LlmAttempt[];
  /**
   * `chat.completion.chunk`s; a failure after the first surfaces here as an LlmError (no fallback
   * then). Read them to the end, or stop with `return()` (a `for await` left early does), so the
   * provider's answer is stopped and `summary` resolves.
   */
  chunks: AsyncIterable<ChatCompletionChunk>;
  /** Resolves (never rejects) once the chunks are read to the end, broken off, or left. */
  summary: Promise<StreamSummary>;
}

/** A failure of every model tried; `attempts` say what each did. */
export class LlmInvocationError extends LlmError {
  constructor(
    last: LlmError,
    readonly attempts: LlmAttempt[],
  ) {
    super(last.kind, last.message, last.status, {
      cause: last,
      ...(last.provider ? { provider: last.provider } : {}),
      ...(last.retryAfterMs !== undefined ? { retryAfterMs: last.retryAfterMs } : {}),
    });
  }
}

/** What the engine runs on. */
export interface LlmEngineOptions {
  /** The outbound HTTP client (the server's SSRF-guarded one). */
  fetch: LlmFetch;
  clock?: LlmClock;
  /** [0, 1), for the weighted choice of PRIMARY models (default Math.random). */
  random?: () => number;
  prices?: PriceCatalog;
  /** Per attempt: until the answer, or a stream's first chunk (default 120 s). */
  timeoutMs?: number;
  /** Answer ids (default `chatcmpl-<uuid>`). */
  newId?: () => string;
  /** Adapters by provider, to add or replace one (default: openai, anthropic, bedrock, gemini). */
  adapters?: Partial<Record<string, ProviderAdapter>>;
}

/**
 * The gateway's invocation engine: chat calls against a resolved endpoint, in OpenAI's Chat
 * Completions shape whatever the provider.
 *
 * @example
 * const engine = createLlmEngine({ fetch: guardedFetch, clock });
 * const { completion, servedBy, cost } = await engine.chat(endpoint, { messages: [{ role: 'user', content: 'Hi' }] });
 */
export interface LlmEngine {
  /**
   * One answer: the endpoint's rate limit is checked (`endpoint_rate_limited` when spent), a
   * PRIMARY model is chosen by weight, and on a retryable failure (429, 5xx, connection, timeout)
   * each FALLBACK model is tried in order. Rejects with an {@link LlmInvocationError} when no model
   * answered (a client error stops at once), or the signal's reason when it aborts.
   */
  chat(endpoint: ResolvedEndpoint, request: ChatRequest, options?: { signal?: AbortSignal }): Promise<ChatInvocation>;
  /**
   * A stream, with the same choice and fallbacks until its first chunk has arrived; after that a
   * failure ends the stream with an error instead.
   */
  chatStream(endpoint: ResolvedEndpoint, request: ChatRequest, options?: { signal?: AbortSignal }): Promise<StreamInvocation>;
  /** Embeddings (OpenAI and Gemini models), with the same routing, fallbacks and rate limit as `chat`. */
  embeddings(endpoint: ResolvedEndpoint, request: EmbeddingsRequest, options?: { signal?: AbortSignal }): Promise<EmbeddingsInvocation>;
}

const DEFAULT_ADAPTERS: Record<ProviderName, ProviderAdapter> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  bedrock: bedrockAdapter,
  gemini: geminiAdapter,
};

function costOf(prices: PriceCatalog, modelName: string, usage: ChatUsage | undefined): LlmCost | undefined {
  if (!usage) return undefined;
  return prices.cost(modelName, {
    input_tokens: usage.prompt_tokens,
    output_tokens: usage.completion_tokens,
    cache_read_input_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cache_creation_input_tokens: usage.prompt_tokens_details?.cache_creation_tokens ?? 0,
  });
}

/** What {@link withFallback} routes with. */
interface RoutingContext {
  clock: LlmClock;
  random: () => number;
  adapters: Partial<Record<string, ProviderAdapter>>;
  limiters: EndpointRateLimiters;
}

/** Tries the endpoint's models in route order until one succeeds with `attempt`. */
async function withFallback<T>(
  ctx: RoutingContext,
  endpoint: ResolvedEndpoint,
  attempt: (adapter: ProviderAdapter, model: EndpointModel) => Promise<T>,
  signal: AbortSignal | undefined,
): Promise<{ value: T; model: EndpointModel; attempts: LlmAttempt[] }> {
  const wait = ctx.limiters.take(endpoint.name, endpoint.rateLimit);
  if (wait > 0)
    throw new LlmInvocationError(
      new LlmError('endpoint_rate_limited', `endpoint ${endpoint.name} is over its rate limit; retry in ${Math.ceil(wait / 1000)} s`, 429, {
        retryAfterMs: wait,
      }),
      [],
    );
  const order = routeOrder(endpoint, ctx.random);
  if (order.length === 0) throw new LlmInvocationError(new LlmError('configuration', `endpoint ${endpoint.name} has no models`, 500), []);
  const attempts: LlmAttempt[] = [];
  let last: LlmError | undefined;
  for (const model of order) {
    const served: ServedModel = { provider: model.provider, modelName: model.modelName, linkage: model.linkage };
    const started = ctx.clock.monotonic();
    try {
      const adapter = ctx.adapters[model.provider];
      if (!adapter) throw new LlmError('configuration', `no adapter for provider '${model.provider}'`, 500);
      const value = await attempt(adapter, model);
      attempts.push({ ...served, ok: true, durationMs: ctx.clock.monotonic() - started });
      return { value, model, attempts };
    } catch (err) {
      if (signal?.aborted) throw err;
      const error = err instanceof LlmError ? err : new LlmError('invalid_response', (err as Error).message ?? String(err), 502, { cause: err });
      attempts.push({
        ...served,
        ok: false,
        durationMs: ctx.clock.monotonic() - started,
        error: { kind: error.kind, status: error.status, message: error.message },
      });
      last = error;
      if (!error.retryable) break;
    }
  }
  throw new LlmInvocationError(last!, attempts);
}

/**
 * An {@link LlmEngine} on the given transport and clock.
 *
 * @example
 * const engine = createLlmEngine({ fetch: (url, init) => fetch(url, init), random: () => 0.5 });
 */
export function createLlmEngine(options: LlmEngineOptions): LlmEngine {
  const clock = options.clock ?? systemLlmClock;
  const random = options.random ?? Math.random;
  const prices = options.prices ?? PriceCatalog.withDefaults();
  const newId = options.newId ?? (() => `chatcmpl-${randomUUID().replace(/-/g, '')}`);
  const adapters: Partial<Record<string, ProviderAdapter>> = { ...DEFAULT_ADAPTERS, ...options.adapters };
  const ctx: RoutingContext = { clock, random, adapters, limiters: new EndpointRateLimiters(clock) };
  const deps: CallDeps = { fetch: options.fetch, clock, timeoutMs: options.timeoutMs ?? 120_000 };

  const servedOf = (m: EndpointModel): ServedModel => ({ provider: m.provider, modelName: m.modelName, linkage: m.linkage });
  const metaOf = () => ({ id: newId(), created: Math.floor(clock.now() / 1000) });

  return {
    async chat(endpoint, request, { signal } = {}) {
      const meta = metaOf();
      const { value, model, attempts } = await withFallback(
        ctx,
        endpoint,
        (adapter, m) => callChat(adapter, m, { ...request, stream: false }, meta, deps, signal),
        signal,
      );
      return { completion: value, servedBy: servedOf(model), attempts, usage: value.usage, cost: costOf(prices, model.modelName, value.usage) };
    },

    async embeddings(endpoint, request, { signal } = {}) {
      const { value, model, attempts } = await withFallback(
        ctx,
        endpoint,
        (adapter, m) => {
          const { embeddings } = adapter;
          if (!embeddings) throw new LlmError('configuration', `provider '${m.provider}' has no embeddings`, 400, { provider: m.provider });
          return callJson(
            m.provider,
            () => embeddings.call(m, request),
            (json) => embeddings.answer(json, m, request),
            deps,
            signal,
          );
        },
        signal,
      );
      const cost = prices.cost(model.modelName, { input_tokens: value.usage.prompt_tokens, output_tokens: 0 });
      return { response: value, servedBy: servedOf(model), attempts, cost };
    },

    async chatStream(endpoint, request, { signal } = {}) {
      const meta = metaOf();
      const { value, model, attempts } = await withFallback<OpenedStream>(
        ctx,
        endpoint,
        (adapter, m) => openChatStream(adapter, m, { ...request, stream: true }, meta, deps, signal),
        signal,
      );
      const { chunks, summary } = trackStream(value, (usage) => costOf(prices, model.modelName, usage));
      return { servedBy: servedOf(model), attempts, chunks, summary };
    },
  };
}
