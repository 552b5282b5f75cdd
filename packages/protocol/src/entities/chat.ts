/**
 * Loupe's one chat format (issue 5): every LLM integration records the conversation of a call, its
 * request messages followed by the model's answer, as `mlflow.chat.messages` on the LLM or CHAT_MODEL
 * span, and the tools offered as `mlflow.chat.tools`: MLflow's chat attributes, in the OpenAI chat
 * shape MLflow uses for them. Provider shapes (Anthropic content blocks, Bedrock Converse, Gemini
 * parts, LangChain messages, ...) are converted to it, so the UI renders any conversation the same way.
 */

/** One part of a multi-part message: text, or an image by URL (a `data:` URL for inline bytes). */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** A tool call the assistant made; `arguments` is the JSON text the model produced. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * One message. `tool` messages answer the call named by `tool_call_id`; an assistant message that
 * only calls tools has `content: null`.
 *
 * @example
 * const turn: ChatMessage[] = [
 *   { role: 'user', content: 'Where is order 42?' },
 *   { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup_order', arguments: '{"id":42}' } }] },
 *   { role: 'tool', tool_call_id: 'c1', content: '{"status":"shipped"}' },
 *   { role: 'assistant', content: 'Order 42 has shipped.' },
 * ];
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  /** A refusal the model gave instead of content. */
  refusal?: string;
}

/**
 * A tool offered to the model: a function with a JSON Schema for its arguments.
 *
 * @example
 * const tool: ChatTool = { type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'number' } } } } };
 */
export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}
