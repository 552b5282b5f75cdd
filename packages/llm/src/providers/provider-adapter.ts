import { LlmError } from '../errors.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatContentPart,
  ChatRequest,
  ChatUsage,
  EmbeddingsRequest,
  EmbeddingsResponse,
  FinishReason,
} from '../types.js';

/** The providers the layer speaks. */
export const PROVIDER_NAMES = ['openai', 'anthropic', 'bedrock', 'gemini'] as const;

/** One of {@link PROVIDER_NAMES}. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/**
 * Whether a stored provider name is one the layer speaks.
 *
 * @example
 * isProviderName('anthropic'); // true
 */
export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

/**
 * One provider model as an endpoint configures it. `credentials` hold secrets (`api_key`;
 * `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` for Bedrock); `authConfig`
 * the rest (`aws_region`, `organization`); `baseUrl` replaces the provider's public URL (an
 * OpenAI-compatible server, a proxy, a test fake).
 *
 * @example
 * const model: ProviderModel = { provider: 'anthropic', modelName: 'claude-sonnet-4-5', credentials: { api_key: key } };
 */
export interface ProviderModel {
  provider: ProviderName;
  modelName: string;
  credentials: Record<string, string>;
  authConfig?: Record<string, unknown>;
  baseUrl?: string;
}

/** The HTTP request of one provider call. */
export interface ProviderCall {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What an adapter stamps on the answers it converts. */
export interface AnswerMeta {
  id: string;
  /** Epoch seconds. */
  created: number;
}

/**
 * One provider's conversions: the chat request to its HTTP call, its JSON answer to a
 * `chat.completion`, its stream to `chat.completion.chunk`s (the last one with usage). Conversions
 * throw an `LlmError` for an answer they cannot read or an error the stream reports.
 *
 * @example
 * const call = anthropicAdapter.chatCall(model, request, { stream: false, now: Date.now() });
 */
export interface ProviderAdapter {
  readonly provider: ProviderName;
  chatCall(model: ProviderModel, request: ChatRequest, options: { stream: boolean; now: number }): ProviderCall;
  chatAnswer(json: unknown, model: ProviderModel, meta: AnswerMeta): ChatCompletion;
  chatStream(body: AsyncIterable<Uint8Array>, model: ProviderModel, meta: AnswerMeta): AsyncIterable<ChatCompletionChunk>;
  /** Embeddings, for providers that have them. */
  embeddings?: {
    call(model: ProviderModel, request: EmbeddingsRequest): ProviderCall;
    answer(json: unknown, model: ProviderModel, request: EmbeddingsRequest): EmbeddingsResponse;
  };
}

/** The inputs of an embeddings request as a list. */
export function embeddingInputs(request: EmbeddingsRequest): string[] {
  return typeof request.input === 'string' ? [request.input] : request.input;
}

/**
 * The text of a message content (parts other than text are left out).
 *
 * @example
 * contentText([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }]); // 'ab'
 */
export function contentText(content: string | ChatContentPart[] | null | undefined): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/**
 * A tool call's `arguments` as an object (providers other than OpenAI take JSON, not text); `{}` for
 * empty text, the text under `_raw` when it is not a JSON object.
 *
 * @example
 * parseToolArguments('{"city":"Paris"}'); // { city: 'Paris' }
 */
export function parseToolArguments(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { _raw: text };
  } catch {
    return { _raw: text };
  }
}

/** The stop sequences of a request as a list. */
export function stopSequences(request: ChatRequest): string[] | undefined {
  if (request.stop === undefined) return undefined;
  return typeof request.stop === 'string' ? [request.stop] : request.stop;
}

/**
 * Refuses `n` other than 1 for providers that answer one choice (MLflow's gateway refuses it too).
 *
 * @example
 * requireSingleChoice({ messages, n: 2 }, 'anthropic'); // throws LlmError client 400
 */
export function requireSingleChoice(request: ChatRequest, provider: ProviderName): void {
  if (request.n !== undefined && request.n !== 1)
    throw new LlmError('client', `'n' must be 1 for the ${provider} provider; got ${request.n}`, 400, { provider });
}

/** The output token limit of a request (`max_completion_tokens` or `max_tokens`). */
export function maxOutputTokens(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens;
}

/**
 * Usage from input/output counts in Loupe's convention (input counts cached tokens too).
 *
 * @example
 * chatUsage(120, 30, { cacheRead: 100 }); // { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100 } }
 */
export function chatUsage(input: number, output: number, cache: { cacheRead?: number; cacheWrite?: number } = {}): ChatUsage {
  const usage: ChatUsage = { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
  if (cache.cacheRead || cache.cacheWrite)
    usage.prompt_tokens_details = {
      ...(cache.cacheRead ? { cached_tokens: cache.cacheRead } : {}),
      ...(cache.cacheWrite ? { cache_creation_tokens: cache.cacheWrite } : {}),
    };
  return usage;
}

/**
 * Builds the chunks of one streamed answer with the same id, stamp and model.
 *
 * @example
 * const chunks = chunkFactory(meta, 'claude-sonnet-4-5');
 * yield chunks.delta({ content: 'Hel' });
 */
export function chunkFactory(meta: AnswerMeta, model: string) {
  const base = { id: meta.id, object: 'chat.completion.chunk' as const, created: meta.created, model };
  return {
    delta(delta: ChatCompletionChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatCompletionChunk {
      return { ...base, choices: [{ index: 0, delta, finish_reason: finish }] };
    },
    usage(usage: ChatUsage): ChatCompletionChunk {
      return { ...base, choices: [], usage };
    },
  };
}

/** `data:` URL parts (`data:image/png;base64,...`), or undefined for another URL. */
export function dataUrl(url: string): { mediaType: string; base64: string } | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1]!, base64: m[2]! } : undefined;
}

/** The value of the first credential or config key present (endpoints name them in a few ways). */
export function setting(model: ProviderModel, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = model.credentials[key] ?? model.authConfig?.[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Strips trailing slashes of a base URL. */
export function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}
