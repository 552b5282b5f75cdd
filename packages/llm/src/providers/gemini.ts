import { LlmError } from '../errors.js';
import { readServerSentEvents } from '../sse.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatContentPart,
  ChatRequest,
  ChatToolCall,
  EmbeddingsRequest,
  EmbeddingsResponse,
  FinishReason,
} from '../types.js';
import {
  chatUsage,
  chunkFactory,
  contentText,
  dataUrl,
  embeddingInputs,
  maxOutputTokens,
  parseToolArguments,
  setting,
  stopSequences,
  trimBase,
  type AnswerMeta,
  type ProviderAdapter,
  type ProviderCall,
  type ProviderModel,
} from './provider-adapter.js';

/**
 * The Gemini API's `generateContent` and `streamGenerateContent?alt=sse`
 * (https://ai.google.dev/api/generate-content): system messages become `systemInstruction`, the
 * assistant the `model` role, tool calls `functionCall` parts and tool messages `functionResponse`
 * parts (named after the call they answer), sampling options `generationConfig`.
 */

const DEFAULT_BASE = 'https://generativelanguage.googleapis.com/v1beta';

type Part = Record<string, unknown>;

function partsOf(content: string | ChatContentPart[] | null | undefined): Part[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return (content ?? []).map((p): Part => {
    if (p.type === 'text') return { text: p.text };
    const data = dataUrl(p.image_url.url);
    return data ? { inlineData: { mimeType: data.mediaType, data: data.base64 } } : { fileData: { fileUri: p.image_url.url } };
  });
}

function toolResponse(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // plain text
  }
  return { content: text };
}

/**
 * The `generateContent` body of a chat request.
 *
 * @example
 * geminiBody({ messages: [{ role: 'user', content: 'Hi' }], temperature: 0.2 });
 * // { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { temperature: 0.2 } }
 */
export function geminiBody(request: ChatRequest): Record<string, unknown> {
  const system: Part[] = [];
  const contents: { role: 'user' | 'model'; parts: Part[] }[] = [];
  const callNames = new Map<string, string>();
  const push = (role: 'user' | 'model', parts: Part[]) => {
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of request.messages) {
    if (m.role === 'system' || m.role === 'developer') system.push({ text: contentText(m.content) });
    else if (m.role === 'user') push('user', partsOf(m.content));
    else if (m.role === 'tool') {
      const name = callNames.get(m.tool_call_id) ?? m.tool_call_id;
      push('user', [{ functionResponse: { name, response: toolResponse(contentText(m.content)) } }]);
    } else {
      const parts = partsOf(m.content);
      for (const call of m.tool_calls ?? []) {
        callNames.set(call.id, call.function.name);
        parts.push({ functionCall: { name: call.function.name, args: parseToolArguments(call.function.arguments) } });
      }
      push('model', parts);
    }
  }
  const body: Record<string, unknown> = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  const config: Record<string, unknown> = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.top_p !== undefined) config.topP = request.top_p;
  const maxTokens = maxOutputTokens(request);
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  const stop = stopSequences(request);
  if (stop) config.stopSequences = stop;
  if (request.n !== undefined) config.candidateCount = request.n;
  const format = request.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema' && format.json_schema.schema) config.responseJsonSchema = format.json_schema.schema;
  if (Object.keys(config).length > 0) body.generationConfig = config;
  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((t) => ({
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          ...(t.function.parameters ? { parametersJsonSchema: t.function.parameters } : {}),
        })),
      },
    ];
    const choice = request.tool_choice;
    if (choice === 'auto') body.toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
    else if (choice === 'required') body.toolConfig = { functionCallingConfig: { mode: 'ANY' } };
    else if (choice === 'none') body.toolConfig = { functionCallingConfig: { mode: 'NONE' } };
    else if (typeof choice === 'object') body.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  }
  return body;
}

function post(model: ProviderModel, method: string, body: Record<string, unknown>): ProviderCall {
  const apiKey = setting(model, 'api_key', 'gemini_api_key');
  if (!apiKey) throw new LlmError('configuration', `endpoint model ${model.modelName}: no Gemini API key`, 500, { provider: 'gemini' });
  return {
    url: `${trimBase(model.baseUrl ?? DEFAULT_BASE)}/models/${encodeURIComponent(model.modelName)}:${method}`,
    headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKey },
    body: JSON.stringify(body),
  };
}

function chatCall(model: ProviderModel, request: ChatRequest, options: { stream: boolean }): ProviderCall {
  return post(model, options.stream ? 'streamGenerateContent?alt=sse' : 'generateContent', geminiBody(request));
}

const embeddings = {
  call(model: ProviderModel, request: EmbeddingsRequest): ProviderCall {
    const requests = embeddingInputs(request).map((text) => ({
      model: `models/${model.modelName}`,
      content: { parts: [{ text }] },
      ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
    }));
    return post(model, 'batchEmbedContents', { requests });
  },
  answer(json: unknown, model: ProviderModel): EmbeddingsResponse {
    const r = (json ?? {}) as { embeddings?: { values?: number[] }[] };
    if (!Array.isArray(r.embeddings)) throw new LlmError('invalid_response', 'gemini answered without embeddings', 502, { provider: 'gemini' });
    // batchEmbedContents reports no token counts.
    return {
      object: 'list',
      data: r.embeddings.map((e, index) => ({ object: 'embedding', index, embedding: e.values ?? [] })),
      model: model.modelName,
      usage: { prompt_tokens: 0, total_tokens: 0 },
    };
  },
};

