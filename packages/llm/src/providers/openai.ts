import { LlmError } from '../errors.js';
import { readServerSentEvents } from '../sse.js';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ChatUsage, EmbeddingsRequest, EmbeddingsResponse, FinishReason } from '../types.js';
import { chatUsage, setting, trimBase, type AnswerMeta, type ProviderAdapter, type ProviderCall, type ProviderModel } from './provider-adapter.js';

/**
 * OpenAI's Chat Completions, and any server that speaks it (`baseUrl`, e.g. `http://localhost:11434/v1`):
 * the request goes through as it is with the endpoint's model; streams ask for usage
 * (`stream_options.include_usage`) so the last chunk carries it.
 */

const DEFAULT_BASE = 'https://api.openai.com/v1';

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  function_call: 'tool_calls',
};

function finishReason(value: unknown): FinishReason | null {
  return typeof value === 'string' ? (FINISH[value] ?? 'stop') : null;
}

interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

function usageOf(u: OpenAIUsage | null | undefined): ChatUsage {
  return chatUsage(u?.prompt_tokens ?? 0, u?.completion_tokens ?? 0, { cacheRead: u?.prompt_tokens_details?.cached_tokens ?? 0 });
}

function post(model: ProviderModel, path: string, body: Record<string, unknown>): ProviderCall {
  const apiKey = setting(model, 'api_key', 'openai_api_key');
  if (!apiKey && !model.baseUrl) throw new LlmError('configuration', `endpoint model ${model.modelName}: no OpenAI API key`, 500, { provider: 'openai' });
  const organization = setting(model, 'organization', 'openai_organization');
  return {
    url: `${trimBase(model.baseUrl ?? DEFAULT_BASE)}${path}`,
    headers: {
      'content-type': 'application/json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      ...(organization ? { 'openai-organization': organization } : {}),
    },
    body: JSON.stringify(body),
  };
}

function chatCall(model: ProviderModel, request: ChatRequest, options: { stream: boolean }): ProviderCall {
  const { stream: _stream, stream_options: _options, model: _model, ...rest } = request;
  const body: Record<string, unknown> = { ...rest, model: model.modelName };
  if (options.stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
  return post(model, '/chat/completions', body);
}

interface OpenAIAnswer {
  id?: string;
  created?: number;
  model?: string;
  choices?: { index?: number; message?: Record<string, unknown>; finish_reason?: unknown }[];
  usage?: OpenAIUsage;
}

function chatAnswer(json: unknown, model: ProviderModel, meta: AnswerMeta): ChatCompletion {
  const r = (json ?? {}) as OpenAIAnswer;
  if (!Array.isArray(r.choices)) throw new LlmError('invalid_response', 'openai answered without choices', 502, { provider: 'openai' });
  return {
    id: r.id ?? meta.id,
    object: 'chat.completion',
    created: r.created ?? meta.created,
    model: r.model ?? model.modelName,
    choices: r.choices.map((c, i) => {
      const m = c.message ?? {};
      const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: typeof m.content === 'string' ? m.content : null };
      if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0)
        message.tool_calls = m.tool_calls as ChatCompletion['choices'][number]['message']['tool_calls'];
      if (typeof m.refusal === 'string') message.refusal = m.refusal;
      return { index: c.index ?? i, message, finish_reason: finishReason(c.finish_reason) };
    }),
    usage: usageOf(r.usage),
  };
}

async function* chatStream(body: AsyncIterable<Uint8Array>, model: ProviderModel, meta: AnswerMeta): AsyncGenerator<ChatCompletionChunk> {
  for await (const event of readServerSentEvents(body)) {
    if (event.data === '[DONE]') return;
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(event.data) as Record<string, unknown>;
    } catch (err) {
      throw new LlmError('invalid_response', `openai streamed an event that is not JSON: ${event.data.slice(0, 100)}`, 502, { provider: 'openai', cause: err });
    }
    if (data.error) {
      const message = (data.error as { message?: string }).message ?? JSON.stringify(data.error);
      throw new LlmError('server', `openai reported an error mid-stream: ${message}`, 502, { provider: 'openai' });
    }
    const choices = Array.isArray(data.choices) ? (data.choices as Record<string, unknown>[]) : [];
    const chunk: ChatCompletionChunk = {
      id: typeof data.id === 'string' ? data.id : meta.id,
      object: 'chat.completion.chunk',
      created: typeof data.created === 'number' ? data.created : meta.created,
      model: typeof data.model === 'string' ? data.model : model.modelName,
      choices: choices.map((c, i) => ({
        index: typeof c.index === 'number' ? c.index : i,
        delta: (c.delta ?? {}) as ChatCompletionChunk['choices'][number]['delta'],
        finish_reason: finishReason(c.finish_reason),
      })),
    };
    if (data.usage) chunk.usage = usageOf(data.usage as OpenAIUsage);
    yield chunk;
  }
}

const embeddings = {
  call(model: ProviderModel, request: EmbeddingsRequest): ProviderCall {
    const { model: _model, ...rest } = request;
    // Floats, whatever the caller asked: the answer is always OpenAI's float form.
    return post(model, '/embeddings', { ...rest, model: model.modelName, encoding_format: 'float' });
  },
  answer(json: unknown, model: ProviderModel): EmbeddingsResponse {
    const r = (json ?? {}) as { data?: { index?: number; embedding?: unknown }[]; model?: string; usage?: { prompt_tokens?: number; total_tokens?: number } };
    if (!Array.isArray(r.data)) throw new LlmError('invalid_response', 'openai answered embeddings without data', 502, { provider: 'openai' });
    return {
      object: 'list',
      data: r.data.map((d, i) => ({ object: 'embedding', index: d.index ?? i, embedding: Array.isArray(d.embedding) ? (d.embedding as number[]) : [] })),
      model: r.model ?? model.modelName,
      usage: { prompt_tokens: r.usage?.prompt_tokens ?? 0, total_tokens: r.usage?.total_tokens ?? r.usage?.prompt_tokens ?? 0 },
    };
  },
};

/**
 * The OpenAI adapter (also for OpenAI-compatible servers through `baseUrl`).
 *
 * @example
 * const call = openaiAdapter.chatCall({ provider: 'openai', modelName: 'gpt-4o-mini', credentials: { api_key: key } }, request, { stream: false, now: Date.now() });
 */
export const openaiAdapter: ProviderAdapter = { provider: 'openai', chatCall, chatAnswer, chatStream, embeddings };
