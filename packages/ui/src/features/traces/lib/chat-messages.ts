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
    .replace(/^(ai|model)$/, 'assistant');
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
 * The message(s) a model call or chat app returned, in the shapes providers return them: OpenAI chat
 * (`choices`), OpenAI Responses (`output`), Anthropic (a message with content blocks), Gemini
 * (`candidates`), `{messages}`, a list of messages, a plain string.
 *
 * @example
 * responseMessages({ content: [{ type: 'text', text: 'hello' }], role: 'assistant' }); // [{ role: 'assistant', content: 'hello' }]
 */
export function responseMessages(outputs: unknown): ChatMessage[] {
  if (typeof outputs === 'string') return [{ role: 'assistant', content: outputs }];
  if (Array.isArray(outputs)) return outputs.flatMap(readMessage);
  if (!isDict(outputs)) return [];
  if (Array.isArray(outputs.choices)) return outputs.choices.flatMap((c) => (isDict(c) && c.message ? readMessage(c.message) : []));
  if (Array.isArray(outputs.candidates))
    return outputs.candidates.flatMap((c) => (isDict(c) && isDict(c.content) ? readMessage({ role: 'assistant', ...c.content }) : []));
  if (Array.isArray(outputs.output)) {
    const messages = outputs.output.filter((o) => isDict(o) && (o.type === 'message' || o.role !== undefined));
    if (messages.length) return messages.flatMap((m) => readMessage({ role: 'assistant', ...(m as Dict) }));
  }
  if (typeof outputs.output_text === 'string') return [{ role: 'assistant', content: outputs.output_text }];
  if (outputs.role || outputs.content !== undefined) return readMessage({ role: 'assistant', ...outputs });
  if (Array.isArray(outputs.messages)) return outputs.messages.flatMap(readMessage);
  return [];
}

/**
 * The messages of a chat request (`{messages}`, a list of messages, `{inputs: {messages}}`); null
 * when the value is not one.
 *
 * @example
 * requestMessages({ messages: [{ role: 'user', content: 'hi' }] }); // [{ role: 'user', content: 'hi' }]
 */
export function requestMessages(inputs: unknown): ChatMessage[] | null {
  const input = messagesOf(inputs) ?? (isDict(inputs) ? messagesOf(inputs.inputs) : undefined);
  return input ? input.flatMap(readMessage) : null;
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
  out.push(...input.flatMap(readMessage), ...responseMessages(outputs));
  return out;
}
