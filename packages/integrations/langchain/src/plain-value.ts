/**
 * LangChain values (messages, documents, prompt values, LangGraph state) as plain JSON for span inputs
 * and outputs. Left alone, a `BaseMessage` serializes to LangChain's `{lc, type, id, kwargs}` envelope,
 * which buries the content; this keeps what a reader wants: role, content, tool calls, usage.
 */

const MAX_DEPTH = 12;

/** True for a LangChain message (`HumanMessage`, `AIMessageChunk`, ...), by shape: core may be installed twice. */
export function isMessage(value: unknown): value is LangChainMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { content?: unknown; _getType?: unknown; getType?: unknown };
  return 'content' in v && (typeof v._getType === 'function' || typeof v.getType === 'function');
}

/** The fields of a LangChain message that tracing reads. */
export interface LangChainMessage {
  content: unknown;
  type?: string;
  name?: string;
  id?: string;
  role?: string;
  tool_calls?: { id?: string; name: string; args: unknown }[];
  tool_call_id?: string;
  additional_kwargs?: Record<string, unknown>;
  response_metadata?: Record<string, unknown>;
  usage_metadata?: Record<string, unknown>;
  _getType?: () => string;
  getType?: () => string;
}

/** A message's type: `human`, `ai`, `system`, `tool`, `generic`, `developer`, `function`, ... */
export function messageType(message: LangChainMessage): string {
  try {
    return message.type ?? message.getType?.() ?? message._getType?.() ?? 'generic';
  } catch {
    return 'generic';
  }
}

function isDocument(value: unknown): value is { pageContent: string; metadata?: unknown; id?: string } {
  return typeof value === 'object' && value !== null && typeof (value as { pageContent?: unknown }).pageContent === 'string';
}

/** A retrieved document in MLflow's retriever-output shape. */
export function plainDocument(doc: { pageContent: string; metadata?: unknown; id?: string }): Record<string, unknown> {
  return { page_content: doc.pageContent, metadata: plainValue(doc.metadata ?? {}), ...(doc.id !== undefined ? { id: doc.id } : {}) };
}

function plainMessage(message: LangChainMessage, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: messageType(message), content: plainValue(message.content, depth + 1) };
  if (message.name) out.name = message.name;
  if (message.role) out.role = message.role;
  if (message.tool_calls && message.tool_calls.length > 0) out.tool_calls = plainValue(message.tool_calls, depth + 1);
  if (message.tool_call_id) out.tool_call_id = message.tool_call_id;
  if (message.usage_metadata) out.usage_metadata = plainValue(message.usage_metadata, depth + 1);
  if (message.response_metadata && Object.keys(message.response_metadata).length > 0) out.response_metadata = plainValue(message.response_metadata, depth + 1);
  if (message.id) out.id = message.id;
  return out;
}

/**
 * A JSON-able copy of `value` with messages and documents flattened to their readable fields.
 *
 * @example
 * span.setInputs(plainValue({ messages: [new HumanMessage('hi')] })); // { messages: [{ type: 'human', content: 'hi' }] }
 */
export function plainValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (depth > MAX_DEPTH) return '[depth limit]';
  if (isMessage(value)) return plainMessage(value, depth);
  if (isDocument(value)) return plainDocument(value);
  if (Array.isArray(value)) return value.map((v) => plainValue(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (typeof (value as { toChatMessages?: unknown }).toChatMessages === 'function') {
    // A prompt value (ChatPromptValue): its messages are what the prompt produced.
    try {
      return plainValue((value as { toChatMessages(): unknown[] }).toChatMessages(), depth + 1);
    } catch {
      // Fall through to the fields.
    }
  }
  if (typeof (value as { aborted?: unknown }).aborted === 'boolean' && typeof (value as { addEventListener?: unknown }).addEventListener === 'function')
    return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = plainValue(v, depth + 1);
    if (p !== undefined) out[k] = p;
  }
  return out;
}