const FINISH: Record<string, FinishReason> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

/**
 * OpenAI's finish reason for Gemini's (a `STOP` with function calls is `tool_calls`).
 *
 * @example
 * geminiFinishReason('MAX_TOKENS', false); // 'length'
 */
export function geminiFinishReason(reason: unknown, calledTools: boolean): FinishReason | null {
  if (typeof reason !== 'string') return null;
  const mapped = FINISH[reason] ?? 'stop';
  return mapped === 'stop' && calledTools ? 'tool_calls' : mapped;
}

interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
}

function usageOf(u: GeminiUsage | undefined) {
  // Thinking tokens are billed as output; Gemini counts them apart from the candidates'.
  return chatUsage(u?.promptTokenCount ?? 0, (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0), { cacheRead: u?.cachedContentTokenCount ?? 0 });
}

interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { id?: string; name?: string; args?: unknown };
}
interface GeminiAnswer {
  candidates?: { content?: { parts?: GeminiPart[] }; finishReason?: string; index?: number }[];
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  promptFeedback?: { blockReason?: string };
}

function toolCallOf(part: GeminiPart, fallbackId: string): ChatToolCall {
  const call = part.functionCall!;
  return { id: call.id ?? fallbackId, type: 'function', function: { name: call.name ?? '', arguments: JSON.stringify(call.args ?? {}) } };
}

function chatAnswer(json: unknown, model: ProviderModel, meta: AnswerMeta): ChatCompletion {
  const r = (json ?? {}) as GeminiAnswer;
  if (!Array.isArray(r.candidates)) {
    if (r.promptFeedback?.blockReason)
      return {
        id: meta.id,
        object: 'chat.completion',
        created: meta.created,
        model: r.modelVersion ?? model.modelName,
        choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }],
        usage: usageOf(r.usageMetadata),
      };
    throw new LlmError('invalid_response', 'gemini answered without candidates', 502, { provider: 'gemini' });
  }
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: r.modelVersion ?? model.modelName,
    choices: r.candidates.map((c, i) => {
      const parts = c.content?.parts ?? [];
      const text = parts.filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text!);
      const toolCalls = parts.filter((p) => p.functionCall).map((p, n) => toolCallOf(p, `call_${meta.id}_${i}_${n}`));
      const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text.length > 0 ? text.join('') : null };
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      return { index: c.index ?? i, message, finish_reason: geminiFinishReason(c.finishReason, toolCalls.length > 0) };
    }),
    usage: usageOf(r.usageMetadata),
  };
}

async function* chatStream(body: AsyncIterable<Uint8Array>, model: ProviderModel, meta: AnswerMeta): AsyncGenerator<ChatCompletionChunk> {
  let chunks = chunkFactory(meta, model.modelName);
  let usage: GeminiUsage | undefined;
  let toolCalls = 0;
  let started = false;
  let finish: FinishReason | null = null;
  for await (const event of readServerSentEvents(body)) {
    let data: GeminiAnswer & { error?: { message?: string } };
    try {
      data = JSON.parse(event.data) as GeminiAnswer & { error?: { message?: string } };
    } catch (err) {
      throw new LlmError('invalid_response', 'gemini streamed an event that is not JSON', 502, { provider: 'gemini', cause: err });
    }
    if (data.error) throw new LlmError('server', `gemini reported an error mid-stream: ${data.error.message ?? ''}`, 502, { provider: 'gemini' });
    if (!started) {
      if (data.modelVersion) chunks = chunkFactory(meta, data.modelVersion);
      started = true;
      yield chunks.delta({ role: 'assistant', content: '' });
    }
    if (data.usageMetadata) usage = data.usageMetadata;
    const candidate = data.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (typeof part.text === 'string' && part.text && !part.thought) yield chunks.delta({ content: part.text });
      if (part.functionCall) {
        // Gemini sends a function call whole, never in pieces.
        const call = toolCallOf(part, `call_${meta.id}_${toolCalls}`);
        yield chunks.delta({ tool_calls: [{ index: toolCalls++, id: call.id, type: 'function', function: call.function }] });
      }
    }
    if (candidate?.finishReason) finish = geminiFinishReason(candidate.finishReason, toolCalls > 0);
  }
  if (!started) throw new LlmError('connection', 'gemini stream ended without an answer', 502, { provider: 'gemini' });
  yield chunks.delta({}, finish ?? (toolCalls > 0 ? 'tool_calls' : 'stop'));
  yield chunks.usage(usageOf(usage));
}

/**
 * The Gemini adapter.
 *
 * @example
 * const call = geminiAdapter.chatCall({ provider: 'gemini', modelName: 'gemini-2.5-flash', credentials: { api_key: key } }, request, { stream: true, now: Date.now() });
 */
export const geminiAdapter: ProviderAdapter = { provider: 'gemini', chatCall, chatAnswer, chatStream, embeddings };
