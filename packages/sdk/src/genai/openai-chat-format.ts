import type { ChatContentPart, ChatMessage, ChatTool, ChatToolCall } from '@loupe/protocol';
import type { TokenUsage } from '../tracing/loupe-span.js';
import { asText, count, isObject } from './kit.js';

/**
 * OpenAI's shapes (Chat Completions messages, Responses API items, their usage and tools) in
 * Loupe's one chat format. Chat Completions already is that shape, so it is mostly copied; the
 * Responses API's items fold into messages. Shared by every integration that meets these shapes:
 * the `openai` client, the OpenAI Agents SDK (whose item protocol is the Responses API's in
 * camelCase), and OpenAI-compatible providers. Read defensively: the bodies are what the user
 * passed, typed loosely on purpose, so one version's new fields never break another's tracing.
 */

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Chat roles outside the chat format: `developer` is a system message, legacy `function` a tool result. */
function roleOf(role: unknown): ChatMessage['role'] {
  if (role === 'developer' || role === 'system') return 'system';
  if (role === 'assistant' || role === 'tool') return role;
  if (role === 'function') return 'tool';
  return 'user';
}

/** A content part the chat format has no type for (audio, files) is kept as a text placeholder. */
function partOf(part: unknown): ChatContentPart | undefined {
  if (typeof part === 'string') return { type: 'text', text: part };
  if (!isObject(part)) return undefined;
  const type = part.type;
  if ((type === 'text' || type === 'input_text' || type === 'output_text') && typeof part.text === 'string') return { type: 'text', text: part.text };
  if (type === 'refusal' && typeof part.refusal === 'string') return { type: 'text', text: part.refusal };
  if (type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string')
    return { type: 'image_url', image_url: { url: part.image_url.url } };
  if (type === 'input_image') {
    const url = str(part.image_url) ?? (str(part.file_id) ? `file:${String(part.file_id)}` : undefined);
    if (url) return { type: 'image_url', image_url: { url } };
  }
  if (type === 'input_file' || type === 'file') return { type: 'text', text: `[file ${str(part.filename) ?? str(part.file_id) ?? ''}]`.replace(' ]', ']') };
  if (type === 'input_audio') return { type: 'text', text: '[audio]' };
  return undefined;
}

/** Message content: a string stays one; parts become chat parts, or one string when they are all text. */
function contentOf(content: unknown): ChatMessage['content'] {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return asText(content);
  const parts = content.map(partOf).filter((p): p is ChatContentPart => p !== undefined);
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

function toolCallOf(call: unknown, index: number): ChatToolCall | undefined {
  if (!isObject(call)) return undefined;
  const fn = isObject(call.function) ? call.function : isObject(call.custom) ? { name: call.custom.name, arguments: call.custom.input } : undefined;
  if (!fn) return undefined;
  return { id: str(call.id) ?? `call_${index}`, type: 'function', function: { name: str(fn.name) ?? '', arguments: asText(fn.arguments ?? '') } };
}

/**
 * One Chat Completions message (request or answer) in the chat format.
 *
 * @example
 * openAIChatMessage({ role: 'developer', content: 'Be brief.' }); // { role: 'system', content: 'Be brief.' }
 */
export function openAIChatMessage(message: unknown): ChatMessage | undefined {
  if (!isObject(message)) return undefined;
  const out: ChatMessage = { role: roleOf(message.role), content: contentOf(message.content) };
  if (typeof message.name === 'string' && message.role !== 'function') out.name = message.name;
  if (message.role === 'function' && typeof message.name === 'string') out.tool_call_id = message.name;
  if (typeof message.tool_call_id === 'string') out.tool_call_id = message.tool_call_id;
  if (typeof message.refusal === 'string') out.refusal = message.refusal;
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.map(toolCallOf).filter((c): c is ChatToolCall => c !== undefined) : [];
  if (isObject(message.function_call))
    calls.push({
      id: 'function_call',
      type: 'function',
      function: { name: str(message.function_call.name) ?? '', arguments: asText(message.function_call.arguments ?? '') },
    });
  if (calls.length > 0) out.tool_calls = calls;
  return out;
}

/**
 * A Chat Completions request's messages followed by the first choice's answer.
 *
 * @example
 * openAIChatCompletionMessages({ messages: [{ role: 'user', content: 'hi' }] }, completion); // [user, assistant]
 */
export function openAIChatCompletionMessages(params: unknown, completion: unknown): ChatMessage[] {
  const request = isObject(params) && Array.isArray(params.messages) ? params.messages : [];
  const messages = request.map(openAIChatMessage).filter((m): m is ChatMessage => m !== undefined);
  const choice = isObject(completion) && Array.isArray(completion.choices) ? completion.choices[0] : undefined;
  const answer = isObject(choice) ? openAIChatMessage({ role: 'assistant', ...(isObject(choice.message) ? choice.message : {}) }) : undefined;
  if (answer) messages.push(answer);
  return messages;
}

/**
 * Function tools in the chat format, from a `tools` list: Chat Completions' `{type, function}` or
 * Responses' flat `{type, name, parameters}`. Hosted tools (web search, ...) have no chat form.
 *
 * @example
 * openAITools(params.tools); // [{ type: 'function', function: { name: 'lookup_order', parameters: {...} } }]
 */
export function openAITools(tools: unknown): ChatTool[] {
  const out: ChatTool[] = [];
  for (const tool of Array.isArray(tools) ? tools : []) {
    if (!isObject(tool) || tool.type !== 'function') continue;
    const fn = isObject(tool.function) ? tool.function : tool;
    const name = str(fn.name);
    if (!name) continue;
    out.push({
      type: 'function',
      function: {
        name,
        ...(str(fn.description) ? { description: str(fn.description)! } : {}),
        ...(isObject(fn.parameters) ? { parameters: fn.parameters } : {}),
      },
    });
  }
  return out;
}

/**
 * Token usage in Loupe's convention from any OpenAI shape: Chat Completions and legacy Completions
 * (`prompt_tokens`, `prompt_tokens_details.cached_tokens`), Responses (`input_tokens`,
 * `input_tokens_details.cached_tokens`), or the Agents SDK's (`details`). OpenAI's input count
 * already includes cached tokens.
 *
 * @example
 * openAIUsage({ prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 40 } });
 * // { input_tokens: 100, output_tokens: 20, total_tokens: 120, cache_read_input_tokens: 40 }
 */
export function openAIUsage(usage: unknown): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const input = count(usage.input_tokens) ?? count(usage.prompt_tokens);
  if (input === undefined) return undefined;
  const output = count(usage.output_tokens) ?? count(usage.completion_tokens) ?? 0;
  const details = isObject(usage.input_tokens_details)
    ? usage.input_tokens_details
    : isObject(usage.prompt_tokens_details)
      ? usage.prompt_tokens_details
      : isObject(usage.details)
        ? usage.details
        : {};
  const cached = count(details.cached_tokens) ?? count(usage.cached_input_tokens);
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: count(usage.total_tokens) ?? input + output,
    ...(cached ? { cache_read_input_tokens: cached } : {}),
  };
}

