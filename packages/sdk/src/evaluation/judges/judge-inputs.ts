import { SpanAttributeKey } from '@loupe/protocol/attributes';
import type { TraceSpan } from '../../client/trace-model.js';
import type { ConversationTurn, ScorerInput } from '../scorer-types.js';

/**
 * What judges read from a {@link ScorerInput}: the request and response as text, the documents of
 * RETRIEVER spans, the calls of TOOL spans, a session's turns. A required piece that is absent
 * throws {@link MissingJudgeInput}, which the judge turns into an error feedback naming the field.
 */

/** A judge could not find an input it needs; `field` names it as the user would write it. */
export class MissingJudgeInput extends Error {
  override readonly name = 'MissingJudgeInput';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The longest text of one value put in a prompt; longer values are cut with a marker. */
export const MAX_FIELD_CHARS = 20_000;

/**
 * A value as prompt text: strings as they are, anything else as indented JSON; cut at `limit`.
 *
 * @example
 * promptText({ city: 'Paris' }); // '{\n  "city": "Paris"\n}'
 */
export function promptText(value: unknown, limit = MAX_FIELD_CHARS): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > limit ? `${text.slice(0, limit)}… [${text.length - limit} more characters cut]` : text;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (isRecord(v) && Object.keys(v).length === 0);

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return promptText(content);
}

/** The root span (no parent, else the first), whose inputs and outputs stand for the trace's. */
export function rootSpan(input: ScorerInput): TraceSpan | undefined {
  const spans = input.trace?.spans ?? [];
  return spans.find((s) => s.parentId === null) ?? spans[0];
}

/**
 * The user's request as text: the last user message of a chat request, the only value of a
 * one-key input dict, or the inputs as JSON; the trace's root span inputs when the row has none.
 *
 * @example
 * requestText({ inputs: { question: 'What is MLflow?' }, outputs: '', expectations: {} }); // 'What is MLflow?'
 */
export function requestText(input: ScorerInput): string {
  let inputs: unknown = input.inputs;
  if (isEmpty(inputs)) inputs = rootSpan(input)?.inputs;
  if (isEmpty(inputs)) throw new MissingJudgeInput('inputs', 'needs the request: the row has no inputs and no trace to read them from');
  if (isRecord(inputs) && Array.isArray(inputs.messages)) {
    const user = [...(inputs.messages as unknown[])].reverse().find((m) => isRecord(m) && m.role === 'user');
    if (isRecord(user)) return messageText(user.content);
  }
  if (isRecord(inputs)) {
    const values = Object.values(inputs);
    if (values.length === 1 && typeof values[0] === 'string') return values[0];
  }
  return promptText(inputs);
}

/**
 * The app's answer as text: a string, a chat completion's message, or JSON; the trace's root span
 * outputs when the row has none.
 *
 * @example
 * responseText({ inputs: {}, outputs: { choices: [{ message: { content: 'Hi' } }] }, expectations: {} }); // 'Hi'
 */
export function responseText(input: ScorerInput): string {
  let outputs = input.outputs;
  if (isEmpty(outputs)) outputs = rootSpan(input)?.outputs;
  if (isEmpty(outputs)) throw new MissingJudgeInput('outputs', 'needs the response: the row has no outputs and no trace to read them from');
  if (isRecord(outputs) && Array.isArray(outputs.choices)) {
    const message = (outputs.choices[0] as { message?: { content?: unknown } } | undefined)?.message;
    if (message?.content !== undefined && message.content !== null) return messageText(message.content);
  }
  return promptText(outputs);
}

/** One retrieved document. */
export interface RetrievedDocument {
  content: string;
  metadata?: Record<string, unknown>;
}

/** The documents one RETRIEVER span returned. */
export interface Retrieval {
  spanId: string;
  documents: RetrievedDocument[];
}

function documentOf(d: unknown): RetrievedDocument {
  if (typeof d === 'string') return { content: d };
  if (isRecord(d)) {
    const content = d.page_content ?? d.pageContent ?? d.content ?? d.text;
    return { content: typeof content === 'string' ? content : promptText(d), ...(isRecord(d.metadata) ? { metadata: d.metadata } : {}) };
  }
  return { content: promptText(d) };
}

/**
 * The documents of every RETRIEVER span, in start order (outputs as `[{page_content, metadata}]`,
 * or `{documents: [...]}`). Throws {@link MissingJudgeInput} when there is no trace or no such span.
 *
 * @example
 * retrievals(input)[0].documents[0].content;
 */
