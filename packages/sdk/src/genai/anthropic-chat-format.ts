import { isObject } from './kit.js';
import type { ChatContentPart, ChatMessage, ChatTool, ChatToolCall } from '@loupe/protocol';
import type { TokenUsage } from '../tracing/loupe-span.js';

/**
 * Anthropic's Messages API shapes converted to Loupe's one chat format, and its stream events
 * re-assembled into a message. Written against the wire format (plain JSON), not the SDK's types,
 * so the same code reads the API's bodies wherever they appear: `@anthropic-ai/sdk`, and Claude's
 * InvokeModel bodies on Bedrock.
 */

type Json = Record<string, unknown>;
type Block = Json & { type?: string };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** An image block's source as a URL (a `data:` URL for inline bytes), or undefined for a file reference. */
function imageUrl(source: unknown): string | undefined {
  if (!isObject(source)) return undefined;
  if (source.type === 'base64' && typeof source.data === 'string') return `data:${String(source.media_type ?? 'image/png')};base64,${source.data}`;
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  return undefined;
}

/** Text and image parts of content blocks; other blocks (documents, thinking, server tool results) are left to the span's inputs. */
function partsOf(blocks: Block[]): ChatContentPart[] {
  const parts: ChatContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'text' && typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') {
      const url = imageUrl(block.source);
      if (url) parts.push({ type: 'image_url', image_url: { url } });
    } else if (block.type === 'document' && isObject(block.source) && block.source.type === 'text' && typeof block.source.data === 'string') {
      parts.push({ type: 'text', text: block.source.data });
    }
  }
  return parts;
}

/** Parts as the chat format's content: a string when it is all text, else the parts. */
function contentOf(parts: ChatContentPart[]): string | ChatContentPart[] | null {
  if (parts.length === 0) return null;
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

function toolResultText(content: unknown): string | ChatContentPart[] {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return contentOf(partsOf(content as Block[])) ?? '';
  return JSON.stringify(content);
}

function toolCall(block: Block): ChatToolCall {
  const input = block.input;
  return {
    id: String(block.id ?? ''),
    type: 'function',
    function: { name: String(block.name ?? ''), arguments: typeof input === 'string' ? input : JSON.stringify(input ?? {}) },
  };
}

/** One Anthropic message (request or response) as chat messages: tool results become `tool` messages. */
function convertMessage(role: string, content: unknown): ChatMessage[] {
  const chatRole = role === 'assistant' ? 'assistant' : role === 'system' ? 'system' : 'user';
  if (typeof content === 'string') return [{ role: chatRole, content }];
  if (!Array.isArray(content)) return [];
  const blocks = content.filter(isObject) as Block[];
  const out: ChatMessage[] = [];
  // Tool results answer the previous assistant turn, so they come before the user's own words.
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const text = toolResultText(block.content);
      out.push({ role: 'tool', tool_call_id: String(block.tool_use_id ?? ''), content: typeof text === 'string' ? text : text });
    }
  }
  const calls = chatRole === 'assistant' ? blocks.filter((b) => b.type === 'tool_use' || b.type === 'server_tool_use').map(toolCall) : [];
  const parts = partsOf(blocks);
  if (parts.length > 0 || calls.length > 0) {
    const message: ChatMessage = { role: chatRole, content: contentOf(parts) };
    if (calls.length > 0) message.tool_calls = calls;
    out.push(message);
  }
  return out;
}

/**
 * A Messages request (`system`, `messages`) as chat messages.
 *
 * @example
 * anthropicRequestMessages({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
 * // [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]
 */
export function anthropicRequestMessages(params: unknown): ChatMessage[] {
  if (!isObject(params)) return [];
  const out: ChatMessage[] = [];
  if (params.system !== undefined && params.system !== null) {
    const system = convertMessage('system', params.system);
    out.push(...system);
  }
  if (Array.isArray(params.messages)) {
    for (const m of params.messages) if (isObject(m)) out.push(...convertMessage(String(m.role ?? 'user'), m.content));
  }
  return out;
}

/**
 * The model's answer (a Messages response) as one assistant chat message; thinking blocks stay in
 * the span's outputs, the chat format has no place for them.
 *
 * @example
 * anthropicAnswerMessage({ role: 'assistant', content: [{ type: 'text', text: 'Hello' }] }); // { role: 'assistant', content: 'Hello' }
 */
export function anthropicAnswerMessage(message: unknown): ChatMessage | undefined {
  if (!isObject(message) || !Array.isArray(message.content)) return undefined;
  const [answer] = convertMessage('assistant', message.content);
  return answer ?? { role: 'assistant', content: null };
}

