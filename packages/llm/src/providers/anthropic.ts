import { LlmError } from '../errors.js';
import { readServerSentEvents } from '../sse.js';
import type { ChatCompletion, ChatCompletionChunk, ChatContentPart, ChatRequest, ChatToolCall, FinishReason } from '../types.js';
import {
  chatUsage,
  chunkFactory,
  contentText,
  dataUrl,
  maxOutputTokens,
  parseToolArguments,
  requireSingleChoice,
  setting,
  stopSequences,
  trimBase,
  type AnswerMeta,
  type ProviderAdapter,
  type ProviderCall,
  type ProviderModel,
} from './provider-adapter.js';

/**
 * Anthropic's Messages API (https://docs.anthropic.com/en/api/messages): system messages become
 * `system`, tool calls `tool_use` blocks, tool messages `tool_result` blocks in a user turn; turns of
 * one role are merged (the API wants them alternating). As MLflow's gateway does, OpenAI's 0-2
 * temperature is halved to Anthropic's 0-1, and `max_tokens` (required there) has a default.
 */

const DEFAULT_BASE = 'https://api.anthropic.com/v1';
const API_VERSION = '2023-06-01';
/** The output limit when the request names none (the API requires one). */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;

function partsToBlocks(content: string | ChatContentPart[] | null | undefined): Block[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return (content ?? []).map((p): Block => {
    if (p.type === 'text') return { type: 'text', text: p.text };
    const data = dataUrl(p.image_url.url);
    return data
      ? { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.base64 } }
      : { type: 'image', source: { type: 'url', url: p.image_url.url } };
  });
}

function messagesOf(request: ChatRequest): { system: string | undefined; messages: { role: 'user' | 'assistant'; content: Block[] }[] } {
  const system: string[] = [];
  const messages: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]) => {
    const last = messages.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of request.messages) {
    if (m.role === 'system' || m.role === 'developer') system.push(contentText(m.content));
    else if (m.role === 'user') push('user', partsToBlocks(m.content));
    else if (m.role === 'tool') push('user', [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: contentText(m.content) }]);
    else {
      const blocks = partsToBlocks(m.content);
      for (const call of m.tool_calls ?? [])
        blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments) });
      push('assistant', blocks);
    }
  }
  const format = request.response_format;
  // The Messages API has no JSON mode: the instruction goes into the system prompt.
  if (format?.type === 'json_object') system.push('Answer with a single JSON object and nothing else.');
  if (format?.type === 'json_schema')
    system.push(`Answer with a single JSON object matching this JSON schema and nothing else:\n${JSON.stringify(format.json_schema.schema ?? {})}`);
  return { system: system.length > 0 ? system.join('\n') : undefined, messages };
}

function toolChoiceOf(choice: ChatRequest['tool_choice']): Record<string, unknown> | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}

/**
 * The Messages request body of a chat request.
 *
 * @example
 * anthropicBody({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }, 'claude-sonnet-4-5', false);
 * // { model: 'claude-sonnet-4-5', max_tokens: 4096, system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }
 */
export function anthropicBody(request: ChatRequest, modelName: string, stream: boolean): Record<string, unknown> {
  const { system, messages } = messagesOf(request);
  const body: Record<string, unknown> = { model: modelName, max_tokens: maxOutputTokens(request) ?? ANTHROPIC_DEFAULT_MAX_TOKENS, messages };
  if (system !== undefined) body.system = system;
  if (request.temperature !== undefined) body.temperature = request.temperature / 2;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  const stop = stopSequences(request);
  if (stop) body.stop_sequences = stop;
  if (request.tools?.length)
    body.tools = request.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      input_schema: t.function.parameters ?? { type: 'object', properties: {} },
    }));
  const toolChoice = toolChoiceOf(request.tool_choice);
  if (toolChoice && request.tools?.length) body.tool_choice = toolChoice;
  if (request.user) body.metadata = { user_id: request.user };
  if (stream) body.stream = true;
  return body;
}

function chatCall(model: ProviderModel, request: ChatRequest, options: { stream: boolean }): ProviderCall {
  requireSingleChoice(request, 'anthropic');
  const apiKey = setting(model, 'api_key', 'anthropic_api_key');
  if (!apiKey) throw new LlmError('configuration', `endpoint model ${model.modelName}: no Anthropic API key`, 500, { provider: 'anthropic' });
  return {
    url: `${trimBase(model.baseUrl ?? DEFAULT_BASE)}/messages`,
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'anthropic-version': setting(model, 'anthropic_version') ?? API_VERSION },
    body: JSON.stringify(anthropicBody(request, model.modelName, options.stream)),
  };
}

const STOP: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/**
 * OpenAI's finish reason for Anthropic's stop reason.
 *
 * @example
 * anthropicFinishReason('tool_use'); // 'tool_calls'
 */