export function retrievals(input: ScorerInput): Retrieval[] {
  if (!input.trace) throw new MissingJudgeInput('trace', 'needs a trace with RETRIEVER spans, and the row has no trace');
  const spans = input.trace.spans.filter((s) => s.spanType === 'RETRIEVER');
  if (spans.length === 0) throw new MissingJudgeInput('trace', "needs a trace with at least one span of type 'RETRIEVER', and this trace has none");
  return spans.map((s) => {
    const out = isRecord(s.outputs) && Array.isArray(s.outputs.documents) ? s.outputs.documents : s.outputs;
    const list = Array.isArray(out) ? out : out === undefined || out === null ? [] : [out];
    return { spanId: s.spanId, documents: list.map(documentOf) };
  });
}

/** Retrieved documents as numbered prompt text. */
export function documentsText(documents: RetrievedDocument[]): string {
  if (documents.length === 0) return '(the retriever returned no documents)';
  return documents
    .map(
      (d, i) =>
        `[${i + 1}] ${promptText(d.content, 8_000)}${d.metadata && Object.keys(d.metadata).length ? `\n    metadata: ${JSON.stringify(d.metadata)}` : ''}`,
    )
    .join('\n');
}

/** One call the agent made (a TOOL span). */
export interface ToolCallRecord {
  spanId: string;
  name: string;
  arguments: unknown;
  result: unknown;
  status: string;
}

/** The TOOL spans of the trace, in start order. Throws {@link MissingJudgeInput} without a trace. */
export function toolCalls(input: ScorerInput): ToolCallRecord[] {
  if (!input.trace) throw new MissingJudgeInput('trace', 'needs the trace to read the TOOL spans from, and the row has no trace');
  return input.trace.spans
    .filter((s) => s.spanType === 'TOOL')
    .map((s) => ({ spanId: s.spanId, name: s.name, arguments: s.inputs, result: s.outputs, status: s.status }));
}

/** The tools offered to the model in the trace's LLM spans (`mlflow.chat.tools`), by name. */
export function availableTools(input: ScorerInput): { name: string; description?: string; parameters?: unknown }[] {
  const byName = new Map<string, { name: string; description?: string; parameters?: unknown }>();
  for (const s of input.trace?.spans ?? []) {
    const tools = s.attributes[SpanAttributeKey.CHAT_TOOLS];
    if (!Array.isArray(tools)) continue;
    for (const t of tools) {
      const fn = isRecord(t) && isRecord(t.function) ? t.function : t;
      if (isRecord(fn) && typeof fn.name === 'string' && !byName.has(fn.name))
        byName.set(fn.name, { name: fn.name, ...(typeof fn.description === 'string' ? { description: fn.description } : {}), parameters: fn.parameters });
    }
  }
  return [...byName.values()];
}

/** Tool calls as numbered prompt text. */
export function toolCallsText(calls: ToolCallRecord[]): string {
  if (calls.length === 0) return '(the agent called no tools)';
  return calls
    .map(
      (c, i) => `${i + 1}. ${c.name}(${promptText(c.arguments, 2_000)})${c.status === 'ERROR' ? ' [failed]' : ''}\n   returned: ${promptText(c.result, 2_000)}`,
    )
    .join('\n');
}

/**
 * A session's turns, oldest first. Throws {@link MissingJudgeInput} when there are none.
 */
export function conversationTurns(input: ScorerInput): ConversationTurn[] {
  if (!input.conversation?.length) throw new MissingJudgeInput('conversation', 'is a session-level judge and needs the conversation (the turns of a session)');
  return input.conversation;
}

/**
 * A conversation as prompt text, one `user:` / `assistant:` pair per turn.
 *
 * @example
 * conversationText([{ traceId: 'tr-1', inputs: { question: 'Hi' }, outputs: 'Hello!' }]); // 'user: Hi\nassistant: Hello!'
 */
export function conversationText(turns: ConversationTurn[]): string {
  return turns
    .map((t) => {
      const asInput: ScorerInput = { inputs: isRecord(t.inputs) ? t.inputs : { input: t.inputs }, outputs: t.outputs, expectations: {} };
      const user = isEmpty(t.inputs) ? '(nothing)' : requestText(asInput);
      const assistant = isEmpty(t.outputs) ? '(no answer)' : responseText(asInput);
      return `user: ${promptText(user, 6_000)}\nassistant: ${promptText(assistant, 6_000)}`;
    })
    .join('\n\n');
}