/**
 * The tools of a request in the chat format; server tools (web search, code execution) have no
 * input schema and are listed by name.
 *
 * @example
 * anthropicTools({ tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] });
 */
export function anthropicTools(params: unknown): ChatTool[] {
  if (!isObject(params) || !Array.isArray(params.tools)) return [];
  return params.tools.filter(isObject).map((tool) => {
    const fn: ChatTool['function'] = { name: String(tool.name ?? tool.type ?? 'tool') };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (isObject(tool.input_schema)) fn.parameters = tool.input_schema;
    return { type: 'function', function: fn };
  });
}

/**
 * Anthropic usage in Loupe's convention: Anthropic counts uncached, cache-read and cache-written
 * input tokens separately; `input_tokens` here is their sum, the cache counts its parts.
 *
 * @example
 * anthropicUsage({ input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 });
 * // { input_tokens: 100, output_tokens: 5, cache_read_input_tokens: 90 }
 */
export function anthropicUsage(usage: unknown): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const read = num(usage.cache_read_input_tokens);
  const written = num(usage.cache_creation_input_tokens);
  const result: TokenUsage = { input_tokens: (input ?? 0) + (read ?? 0) + (written ?? 0), output_tokens: output ?? 0 };
  if (read !== undefined) result.cache_read_input_tokens = read;
  if (written !== undefined) result.cache_creation_input_tokens = written;
  return result;
}

/**
 * Re-assembles a message from Messages stream events (`message_start`, `content_block_*`,
 * `message_delta`), in the shape the non-stream API returns.
 *
 * @example
 * const acc = new AnthropicMessageAccumulator();
 * for await (const event of stream) acc.add(event);
 * acc.message(); // { id, role: 'assistant', content: [...], stop_reason, usage, ... }
 */
export class AnthropicMessageAccumulator {
  private current: Json | undefined;
  private readonly blocks: Block[] = [];
  private readonly partialJson = new Map<number, string>();

  /** Takes one stream event; unknown events are ignored. */
  add(event: unknown): void {
    if (!isObject(event)) return;
    switch (event.type) {
      case 'message_start':
        if (isObject(event.message)) this.current = { ...event.message, usage: { ...(isObject(event.message.usage) ? event.message.usage : {}) } };
        break;
      case 'content_block_start':
        if (isObject(event.content_block) && typeof event.index === 'number') this.blocks[event.index] = { ...event.content_block };
        break;
      case 'content_block_delta':
        if (isObject(event.delta) && typeof event.index === 'number') this.applyDelta(event.index, event.delta);
        break;
      case 'content_block_stop':
        if (typeof event.index === 'number') this.finishBlock(event.index);
        break;
      case 'message_delta': {
        this.current ??= {};
        if (isObject(event.delta)) Object.assign(this.current, event.delta);
        // message_delta usage is cumulative: its counts replace those of message_start.
        if (isObject(event.usage)) {
          const usage = this.current.usage as Json | undefined;
          const updates = Object.fromEntries(Object.entries(event.usage).filter(([, v]) => v !== null && v !== undefined));
          this.current.usage = { ...(usage ?? {}), ...updates };
        }
        break;
      }
    }
  }

  private applyDelta(index: number, delta: Json): void {
    const block = (this.blocks[index] ??= { type: 'text', text: '' });
    if (delta.type === 'text_delta') block.text = String(block.text ?? '') + String(delta.text ?? '');
    else if (delta.type === 'input_json_delta') this.partialJson.set(index, (this.partialJson.get(index) ?? '') + String(delta.partial_json ?? ''));
    else if (delta.type === 'thinking_delta') block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
    else if (delta.type === 'signature_delta') block.signature = String(delta.signature ?? '');
    else if (delta.type === 'citations_delta') block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation];
  }

  private finishBlock(index: number): void {
    const json = this.partialJson.get(index);
    const block = this.blocks[index];
    if (json === undefined || !block) return;
    try {
      block.input = json.length > 0 ? JSON.parse(json) : {};
    } catch {
      // A stream cut mid-block leaves invalid JSON: keep the text that arrived.
      block.input = json;
    }
    this.partialJson.delete(index);
  }

  /** The message so far (blocks still open included), or undefined before any event. */
  message(): Json | undefined {
    if (!this.current && this.blocks.length === 0) return undefined;
    for (const index of [...this.partialJson.keys()]) this.finishBlock(index);
    return { ...(this.current ?? { role: 'assistant' }), content: this.blocks.filter(Boolean) };
  }
}