export function anthropicFinishReason(stopReason: unknown): FinishReason | null {
  return typeof stopReason === 'string' ? (STOP[stopReason] ?? 'stop') : null;
}

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

function usageOf(u: AnthropicUsage, outputTokens = u.output_tokens ?? 0) {
  const read = u.cache_read_input_tokens ?? 0;
  const written = u.cache_creation_input_tokens ?? 0;
  return chatUsage((u.input_tokens ?? 0) + read + written, outputTokens, { cacheRead: read, cacheWrite: written });
}

interface AnthropicMessage {
  id?: string;
  model?: string;
  content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

function chatAnswer(json: unknown, model: ProviderModel, meta: AnswerMeta): ChatCompletion {
  const r = (json ?? {}) as AnthropicMessage;
  if (!Array.isArray(r.content)) throw new LlmError('invalid_response', 'anthropic answered without content', 502, { provider: 'anthropic' });
  const text = r.content.filter((b) => b.type === 'text').map((b) => b.text ?? '');
  const toolCalls: ChatToolCall[] = r.content
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({ id: b.id ?? '', type: 'function', function: { name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) } }));
  const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text.length > 0 ? text.join('') : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: r.model ?? model.modelName,
    choices: [{ index: 0, message, finish_reason: anthropicFinishReason(r.stop_reason) }],
    usage: usageOf(r.usage ?? {}),
  };
}

function streamError(data: { error?: { type?: string; message?: string } }): LlmError {
  const type = data.error?.type ?? 'api_error';
  const message = `anthropic reported ${type} mid-stream: ${data.error?.message ?? ''}`;
  if (type === 'rate_limit_error') return new LlmError('rate_limited', message, 429, { provider: 'anthropic' });
  if (type === 'invalid_request_error') return new LlmError('client', message, 400, { provider: 'anthropic' });
  return new LlmError('server', message, 502, { provider: 'anthropic' });
}

async function* chatStream(body: AsyncIterable<Uint8Array>, model: ProviderModel, meta: AnswerMeta): AsyncGenerator<ChatCompletionChunk> {
  let chunks = chunkFactory(meta, model.modelName);
  let usage: AnthropicUsage = {};
  let outputTokens = 0;
  let finish: FinishReason | null = null;
  // Content block index -> the tool call's index among the answer's tool calls.
  const toolIndex = new Map<number, number>();
  for await (const event of readServerSentEvents(body)) {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(event.data) as Record<string, unknown>;
    } catch (err) {
      throw new LlmError('invalid_response', 'anthropic streamed an event that is not JSON', 502, { provider: 'anthropic', cause: err });
    }
    switch (data.type) {
      case 'message_start': {
        const message = (data.message ?? {}) as AnthropicMessage;
        if (message.model) chunks = chunkFactory(meta, message.model);
        usage = message.usage ?? {};
        outputTokens = usage.output_tokens ?? 0;
        yield chunks.delta({ role: 'assistant', content: '' });
        break;
      }
      case 'content_block_start': {
        const block = (data.content_block ?? {}) as { type?: string; id?: string; name?: string };
        if (block.type === 'tool_use') {
          const index = toolIndex.size;
          toolIndex.set(data.index as number, index);
          yield chunks.delta({ tool_calls: [{ index, id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: '' } }] });
        }
        break;
      }
      case 'content_block_delta': {
        const delta = (data.delta ?? {}) as { type?: string; text?: string; partial_json?: string };
        if (delta.type === 'text_delta' && delta.text) yield chunks.delta({ content: delta.text });
        const index = toolIndex.get(data.index as number);
        if (delta.type === 'input_json_delta' && index !== undefined && delta.partial_json)
          yield chunks.delta({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] });
        break;
      }
      case 'message_delta': {
        finish = anthropicFinishReason((data.delta as { stop_reason?: string } | undefined)?.stop_reason) ?? finish;
        const u = data.usage as AnthropicUsage | undefined;
        if (u?.output_tokens !== undefined) outputTokens = u.output_tokens;
        break;
      }
      case 'message_stop':
        yield chunks.delta({}, finish ?? 'stop');
        yield chunks.usage(usageOf(usage, outputTokens));
        return;
      case 'error':
        throw streamError(data as { error?: { type?: string; message?: string } });
      default:
        break;
    }
  }
  throw new LlmError('connection', 'anthropic stream ended before message_stop', 502, { provider: 'anthropic' });
}

/**
 * The Anthropic Messages adapter.
 *
 * @example
 * const completion = anthropicAdapter.chatAnswer(await res.json(), model, { id: 'chatcmpl-1', created: 1733590000 });
 */
export const anthropicAdapter: ProviderAdapter = { provider: 'anthropic', chatCall, chatAnswer, chatStream };
