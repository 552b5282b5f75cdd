import { asText, type ChatContentPart, type ChatMessage, type ChatTool, type ChatToolCall } from '@loupe/sdk/genai';

/**
 * The AI SDK's language-model prompt (`ai.prompt.messages`: system, user, assistant and tool
 * messages with typed content parts), its tool definitions (`ai.prompt.tools`) and a step's answer
 * (`ai.response.text`, `ai.response.toolCalls`) in Loupe's one chat format. Typed structurally:
 * what does not look like a known part is skipped, never thrown on.
 */

/** One content part of an AI SDK prompt message, as far as the chat format reads it. */
interface PromptPart {
  type?: string;
  text?: string;
  data?: unknown;
  mediaType?: string;
  mimeType?: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  args?: unknown;
  output?: unknown;
  result?: unknown;
}

/** One message of an AI SDK prompt. */
export interface PromptMessage {
  role?: string;
  content?: string | PromptPart[];
}

/** A tool call as the AI SDK records it in `ai.response.toolCalls`. */
export interface ResponseToolCall {
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  args?: unknown;
}

/** The JSON text the chat format wants for tool arguments (the SDK gives a string or an object). */
const argumentsText = (value: unknown) => (typeof value === 'string' ? value : asText(value ?? {}));

/** A tool result's `output` (`{ type: 'json' | 'text' | 'error-text' | ..., value }`) as text. */
function toolOutputText(output: unknown): string {
  if (output && typeof output === 'object' && 'type' in output && 'value' in output) return asText((output as { value: unknown }).value);
  return asText(output);
}

function filePart(part: PromptPart): ChatContentPart {
  const mediaType = part.mediaType ?? part.mimeType ?? 'application/octet-stream';
  const data = part.data;
  const url = data instanceof URL ? data.href : typeof data === 'string' ? (/^(https?|data):/.test(data) ? data : `data:${mediaType};base64,${data}`) : '';
  return mediaType.startsWith('image/') && url
    ? { type: 'image_url', image_url: { url } }
    : { type: 'text', text: `[${mediaType}${url.startsWith('http') ? `: ${url}` : ''}]` };
}

function contentOf(parts: ChatContentPart[]): ChatMessage['content'] {
  if (parts.length === 0) return null;
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

function toolCallOf(part: { toolCallId?: string; toolName?: string; input?: unknown; args?: unknown }): ChatToolCall {
  return { id: part.toolCallId ?? '', type: 'function', function: { name: part.toolName ?? '', arguments: argumentsText(part.input ?? part.args) } };
}

function messageOf(message: PromptMessage): ChatMessage[] {
  const role = message.role;
  if (typeof message.content === 'string') {
    return role === 'system' || role === 'user' || role === 'assistant' ? [{ role, content: message.content }] : [];
  }
  const parts = Array.isArray(message.content) ? message.content : [];
  if (role === 'tool') {
    return parts
      .filter((p) => p.type === 'tool-result')
      .map((p) => ({
        role: 'tool' as const,
        tool_call_id: p.toolCallId ?? '',
        ...(p.toolName ? { name: p.toolName } : {}),
        content: toolOutputText(p.output ?? p.result),
      }));
  }
  const chatParts: ChatContentPart[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const part of parts) {
    if (part.type === 'text' && typeof part.text === 'string') chatParts.push({ type: 'text', text: part.text });
    else if (part.type === 'file' || part.type === 'image') chatParts.push(filePart(part));
    else if (part.type === 'tool-call') toolCalls.push(toolCallOf(part));
  }
  if (role === 'assistant') {
    const content = contentOf(chatParts);
    if (content === null && toolCalls.length === 0) return [];
    return [{ role: 'assistant', content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }];
  }
  if (role === 'system' || role === 'user') return [{ role, content: contentOf(chatParts) ?? '' }];
  return [];
}

/**
 * The conversation of one model call: the prompt's messages, then the answer (text and tool calls)
 * when there is one.
 *
 * @example
 * aiChatMessages([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], { text: 'Hello!' });
 * // [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Hello!' }]
 */
export function aiChatMessages(prompt: PromptMessage[], answer?: { text?: string | undefined; toolCalls?: ResponseToolCall[] | undefined }): ChatMessage[] {
  const messages = prompt.flatMap(messageOf);
  const text = answer?.text ? answer.text : null;
  const toolCalls = (answer?.toolCalls ?? []).map(toolCallOf);
  if (text !== null || toolCalls.length > 0) messages.push({ role: 'assistant', content: text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
  return messages;
}

/**
 * The function tools of `ai.prompt.tools` (each a JSON text of `{ type: 'function', name,
 * description, inputSchema }`) as chat-format tools; provider-defined tools are left out.
 *
 * @example
 * aiChatTools(['{"type":"function","name":"weather","inputSchema":{"type":"object"}}']);
 * // [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }]
 */
export function aiChatTools(tools: unknown[]): ChatTool[] {
  const out: ChatTool[] = [];
  for (const entry of tools) {
    let tool: unknown = entry;
    if (typeof entry === 'string') {
      try {
        tool = JSON.parse(entry);
      } catch {
        continue;
      }
    }
    const t = tool as { type?: string; name?: string; description?: string; inputSchema?: unknown; parameters?: unknown };
    if (!t || t.type !== 'function' || !t.name) continue;
    const parameters = t.inputSchema ?? t.parameters;
    out.push({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        ...(parameters && typeof parameters === 'object' ? { parameters: parameters as Record<string, unknown> } : {}),
      },
    });
  }
  return out;
}