/**
 * Responses API items (input or output) as chat messages: messages by role, consecutive
 * `function_call` items as one assistant message with tool calls, `function_call_output` items as
 * tool messages. The Agents SDK's camelCase items (`callId`, `function_call_result`) are read too.
 * Reasoning, built-in tool calls and references have no chat form and are skipped.
 *
 * @example
 * openAIResponseItems('hi'); // [{ role: 'user', content: 'hi' }]
 */
export function openAIResponseItems(items: unknown): ChatMessage[] {
  if (typeof items === 'string') return [{ role: 'user', content: items }];
  const out: ChatMessage[] = [];
  for (const item of Array.isArray(items) ? items : []) {
    if (typeof item === 'string') {
      out.push({ role: 'user', content: item });
      continue;
    }
    if (!isObject(item)) continue;
    const type = item.type ?? 'message';
    if (type === 'message' && 'role' in item) {
      const content = contentOf(item.content);
      const refusal = Array.isArray(item.content) ? item.content.find((p) => isObject(p) && p.type === 'refusal') : undefined;
      const message: ChatMessage = {
        role: roleOf(item.role),
        content: isObject(refusal) && Array.isArray(item.content) && item.content.length === 1 ? null : content,
      };
      if (isObject(refusal) && typeof refusal.refusal === 'string') message.refusal = refusal.refusal;
      out.push(message);
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      const call: ChatToolCall = {
        id: str(item.call_id) ?? str(item.callId) ?? str(item.id) ?? '',
        type: 'function',
        function: { name: str(item.name) ?? '', arguments: asText(item.arguments ?? item.input ?? '') },
      };
      // Responses lists a turn's text and its calls as separate items; in chat they are one message.
      const last = out.at(-1);
      if (last && last.role === 'assistant') (last.tool_calls ??= []).push(call);
      else out.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output' || type === 'function_call_result') {
      out.push({ role: 'tool', tool_call_id: str(item.call_id) ?? str(item.callId) ?? '', content: toolOutput(item.output) });
    }
  }
  return out;
}

/** A tool's output as chat content: text as it is (the Agents SDK wraps it as `{type: 'text', text}`), parts, or JSON. */
function toolOutput(output: unknown): ChatMessage['content'] {
  if (typeof output === 'string') return output;
  if (isObject(output) && typeof output.text === 'string') return output.text;
  if (Array.isArray(output)) return contentOf(output);
  return asText(output ?? '');
}

/**
 * The answer of a Responses API `response` (its output items) as one assistant message: text,
 * refusal and tool calls together, as a chat turn holds them.
 *
 * @example
 * openAIResponseAnswer(response); // { role: 'assistant', content: 'Order 42 shipped.' }
 */
export function openAIResponseAnswer(response: unknown): ChatMessage | undefined {
  const output = isObject(response) && Array.isArray(response.output) ? response.output : [];
  const parts = openAIResponseItems(output).filter((m) => m.role === 'assistant');
  if (parts.length === 0) return undefined;
  const texts = parts.map((m) => m.content).filter((c): c is string => typeof c === 'string' && c.length > 0);
  const answer: ChatMessage = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null };
  const calls = parts.flatMap((m) => m.tool_calls ?? []);
  if (calls.length > 0) answer.tool_calls = calls;
  const refusal = parts.find((m) => m.refusal)?.refusal;
  if (refusal) answer.refusal = refusal;
  return answer;
}

/**
 * A Responses request (`instructions`, `input`) and its response's answer as one conversation.
 *
 * @example
 * openAIResponsesMessages({ instructions: 'Be brief.', input: 'hi' }, response); // [system, user, assistant]
 */
export function openAIResponsesMessages(params: unknown, response: unknown): ChatMessage[] {
  const p = isObject(params) ? params : {};
  const messages: ChatMessage[] = [];
  if (typeof p.instructions === 'string' && p.instructions) messages.push({ role: 'system', content: p.instructions });
  messages.push(...openAIResponseItems(p.input));
  const answer = openAIResponseAnswer(response);
  if (answer) messages.push(answer);
  return messages;
}
