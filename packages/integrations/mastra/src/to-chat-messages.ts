import type { ChatContentPart, ChatMessage, ChatTool, ChatToolCall } from '@loupe/sdk/genai';
import { asText } from '@loupe/sdk/genai';

/**
 * Mastra's model messages (the AI SDK's `ModelMessage`: string or part-list content, `tool-call`
 * and `tool-result` parts) in Loupe's one chat format (OpenAI chat shape).
 */

type Part = Record<string, unknown>;

function imagePart(part: Part): ChatContentPart | undefined {
  const image = part.image ?? part.data ?? part.url;
  const mediaType = (part.mediaType ?? part.mimeType ?? 'image/png') as string;
  if (image instanceof URL) return { type: 'image_url', image_url: { url: image.href } };
  if (typeof image === 'string') return { type: 'image_url', image_url: { url: /^(https?:|data:)/.test(image) ? image : `data:${mediaType};base64,${image}` } };
  return undefined;
}

function toolResultText(part: Part): string {
  // AI SDK 5: `output: { type: 'text' | 'json' | 'error-text' | ..., value }`; AI SDK 4: `result`.
  const output = part.output as { value?: unknown } | undefined;
  return asText(output && typeof output === 'object' && 'value' in output ? output.value : (part.result ?? output ?? ''));
}

function toolCallOf(part: Part, index: number): ChatToolCall {
  return {
    id: String(part.toolCallId ?? `call_${index}`),
    type: 'function',
    function: { name: String(part.toolName ?? ''), arguments: asText(part.input ?? part.args ?? {}) },
  };
}

function contentOf(parts: Part[]): string | ChatContentPart[] | null {
  const out: ChatContentPart[] = [];
  for (const p of parts) {
    if (p.type === 'text' && typeof p.text === 'string') out.push({ type: 'text', text: p.text });
    else if (p.type === 'image' || (p.type === 'file' && String(p.mediaType ?? '').startsWith('image/'))) {
      const img = imagePart(p);
      if (img) out.push(img);
    }
  }
  if (out.length === 0) return null;
  return out.every((p) => p.type === 'text') ? out.map((p) => (p as { text: string }).text).join('') : out;
}

/**
 * Model messages in the chat format; a tool message with several results becomes one message each.
 *
 * @example
 * toChatMessages([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]); // [{ role: 'user', content: 'hi' }]
 */
export function toChatMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages)) return [];
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (typeof m !== 'object' || m === null) continue;
    const { role, content } = m as { role?: string; content?: unknown };
    const parts: Part[] = typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? (content as Part[]) : [];
    if (role === 'tool') {
      for (const p of parts.filter((x) => x.type === 'tool-result'))
        out.push({ role: 'tool', tool_call_id: String(p.toolCallId ?? ''), content: toolResultText(p) });
    } else if (role === 'assistant') {
      const calls = parts.filter((x) => x.type === 'tool-call').map(toolCallOf);
      out.push({ role: 'assistant', content: contentOf(parts), ...(calls.length > 0 ? { tool_calls: calls } : {}) });
    } else if (role === 'system' || role === 'user') {
      out.push({ role, content: contentOf(parts) ?? '' });
    }
  }
  return out;
}

/**
 * The tools of a model call's request body (OpenAI's `tools`; Anthropic's `{name, input_schema}`).
 *
 * @example
 * toolsOfBody('{"tools":[{"type":"function","function":{"name":"weather"}}]}'); // [{ type: 'function', function: { name: 'weather' } }]
 */
export function toolsOfBody(body: unknown): ChatTool[] {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return [];
    }
  }
  const tools = (parsed as { tools?: unknown } | null)?.tools;
  if (!Array.isArray(tools)) return [];
  const out: ChatTool[] = [];
  for (const t of tools as Record<string, unknown>[]) {
    const fn = (t.function ?? t) as Record<string, unknown>;
    if (typeof fn.name !== 'string') continue;
    let parameters = (fn.parameters ?? fn.input_schema) as Record<string, unknown> | undefined;
    // Mastra cuts deep span inputs to "[MaxDepth]": a cut schema would be wrong, so it is left out.
    if (parameters && JSON.stringify(parameters).includes('"[MaxDepth]"')) parameters = undefined;
    out.push({
      type: 'function',
      function: { name: fn.name, ...(typeof fn.description === 'string' ? { description: fn.description } : {}), ...(parameters ? { parameters } : {}) },
    });
  }
  return out;
}

/** One model step's answer (text and tool calls) as an assistant message. */
export function stepMessage(output: { text?: unknown; toolCalls?: unknown } | undefined): ChatMessage | undefined {
  if (!output) return undefined;
  const calls = Array.isArray(output.toolCalls) ? (output.toolCalls as Part[]).map(toolCallOf) : [];
  const text = typeof output.text === 'string' && output.text ? output.text : null;
  if (text === null && calls.length === 0) return undefined;
  return { role: 'assistant', content: text, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
}
