import { asText, count, type ChatContentPart, type ChatMessage, type ChatTool, type ChatToolCall } from '@loupe/sdk/genai';
import type { TokenUsage } from '@loupe/sdk';

/**
 * Gemini's request and response shapes converted to Loupe's one chat format. Typed structurally
 * (not with `@google/genai`'s types) so one converter reads every supported version, and anything
 * unexpected is skipped rather than thrown.
 */

/** A Gemini `Part`, as far as the chat format reads it. */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  inlineData?: { mimeType?: string; data?: string };
  fileData?: { mimeType?: string; fileUri?: string };
  functionCall?: { id?: string; name?: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name?: string; response?: Record<string, unknown> };
  executableCode?: { code?: string; language?: string };
  codeExecutionResult?: { outcome?: string; output?: string };
}

/** A Gemini `Content`: a role (`user` or `model`) and its parts. */
export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

/** What the chat format reads from a `GenerateContentResponse`. */
export interface GeminiResponse {
  candidates?: { content?: GeminiContent; finishReason?: string; index?: number }[];
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  responseId?: string;
}

/** Gemini's `usageMetadata`. */
export interface GeminiUsage {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isContent = (v: unknown): v is GeminiContent => isObject(v) && (Array.isArray(v.parts) || typeof v.role === 'string');
const toPart = (v: unknown): GeminiPart => (typeof v === 'string' ? { text: v } : isObject(v) ? (v as GeminiPart) : {});

/**
 * The `contents` of a request as a list of `Content`s, the way `@google/genai` reads them: a
 * string or loose parts are one user turn; `Content` objects are turns of their own.
 *
 * @example
 * normalizeContents('hi'); // [{ role: 'user', parts: [{ text: 'hi' }] }]
 */
export function normalizeContents(contents: unknown): GeminiContent[] {
  if (contents === undefined || contents === null) return [];
  const items = Array.isArray(contents) ? contents : [contents];
  const out: GeminiContent[] = [];
  let loose: GeminiPart[] = [];
  const flush = () => {
    if (loose.length > 0) out.push({ role: 'user', parts: loose });
    loose = [];
  };
  for (const item of items) {
    if (isContent(item)) {
      flush();
      out.push(item);
    } else loose.push(toPart(item));
  }
  flush();
  return out;
}

/** Text of a `systemInstruction` (a string, a Content, a Part or parts). */
function systemText(instruction: unknown): string | undefined {
  if (instruction === undefined || instruction === null) return undefined;
  const parts = isContent(instruction) ? (instruction.parts ?? []) : (Array.isArray(instruction) ? instruction : [instruction]).map(toPart);
  const text = parts.map((p) => p.text ?? '').join('');
  return text.length > 0 ? text : undefined;
}

function mediaPart(mimeType: string | undefined, url: string): ChatContentPart {
  return mimeType?.startsWith('image/')
    ? { type: 'image_url', image_url: { url } }
    : { type: 'text', text: `[${mimeType ?? 'file'}: ${url.startsWith('data:') ? 'inline data' : url}]` };
}

/**
 * Gives function calls ids the chat format can pair with their results: Gemini's own `id` when it
 * sends one, else `<name>_<n>`, and a result without an id answers the oldest open call of its name.
 */
class CallIds {
  private readonly open = new Map<string, string[]>();
  private readonly seen = new Map<string, number>();

  forCall(name: string, id: string | undefined): string {
    const n = this.seen.get(name) ?? 0;
    this.seen.set(name, n + 1);
    const callId = id ?? `${name}_${n}`;
    this.open.set(name, [...(this.open.get(name) ?? []), callId]);
    return callId;
  }

  forResult(name: string, id: string | undefined): string {
    const queue = this.open.get(name) ?? [];
    if (id !== undefined) {
      const i = queue.indexOf(id);
      if (i >= 0) queue.splice(i, 1);
      return id;
    }
    return queue.shift() ?? `${name}_result`;
  }
}

function contentMessages(content: GeminiContent, ids: CallIds): ChatMessage[] {
  const parts = content.parts ?? [];
  const chatParts: ChatContentPart[] = [];
  const toolCalls: ChatToolCall[] = [];
  const results: ChatMessage[] = [];
  for (const part of parts) {
    if (part.thought) continue;
    if (typeof part.text === 'string') chatParts.push({ type: 'text', text: part.text });
    else if (part.inlineData?.data !== undefined)
      chatParts.push(mediaPart(part.inlineData.mimeType, `data:${part.inlineData.mimeType ?? 'application/octet-stream'};base64,${part.inlineData.data}`));
    else if (part.fileData?.fileUri) chatParts.push(mediaPart(part.fileData.mimeType, part.fileData.fileUri));
    else if (part.executableCode?.code) chatParts.push({ type: 'text', text: part.executableCode.code });
    else if (part.codeExecutionResult?.output !== undefined) chatParts.push({ type: 'text', text: part.codeExecutionResult.output });
    else if (part.functionCall) {
      const name = part.functionCall.name ?? '';
      toolCalls.push({ id: ids.forCall(name, part.functionCall.id), type: 'function', function: { name, arguments: asText(part.functionCall.args ?? {}) } });
    } else if (part.functionResponse) {
      const name = part.functionResponse.name ?? '';
      results.push({ role: 'tool', tool_call_id: ids.forResult(name, part.functionResponse.id), name, content: asText(part.functionResponse.response ?? {}) });
    }
  }
  const text = chatParts.every((p) => p.type === 'text') ? chatParts.map((p) => (p as { text: string }).text).join('') : undefined;
  const body: ChatMessage['content'] = text !== undefined ? (text.length > 0 ? text : null) : chatParts;
  if (content.role === 'model') {
    if (body === null && toolCalls.length === 0) return [];
    return [{ role: 'assistant', content: body, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }];
  }
  // A user turn holds function results (tool messages) and/or the user's own words.
  return [...results, ...(body !== null ? [{ role: 'user' as const, content: body }] : [])];
}

/**
 * The conversation of a call in the chat format: the system instruction, the request contents,
 * then the model's answer (the first candidate) when there is one.
 *
 * @example
 * geminiMessages('hi', { systemInstruction: 'be brief' }, response);
 * // [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }, { role: 'assistant', content: 'Hello!' }]
 */
export function geminiMessages(contents: unknown, config: unknown, response?: GeminiResponse): ChatMessage[] {
  const ids = new CallIds();
  const messages: ChatMessage[] = [];
  const system = systemText(isObject(config) ? config.systemInstruction : undefined);
  if (system !== undefined) messages.push({ role: 'system', content: system });
  for (const content of normalizeContents(contents)) messages.push(...contentMessages(content, ids));
  const answer = response?.candidates?.[0]?.content;
  if (answer) messages.push(...contentMessages({ ...answer, role: 'model' }, ids));
  return messages;
}

/** Gemini's OpenAPI-style `Schema` (upper-case `type`s) as JSON Schema. */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'properties' && isObject(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSchema(v)]));
    else if (key === 'items' || key === 'anyOf') out[key] = jsonSchema(value);
    else out[key] = value;
  }
  return out;
}

