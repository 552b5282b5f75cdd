import { requestMessages, responseMessages } from './chat-messages';
import { parsePartialJson } from './partial-json';

/**
 * What a person reads from a trace's request and response previews (JSON text, maybe cut short):
 * the question asked and the reply given, as text, whatever shape the app logged.
 */

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields apps name their question or answer by, when there are other fields beside it. */
const REQUEST_KEYS = ['question', 'query', 'input', 'prompt', 'message', 'text'];
const REPLY_KEYS = ['answer', 'response', 'output', 'reply', 'result', 'text', 'content', 'message'];

/** The text a value holds: itself, an object's only field, or the first of `keys` that is text. */
function textField(value: unknown, keys: string[]): string | undefined {
  if (typeof value === 'string') return value;
  if (!isDict(value)) return undefined;
  const entries = Object.values(value);
  if (entries.length === 1 && typeof entries[0] === 'string') return entries[0];
  for (const key of keys) if (typeof value[key] === 'string') return value[key];
  return undefined;
}

/**
 * The question of a request preview: the last user message of a chat request (content blocks
 * included), an object's only field or its `question` / `query` / `input` ..., or the preview as it is.
 *
 * @example
 * requestText('{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}'); // 'hi'
 */
export function requestText(preview: string): string {
  const value = parsePartialJson(preview);
  if (value === undefined) return preview;
  const messages = requestMessages(value);
  const asked = messages?.filter((m) => m.role === 'user' && m.content).at(-1);
  if (asked) return asked.content;
  return textField(value, REQUEST_KEYS) ?? preview;
}

/**
 * The reply of a response preview: the assistant's last message with text (OpenAI, Anthropic,
 * Gemini, Responses API, lists of messages, plain strings), an object's only field or its `answer` /
 * `response` / `output` ..., or the preview as it is. A reply cut short ends with `…`.
 *
 * @example
 * replyText('{"id":"msg_1","role":"assistant","content":[{"type":"text","text":"Approved."}]}'); // 'Approved.'
 */
export function replyText(preview: string): string {
  const value = parsePartialJson(preview);
  if (value === undefined) return preview;
  const said = responseMessages(value).filter((m) => m.role === 'assistant' && m.content);
  if (said.length) return said.at(-1)!.content;
  return textField(value, REPLY_KEYS) ?? preview;
}
