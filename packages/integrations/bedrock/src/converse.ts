import { type ChatContentPart, type ChatMessage, type ChatTool, type ChatToolCall, isObject } from '@loupe/sdk/genai';
import type { TokenUsage } from '@loupe/sdk';

/**
 * Bedrock's Converse shapes (also the message bodies of Amazon Nova on InvokeModel) converted to
 * Loupe's one chat format, and ConverseStream events re-assembled into a Converse response.
 */

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Bytes (or base64 text, as Nova bodies carry them) as base64. */
export function base64Of(bytes: unknown): string | undefined {
  if (typeof bytes === 'string') return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return undefined;
}

function imagePart(image: Json): ChatContentPart | undefined {
  const source = isObject(image.source) ? image.source : undefined;
  const data = base64Of(source?.bytes);
  if (data !== undefined) return { type: 'image_url', image_url: { url: `data:image/${String(image.format ?? 'png')};base64,${data}` } };
  const uri = isObject(source?.s3Location) ? source.s3Location.uri : undefined;
  return typeof uri === 'string' ? { type: 'image_url', image_url: { url: uri } } : undefined;
}

function contentOf(parts: ChatContentPart[]): string | ChatContentPart[] | null {
  if (parts.length === 0) return null;
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

/** A tool result's content blocks (`text`, `json`, `image`) as the chat format's tool content. */
function toolResultContent(content: unknown): string | ChatContentPart[] {
  if (!Array.isArray(content)) return '';
  const parts: ChatContentPart[] = [];
  for (const block of content.filter(isObject)) {
    if (typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
    else if (block.json !== undefined) parts.push({ type: 'text', text: JSON.stringify(block.json) });
    else if (isObject(block.image)) {
      const part = imagePart(block.image);
      if (part) parts.push(part);
    }
  }
  return contentOf(parts) ?? '';
}

function toolCall(use: Json): ChatToolCall {
  const input = use.input;
  return {
    id: String(use.toolUseId ?? ''),
    type: 'function',
    function: { name: String(use.name ?? ''), arguments: typeof input === 'string' ? input : JSON.stringify(input ?? {}) },
  };
}

/** One Converse message as chat messages: tool results become `tool` messages ahead of the rest. */
export function converseMessage(message: unknown): ChatMessage[] {
  if (!isObject(message) || !Array.isArray(message.content)) return [];
  const role = message.role === 'assistant' ? 'assistant' : 'user';
  const blocks = message.content.filter(isObject);
  const out: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  const calls: ChatToolCall[] = [];
  for (const block of blocks) {
    if (isObject(block.toolResult))
      out.push({ role: 'tool', tool_call_id: String(block.toolResult.toolUseId ?? ''), content: toolResultContent(block.toolResult.content) });
    else if (typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
    else if (isObject(block.image)) {
      const part = imagePart(block.image);
      if (part) parts.push(part);
    } else if (isObject(block.toolUse)) calls.push(toolCall(block.toolUse));
  }
  if (parts.length > 0 || calls.length > 0) {
    const chat: ChatMessage = { role, content: contentOf(parts) };
    if (calls.length > 0) chat.tool_calls = calls;
    out.push(chat);
  }
  return out;
}

/**
 * A Converse request's `system` and `messages` as chat messages.
 *
 * @example
 * converseRequestMessages({ system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Hi' }] }] });
 */
export function converseRequestMessages(input: unknown): ChatMessage[] {
  if (!isObject(input)) return [];
  const out: ChatMessage[] = [];
  if (Array.isArray(input.system)) {
    const text = input.system
      .filter(isObject)
      .map((b) => (typeof b.text === 'string' ? b.text : ''))
      .join('');
    if (text.length > 0) out.push({ role: 'system', content: text });
  }
  if (Array.isArray(input.messages)) for (const m of input.messages) out.push(...converseMessage(m));
  return out;
}

/** The model's answer of a Converse response (`output.message`) as one assistant message. */
export function converseAnswer(output: unknown): ChatMessage | undefined {
  const message = isObject(output) && isObject(output.output) ? output.output.message : undefined;
  if (!isObject(message)) return undefined;
  return converseMessage(message)[0] ?? { role: 'assistant', content: null };
}

/**
 * The tools of `toolConfig` in the chat format.
 *
 * @example
 * converseTools({ toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] } });
 */
export function converseTools(input: unknown): ChatTool[] {
  const tools = isObject(input) && isObject(input.toolConfig) && Array.isArray(input.toolConfig.tools) ? input.toolConfig.tools : [];
  const out: ChatTool[] = [];
  for (const tool of tools.filter(isObject)) {
    const spec = tool.toolSpec;
    if (!isObject(spec)) continue;
    const fn: ChatTool['function'] = { name: String(spec.name ?? '') };
    if (typeof spec.description === 'string') fn.description = spec.description;
    if (isObject(spec.inputSchema) && isObject(spec.inputSchema.json)) fn.parameters = spec.inputSchema.json;
    out.push({ type: 'function', function: fn });
  }
  return out;
}

/**
 * Bedrock usage (`inputTokens`, `cacheReadInputTokens`, `cacheWriteInputTokens`; Nova bodies say
 * `...InputTokenCount`) in Loupe's convention: Bedrock counts cached input apart from `inputTokens`,
 * so `input_tokens` is their sum.
 *
 * @example
 * converseUsage({ inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 90 }); // { input_tokens: 100, output_tokens: 5, cache_read_input_tokens: 90 }
 */
export function converseUsage(usage: unknown): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const input = num(usage.inputTokens);
  const output = num(usage.outputTokens);
  if (input === undefined && output === undefined) return undefined;
  const read = num(usage.cacheReadInputTokens) ?? num(usage.cacheReadInputTokenCount);
  const written = num(usage.cacheWriteInputTokens) ?? num(usage.cacheWriteInputTokenCount);
  const result: TokenUsage = { input_tokens: (input ?? 0) + (read ?? 0) + (written ?? 0), output_tokens: output ?? 0 };
  if (read !== undefined) result.cache_read_input_tokens = read;
  if (written !== undefined) result.cache_creation_input_tokens = written;
  return result;
}

/**
 * Re-assembles a Converse response from ConverseStream events (`messageStart`, `contentBlockStart`,
 * `contentBlockDelta` with text, tool input or reasoning, `messageStop`, `metadata`).
 *
 * @example
 * const acc = new ConverseStreamAccumulator();
 * for await (const event of response.stream) acc.add(event);
 * acc.response(); // { output: { message: { role, content } }, stopReason, usage, metrics }
 */
export class ConverseStreamAccumulator {
  private role = 'assistant';
  private readonly blocks: Json[] = [];
  private readonly toolInput = new Map<number, string>();
  private readonly rest: Json = {};

  /** Takes one stream event; unknown ones are ignored. */
  add(event: unknown): void {
    if (!isObject(event)) return;
    if (isObject(event.messageStart) && typeof event.messageStart.role === 'string') this.role = event.messageStart.role;
    if (isObject(event.contentBlockStart)) this.start(event.contentBlockStart);
    if (isObject(event.contentBlockDelta)) this.delta(event.contentBlockDelta);
    if (isObject(event.messageStop)) {
      this.rest.stopReason = event.messageStop.stopReason;
      if (event.messageStop.additionalModelResponseFields !== undefined)
        this.rest.additionalModelResponseFields = event.messageStop.additionalModelResponseFields;
    }
    if (isObject(event.metadata)) Object.assign(this.rest, event.metadata);
  }

  private start(start: Json): void {
    const index = num(start.contentBlockIndex) ?? this.blocks.length;
    const use = isObject(start.start) && isObject(start.start.toolUse) ? start.start.toolUse : undefined;
    if (use) this.blocks[index] = { toolUse: { ...use, input: {} } };
  }

  private delta(event: Json): void {
    const index = num(event.contentBlockIndex) ?? 0;
    const delta = isObject(event.delta) ? event.delta : {};
    if (typeof delta.text === 'string') {
      const block = (this.blocks[index] ??= { text: '' });
      block.text = String(block.text ?? '') + delta.text;
    } else if (isObject(delta.toolUse)) {
      this.blocks[index] ??= { toolUse: { input: {} } };
      this.toolInput.set(index, (this.toolInput.get(index) ?? '') + String(delta.toolUse.input ?? ''));
    } else if (isObject(delta.reasoningContent)) {
      const block = (this.blocks[index] ??= { reasoningContent: { reasoningText: { text: '' } } });
      const reasoning = ((block.reasoningContent as Json).reasoningText ??= { text: '' }) as Json;
      if (typeof delta.reasoningContent.text === 'string') reasoning.text = String(reasoning.text ?? '') + delta.reasoningContent.text;
      if (typeof delta.reasoningContent.signature === 'string') reasoning.signature = delta.reasoningContent.signature;
    }
  }

  /** The response so far, in the shape Converse returns. */
  response(): Json {
    const content = this.blocks.map((block, index) => {
      const json = this.toolInput.get(index);
      if (json === undefined || !isObject(block.toolUse)) return block;
      let input: unknown = json;
      try {
        input = json.length > 0 ? JSON.parse(json) : {};
      } catch {
        // A stream cut mid-block leaves invalid JSON: keep the text that arrived.
      }
      return { toolUse: { ...block.toolUse, input } };
    });
    return { output: { message: { role: this.role, content: content.filter(Boolean) } }, ...this.rest };
  }
}
