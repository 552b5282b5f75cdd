/**
 * An LLM span's conversation, read from the shapes providers and instrumentations record: OpenAI chat
 * (messages, tool_calls, tool results, choices), Anthropic (content blocks, tool_use, tool_result),
 * OpenTelemetry GenAI (`parts`), and MLflow's `mlflow.chat.messages`.
 */
import { SpanAttributeKey } from '@loupe/protocol';

/** A tool call an assistant made. */
export interface ChatToolCall {
  id?: string;
  name: string;
  arguments: string;
}

/** One message of the conversation. */
export interface ChatMessage {
  role: string;
  content: string;
  toolCalls?: ChatToolCall[];
  /** For a tool result: the call it answers. */
  toolCallId?: string;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v, null, 2));

function argsText(v: unknown): string {
  if (typeof v !== 'string') return text(v);
  try {
    return JSON.stringify(JSON.parse(v), null, 2);
  } catch {
    return v;
  }
}

/** A message's content: a string, or a list of typed blocks/parts. Tool blocks become calls or results. */
function readContent(content: unknown, into: ChatMessage, extra: ChatMessage[]): void {
  if (!Array.isArray(content)) {
    into.content = text(content);
    return;
  }
  const texts: string[] = [];
  for (const block of content) {
    if (typeof block === 'string') texts.push(block);
    else if (isDict(block)) {
      const type = block.type;
      if (type === 'text' || type === 'input_text' || type === 'output_text') texts.push(text(block.text ?? block.content));
      else if (type === 'tool_use' || type === 'tool_call') {
        (into.toolCalls ??= []).push({
          ...(block.id ? { id: String(block.id) } : {}),
          name: text(block.name),
          arguments: argsText(block.input ?? block.arguments),
        });
      } else if (type === 'tool_result' || type === 'tool_call_response') {
        const id = block.tool_use_id ?? block.id;
        const result: ChatMessage = { role: 'tool', content: '' };
        readContent(block.content ?? block.response ?? block.result, result, extra);
        if (id) result.toolCallId = String(id);
        extra.push(result);
      } else if (type === 'image_url' || type === 'image') texts.push('[image]');
      else texts.push(text(block.text ?? block.content ?? block));
    }
  }
  into.content = texts.join('\n');
}

function readMessage(m: unknown): ChatMessage[] {
  if (!isDict(m)) return [];
  const role = text(m.role ?? m.type ?? 'user')
    .replace(/^human$/, 'user')
    .replace(/^ai$/, 'assistant');
  const msg: ChatMessage = { role, content: '' };
  const extra: ChatMessage[] = [];
  readContent(m.content ?? m.parts, msg, extra);
  if (Array.isArray(m.tool_calls)) {
    for (const c of m.tool_calls) {
      if (!isDict(c)) continue;
      const fn = isDict(c.function) ? c.function : c;
      (msg.toolCalls ??= []).push({ ...(c.id ? { id: String(c.id) } : {}), name: text(fn.name), arguments: argsText(fn.arguments ?? fn.args) });
    }
  }
  if (m.tool_call_id) msg.toolCallId = String(m.tool_call_id);
  // A user message holding only tool results is those results.
  const out = msg.content || msg.toolCalls?.length || extra.length === 0 ? [msg] : [];
  return [...out, ...extra];
}

function messagesOf(v: unknown): unknown[] | undefined {
  if (Array.isArray(v) && v.every(isDict) && v.some((m) => 'role' in (m as Dict))) return v;
  if (isDict(v) && Array.isArray(v.messages)) return v.messages;
  return undefined;
}

/**
 * The conversation of an LLM span: the request's messages (a system prompt included) followed by the
 * response's message(s). Null when the inputs are not a chat.
 *
 * @example
 * extractChat({ messages: [{ role: 'user', content: 'hi' }] }, { choices: [{ message: { role: 'assistant', content: 'hello' } }] });
 * // [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }]
 */
export function extractChat(inputs: unknown, outputs: unknown, attributes: Record<string, unknown> = {}): ChatMessage[] | null {
  const recorded = messagesOf(attributes[SpanAttributeKey.CHAT_MESSAGES]);
  if (recorded) return recorded.flatMap(readMessage);
  const input = messagesOf(inputs);
  if (!input) return null;
  const out: ChatMessage[] = [];
  if (isDict(inputs) && inputs.system !== undefined) {
    const system: ChatMessage = { role: 'system', content: '' };
    readContent(inputs.system, system, []);
    out.push(system);
  }
  out.push(...input.flatMap(readMessage));
  if (isDict(outputs)) {
    if (Array.isArray(outputs.choices)) {
      for (const c of outputs.choices) if (isDict(c) && c.message) out.push(...readMessage(c.message));
    } else if (outputs.role || outputs.content !== undefined) out.push(...readMessage({ role: 'assistant', ...outputs }));
    else if (Array.isArray(outputs.messages)) out.push(...outputs.messages.flatMap(readMessage));
  } else if (Array.isArray(outputs)) out.push(...outputs.flatMap(readMessage));
  else if (typeof outputs === 'string') out.push({ role: 'assistant', content: outputs });
  return out;
}