/**
 * The function declarations of `config.tools` as chat-format tools (built-in tools such as Google
 * Search and callable tools, whose declarations are only known asynchronously, are left out).
 *
 * @example
 * geminiTools({ tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT' } }] }] });
 * // [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }]
 */
export function geminiTools(config: unknown): ChatTool[] {
  const tools = isObject(config) && Array.isArray(config.tools) ? config.tools : [];
  const out: ChatTool[] = [];
  for (const tool of tools) {
    const declarations = isObject(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : [];
    for (const d of declarations as { name?: string; description?: string; parameters?: unknown; parametersJsonSchema?: unknown }[]) {
      if (!d?.name) continue;
      const parameters = d.parametersJsonSchema ?? (d.parameters !== undefined ? jsonSchema(d.parameters) : undefined);
      out.push({
        type: 'function',
        function: { name: d.name, ...(d.description ? { description: d.description } : {}), ...(isObject(parameters) ? { parameters } : {}) },
      });
    }
  }
  return out;
}

/**
 * Gemini's `usageMetadata` in Loupe's convention: input = prompt tokens (cached ones included, and
 * tool-use prompt tokens), cached subset as `cache_read_input_tokens`, output = answer + thinking.
 *
 * @example
 * geminiUsage({ promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 10, thoughtsTokenCount: 5 });
 * // { input_tokens: 100, output_tokens: 15, total_tokens: 115, cache_read_input_tokens: 60 }
 */
export function geminiUsage(usage: GeminiUsage | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  const prompt = count(usage.promptTokenCount);
  const answer = count(usage.candidatesTokenCount);
  if (prompt === undefined && answer === undefined) return undefined;
  const input = (prompt ?? 0) + (count(usage.toolUsePromptTokenCount) ?? 0);
  const output = (answer ?? 0) + (count(usage.thoughtsTokenCount) ?? 0);
  const cached = count(usage.cachedContentTokenCount);
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: count(usage.totalTokenCount) ?? input + output,
    ...(cached ? { cache_read_input_tokens: cached } : {}),
  };
}

/**
 * The model name without the `models/` (or `publishers/.../models/`) resource prefix.
 *
 * @example
 * bareModel('models/gemini-2.5-flash'); // 'gemini-2.5-flash'
 */
export function bareModel(model: unknown): string | undefined {
  if (typeof model !== 'string' || model.length === 0) return undefined;
  const i = model.lastIndexOf('models/');
  return i >= 0 ? model.slice(i + 'models/'.length) : model;
}

/**
 * Streamed chunks re-assembled into one response, as `generateContent` would have returned it:
 * text of the same kind joined, function calls whole, the last finish reason, and the last usage
 * (Gemini's stream usage is a running total, not per chunk).
 *
 * @example
 * mergeGeminiChunks([{ candidates: [{ content: { parts: [{ text: 'Hel' }] } }] }, { candidates: [{ content: { parts: [{ text: 'lo' }] }, finishReason: 'STOP' }] }]);
 */
export function mergeGeminiChunks(chunks: GeminiResponse[]): GeminiResponse {
  const parts: GeminiPart[] = [];
  let finishReason: string | undefined;
  let role = 'model';
  const out: GeminiResponse = {};
  for (const chunk of chunks) {
    const candidate = chunk.candidates?.[0];
    if (candidate?.content?.role) role = candidate.content.role;
    for (const part of candidate?.content?.parts ?? []) {
      const last = parts.at(-1);
      const keys = Object.keys(part).filter((k) => k !== 'thought' && k !== 'thoughtSignature');
      if (
        typeof part.text === 'string' &&
        keys.length === 1 &&
        last &&
        typeof last.text === 'string' &&
        Boolean(last.thought) === Boolean(part.thought) &&
        !last.functionCall
      ) {
        last.text += part.text;
      } else parts.push({ ...part });
    }
    if (candidate?.finishReason) finishReason = candidate.finishReason;
    if (chunk.usageMetadata) out.usageMetadata = chunk.usageMetadata;
    if (chunk.modelVersion) out.modelVersion = chunk.modelVersion;
    if (chunk.responseId) out.responseId = chunk.responseId;
  }
  out.candidates = [{ content: { role, parts }, ...(finishReason ? { finishReason } : {}), index: 0 }];
  return out;
}
