import { decodeJson } from '@loupe/sdk/genai';
import type { LlmDetails } from '@loupe/sdk/genai';
import type { SpanTypeName, TokenUsage } from '@loupe/sdk';
import { aiChatMessages, aiChatTools, type PromptMessage, type ResponseToolCall } from './ai-chat.js';

/**
 * How the AI SDK's own telemetry spans (`ai.generateText`, `ai.generateText.doGenerate`,
 * `ai.toolCall`, ... with their `ai.*` attributes) read in Loupe's conventions: span type, name,
 * inputs, outputs, and for model calls model, provider, usage and chat. Pure functions of the span
 * name and attributes, so they are tested without a model.
 */

/** Attribute values as the AI SDK sets them (strings, numbers, booleans, arrays of them). */
export type AiAttributes = Record<string, unknown>;

/** The operations whose spans wrap a whole call (several steps, tool calls). */
const CALLS = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject', 'ai.embed', 'ai.embedMany', 'ai.rerank']);
const MODEL_CALLS = new Set(['ai.generateText.doGenerate', 'ai.streamText.doStream', 'ai.generateObject.doGenerate', 'ai.streamObject.doStream']);
const EMBED_CALLS = new Set(['ai.embed.doEmbed', 'ai.embedMany.doEmbed']);

/**
 * Attributes that become the span's inputs or outputs, so they are not stored a second time
 * (prompts, answers, embeddings can be large).
 *
 * @example
 * PAYLOAD_ATTRIBUTES.has('ai.prompt.messages'); // true
 */
export const PAYLOAD_ATTRIBUTES = new Set([
  'ai.prompt',
  'ai.prompt.messages',
  'ai.prompt.tools',
  'ai.prompt.toolChoice',
  'ai.response.text',
  'ai.response.reasoning',
  'ai.response.toolCalls',
  'ai.response.object',
  'ai.response.providerMetadata',
  'ai.toolCall.args',
  'ai.toolCall.result',
  'ai.value',
  'ai.values',
  'ai.embedding',
  'ai.embeddings',
  'ai.documents',
  'ai.ranking',
  'ai.schema',
]);

/**
 * Loupe's span type for an AI SDK span name.
 *
 * @example
 * aiSpanType('ai.generateText.doGenerate'); // 'CHAT_MODEL'
 */
export function aiSpanType(name: string): SpanTypeName {
  if (MODEL_CALLS.has(name)) return 'CHAT_MODEL';
  if (EMBED_CALLS.has(name)) return 'EMBEDDING';
  if (name === 'ai.toolCall') return 'TOOL';
  if (name === 'ai.rerank.doRerank') return 'RERANKER';
  return CALLS.has(name) ? 'CHAIN' : 'UNKNOWN';
}

/**
 * The span's name in Loupe: the operation without the `ai.` prefix (`generateText`,
 * `generateText.doGenerate`), the tool's name for a tool call, and the call's `functionId` when the
 * user gave one.
 *
 * @example
 * aiSpanName('ai.toolCall', { 'ai.toolCall.name': 'weather' }); // 'weather'
 */
