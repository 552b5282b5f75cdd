import type { ChatContentPart, ChatMessage, ChatTool, ChatToolCall } from '@loupe/sdk/genai';
import { asText } from '@loupe/sdk/genai';
import { isMessage, messageType, type LangChainMessage } from './plain-value.js';

/**
 * LangChain messages in Loupe's one chat format (OpenAI chat shape): `HumanMessage` → user,
 * `AIMessage` (with `tool_calls`) → assistant, `ToolMessage` → tool, `SystemMessage` and developer
 * messages → system, a `ChatMessage` keeps its role.
 */

function imageUrl(block: Record<string, unknown>): string | undefined {
  const url = block.image_url;
  if (typeof url === 'string') return url;
  if (typeof url === 'object' && url !== null && typeof (url as { url?: unknown }).url === 'string') return (url as { url: string }).url;
  // LangChain's standard content blocks: { type: 'image', url } or base64 `data` with a MIME type.
  if (typeof block.url === 'string') return block.url;
  const data = typeof block.data === 'string' ? block.data : undefined;
  const mime = (block.mimeType ?? block.mime_type) as string | undefined;
  return data && mime ? `data:${mime};base64,${data}` : undefined;
}

function contentParts(content: unknown): ChatContentPart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return [];
  const parts: ChatContentPart[] = [];
  for (const block of content) {
    if (typeof block === 'string') parts.push({ type: 'text', text: block });
    else if (typeof block === 'object' && block !== null) {
      const b = block as Record<string, unknown>;
      if ((b.type === 'text' || b.type === 'text_delta') && typeof b.text === 'string') parts.push({ type: 'text', text: b.text });
      else if (b.type === 'image_url' || b.type === 'image') {
        const url = imageUrl(b);
        if (url) parts.push({ type: 'image_url', image_url: { url } });
      }
      // Tool-use, reasoning and other provider blocks are not chat content: tool calls come from `tool_calls`.
    }
  }
  return parts;
}

/** Content as the chat format holds it: a string when it is only text, parts when an image is in it. */
function chatContent(content: unknown): string | ChatContentPart[] | null {
  const parts = contentParts(content);
  if (parts.length === 0) return null;
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

function toolCallsOf(message: LangChainMessage): ChatToolCall[] {
  if (message.tool_calls && message.tool_calls.length > 0) {
    return message.tool_calls.map((c, i) => ({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name, arguments: asText(c.args ?? {}) } }));
  }
  // Older or raw messages keep OpenAI's own tool calls in additional_kwargs.
  const raw = message.additional_kwargs?.tool_calls;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (c): c is { id?: string; function: { name: string; arguments?: unknown } } =>
        typeof c === 'object' && c !== null && typeof (c as { function?: { name?: unknown } }).function?.name === 'string',
    )
    .map((c, i) => ({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.function.name, arguments: asText(c.function.arguments ?? '{}') } }));
}

const ROLES: Record<string, ChatMessage['role']> = {
  human: 'user',
  user: 'user',
  ai: 'assistant',
  assistant: 'assistant',
  system: 'system',
  developer: 'system',
  tool: 'tool',
  function: 'tool',
};

/**
 * One LangChain message in the chat format.
 *
 * @example
 * toChatMessage(new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'weather', args: { city: 'Paris' } }] }));
 * // { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] }
 */
export function toChatMessage(message: LangChainMessage): ChatMessage {
  const type = messageType(message);
  const role = ROLES[type === 'generic' ? (message.role ?? 'user') : type] ?? 'user';
  const content = chatContent(message.content);
  if (role === 'tool') {
    const text = content === null ? '' : typeof content === 'string' ? content : asText(content);
    return { role, content: text, ...(message.tool_call_id ? { tool_call_id: message.tool_call_id } : {}), ...(message.name ? { name: message.name } : {}) };
  }
  if (role === 'assistant') {
    const calls = toolCallsOf(message);
    return { role, content, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
  }
  return { role, content: content ?? '', ...(message.name ? { name: message.name } : {}) };
}

/**
 * A list of LangChain messages (anything else in it is skipped) in the chat format.
 *
 * @example
 * toChatMessages([new SystemMessage('Be brief.'), new HumanMessage('hi')]);
 */
export function toChatMessages(messages: readonly unknown[]): ChatMessage[] {
  return messages.filter(isMessage).map(toChatMessage);
}

function functionTool(name: unknown, description: unknown, parameters: unknown): ChatTool | undefined {
  if (typeof name !== 'string') return undefined;
  return {
    type: 'function',
    function: {
      name,
      ...(typeof description === 'string' ? { description } : {}),
      ...(typeof parameters === 'object' && parameters !== null ? { parameters: parameters as Record<string, unknown> } : {}),
    },
  };
}

/**
 * The tools a chat model was bound to (`bindTools`), from its invocation params, in the chat format:
 * OpenAI's `{type: 'function', function}`, Anthropic's `{name, input_schema}`, Gemini's
 * `functionDeclarations` and Bedrock's `toolSpec` shapes.
 *
 * @example
 * toChatTools(extraParams.invocation_params.tools);
 */
export function toChatTools(tools: unknown): ChatTool[] {
  if (!Array.isArray(tools)) return [];
  const out: ChatTool[] = [];
  for (const t of tools) {
    if (typeof t !== 'object' || t === null) continue;
    const tool = t as Record<string, unknown>;
    const fn = tool.function as Record<string, unknown> | undefined;
    const spec = tool.toolSpec as Record<string, unknown> | undefined;
    if (fn) out.push(...[functionTool(fn.name, fn.description, fn.parameters)].filter((x): x is ChatTool => x !== undefined));
    else if (Array.isArray(tool.functionDeclarations))
      out.push(...toChatTools((tool.functionDeclarations as Record<string, unknown>[]).map((d) => ({ function: d }))));
    else if (spec)
      out.push(
        ...[functionTool(spec.name, spec.description, (spec.inputSchema as { json?: unknown } | undefined)?.json)].filter(
          (x): x is ChatTool => x !== undefined,
        ),
      );
    else {
      const converted = functionTool(tool.name, tool.description, tool.input_schema ?? tool.parameters ?? tool.schema);
      if (converted) out.push(converted);
    }
  }
  return out;
}