export function aiSpanName(name: string, attributes: AiAttributes): string {
  if (name === 'ai.toolCall' && typeof attributes['ai.toolCall.name'] === 'string') return attributes['ai.toolCall.name'];
  if (CALLS.has(name) && typeof attributes['ai.telemetry.functionId'] === 'string' && attributes['ai.telemetry.functionId'])
    return attributes['ai.telemetry.functionId'];
  return name.startsWith('ai.') ? name.slice(3) : name;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** An object of the defined entries only. */
function defined(entries: Record<string, unknown>): Record<string, unknown> | undefined {
  const out = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `ai.settings.*` as an object (`{ maxRetries: 0, temperature: 0.2 }`). */
function settings(a: AiAttributes): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (k.startsWith('ai.settings.')) out[k.slice('ai.settings.'.length)] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Token usage in Loupe's convention from `ai.usage.*` (AI SDK 6 names and the older
 * `promptTokens` / `completionTokens` / `tokens`): input includes cached tokens.
 *
 * @example
 * aiUsage({ 'ai.usage.inputTokens': 100, 'ai.usage.outputTokens': 20, 'ai.usage.cachedInputTokens': 40 });
 * // { input_tokens: 100, output_tokens: 20, total_tokens: 120, cache_read_input_tokens: 40 }
 */
export function aiUsage(a: AiAttributes): TokenUsage | undefined {
  const input = num(a['ai.usage.inputTokens']) ?? num(a['ai.usage.promptTokens']) ?? num(a['ai.usage.tokens']);
  const output = num(a['ai.usage.outputTokens']) ?? num(a['ai.usage.completionTokens']) ?? (num(a['ai.usage.tokens']) !== undefined ? 0 : undefined);
  if (input === undefined && output === undefined) return undefined;
  const cacheRead = num(a['ai.usage.inputTokenDetails.cacheReadTokens']) ?? num(a['ai.usage.cachedInputTokens']);
  const cacheWrite = num(a['ai.usage.inputTokenDetails.cacheWriteTokens']);
  return {
    input_tokens: input ?? 0,
    output_tokens: output ?? 0,
    total_tokens: num(a['ai.usage.totalTokens']) ?? (input ?? 0) + (output ?? 0),
    ...(cacheRead ? { cache_read_input_tokens: cacheRead } : {}),
    ...(cacheWrite ? { cache_creation_input_tokens: cacheWrite } : {}),
  };
}

/**
 * Token usage from a model's own result (`doGenerate`'s `usage`, a stream's `finish` part):
 * AI SDK 6's `{ inputTokens: { total, cacheRead, cacheWrite }, outputTokens: { total } }`, or the
 * flat numbers of older model specifications. More exact than the span attributes of early 6.0.x
 * releases, which leave the cached tokens of a step out.
 *
 * @example
 * modelUsage({ inputTokens: { total: 100, cacheRead: 40 }, outputTokens: { total: 20 } });
 * // { input_tokens: 100, output_tokens: 20, total_tokens: 120, cache_read_input_tokens: 40 }
 */
export function modelUsage(usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as { inputTokens?: unknown; outputTokens?: unknown; cachedInputTokens?: unknown };
  const inp =
    u.inputTokens && typeof u.inputTokens === 'object'
      ? (u.inputTokens as { total?: unknown; cacheRead?: unknown; cacheWrite?: unknown })
      : { total: u.inputTokens, cacheRead: u.cachedInputTokens };
  const out = u.outputTokens && typeof u.outputTokens === 'object' ? (u.outputTokens as { total?: unknown }).total : u.outputTokens;
  return aiUsage({
    'ai.usage.inputTokens': inp.total,
    'ai.usage.outputTokens': out,
    'ai.usage.cachedInputTokens': inp.cacheRead,
    'ai.usage.inputTokenDetails.cacheWriteTokens': inp.cacheWrite,
  });
}

/** `openai.chat` → `openai`, `google.generative-ai` → `google`. */
function providerOf(a: AiAttributes): string | undefined {
  const p = a['ai.model.provider'];
  return typeof p === 'string' && p ? p.split('.')[0] : undefined;
}

function usageOutputs(a: AiAttributes) {
  const usage = aiUsage(a);
  return usage ? { usage } : {};
}

/** What the Loupe span of an AI SDK span records when it ends. */
export interface AiSpanRecord {
  inputs?: unknown;
  outputs?: unknown;
  /** For model calls (CHAT_MODEL, EMBEDDING): model, provider, usage, chat. */
  llm?: LlmDetails;
}

function callRecord(name: string, a: AiAttributes): AiSpanRecord {
  const prompt = decodeJson(a['ai.prompt']);
  const request = defined({ model: a['ai.model.id'], ...(prompt && typeof prompt === 'object' ? (prompt as object) : {}), settings: settings(a) });
  if (name === 'ai.embed' || name === 'ai.embedMany') {
    return {
      inputs: defined({ model: a['ai.model.id'], value: decodeJson(a['ai.value']), values: decodeJson(a['ai.values']) }),
      outputs: defined({ embedding: decodeJson(a['ai.embedding']), embeddings: decodeJson(a['ai.embeddings']), ...usageOutputs(a) }),
    };
  }
  if (name === 'ai.generateObject' || name === 'ai.streamObject') {
    return {
      inputs: defined({
        ...request,
        schema: decodeJson(a['ai.schema']),
        schemaName: a['ai.schema.name'],
        schemaDescription: a['ai.schema.description'],
        output: a['ai.settings.output'],
      }),
      outputs: defined({ object: decodeJson(a['ai.response.object']), finishReason: a['ai.response.finishReason'], ...usageOutputs(a) }),
    };
  }
  return {
    inputs: request,
    outputs: defined({
      text: a['ai.response.text'],
      reasoning: a['ai.response.reasoning'],
      toolCalls: decodeJson(a['ai.response.toolCalls']),
      finishReason: a['ai.response.finishReason'],
      ...usageOutputs(a),
    }),
  };
}

function modelCallRecord(a: AiAttributes): AiSpanRecord {
  const prompt = decodeJson(a['ai.prompt.messages']);
  const tools = decodeJson(a['ai.prompt.tools']);
  const toolCalls = decodeJson(a['ai.response.toolCalls']);
  const objectText = typeof a['ai.response.object'] === 'string' ? a['ai.response.object'] : undefined;
  const text = typeof a['ai.response.text'] === 'string' ? a['ai.response.text'] : objectText;
  const messages = Array.isArray(prompt)
    ? aiChatMessages(prompt as PromptMessage[], { text, toolCalls: Array.isArray(toolCalls) ? (toolCalls as ResponseToolCall[]) : undefined })
    : undefined;
  const model = a['ai.response.model'] ?? a['ai.model.id'];
  return {
    inputs: defined({ messages: prompt, tools: Array.isArray(tools) ? tools.map(decodeJson) : undefined, toolChoice: decodeJson(a['ai.prompt.toolChoice']) }),
    outputs: defined({
      text: a['ai.response.text'],
      object: objectText !== undefined ? decodeJson(objectText) : undefined,
      reasoning: a['ai.response.reasoning'],
      toolCalls,
      finishReason: a['ai.response.finishReason'],
      id: a['ai.response.id'],
      model: a['ai.response.model'],
      ...usageOutputs(a),
    }),
    llm: {
      model: typeof model === 'string' ? model : undefined,
      provider: providerOf(a),
      usage: aiUsage(a),
      messages,
      tools: Array.isArray(tools) ? aiChatTools(tools) : undefined,
    },
  };
}

/**
 * What an ended AI SDK span records in Loupe: inputs and outputs by operation, and model details
 * for model and embedding calls (cost follows from model and usage).
 *
 * @example
 * aiSpanRecord('ai.toolCall', { 'ai.toolCall.args': '{"city":"Paris"}', 'ai.toolCall.result': '"sunny"' });
 * // { inputs: { city: 'Paris' }, outputs: 'sunny' }
 */
export function aiSpanRecord(name: string, a: AiAttributes): AiSpanRecord {
  if (MODEL_CALLS.has(name)) return modelCallRecord(a);
  if (EMBED_CALLS.has(name)) {
    const model = a['ai.model.id'];
    return {
      inputs: defined({ model, values: decodeJson(a['ai.values']) }),
      outputs: defined({ embeddings: decodeJson(a['ai.embeddings']), ...usageOutputs(a) }),
      llm: { model: typeof model === 'string' ? model : undefined, provider: providerOf(a), usage: aiUsage(a) },
    };
  }
  if (name === 'ai.toolCall') return { inputs: decodeJson(a['ai.toolCall.args']), outputs: decodeJson(a['ai.toolCall.result']) };
  if (CALLS.has(name)) return callRecord(name, a);
  return {};
}
