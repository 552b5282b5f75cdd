import { asText, count, type ChatContentPart, type ChatMessage, type ChatTool, type ChatToolCall } from '@loupe/sdk/genai';
import type { TokenUsage } from '@loupe/sdk';

/**
 * The Agents SDK's model spans converted to Loupe's one chat format. A `response` span holds the
 * run's input items (the Agents SDK's own item protocol: `function_call` with `callId`,
 * `function_call_result`, ...; the Responses API's snake_case items are read too) and the raw
 * Responses API `response`; a `generation` span holds Chat Completions messages and completions.
 * Read defensively: span data is loosely typed and differs between versions.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function roleOf(role: unknown): ChatMessage['role'] {
  if (role === 'developer' || role === 'system') return 'system';
  if (role === 'assistant' || role === 'tool') return role;
  return 'user';
}

function partOf(part: unknown): ChatContentPart | undefined {
  if (typeof part === 'string') return { type: 'text', text: part };
  if (!isObject(part)) return undefined;
  if (typeof part.text === 'string') return { type: 'text', text: part.text };
  if (typeof part.refusal === 'string') return { type: 'text', text: part.refusal };
  const image = isObject(part.image_url) ? part.image_url.url : (part.image_url ?? part.image);
  if (typeof image === 'string') return { type: 'image_url', image_url: { url: image } };
  return undefined;
}

function contentOf(content: unknown): ChatMessage['content'] {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return partOf(content)?.type === 'text' ? (partOf(content) as { text: string }).text : asText(content);
  const parts = content.map(partOf).filter((p): p is ChatContentPart => p !== undefined);
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

/** A tool's output as chat text: the Agents SDK wraps it as `{type: 'text', text}`. */
function outputText(output: unknown): ChatMessage['content'] {
  if (typeof output === 'string') return output;
  if (isObject(output) && typeof output.text === 'string') return output.text;
  if (Array.isArray(output)) return contentOf(output);
  return asText(output ?? '');
}

/**
 * Input or output items as chat messages. Consecutive function calls join the assistant message
 * before them (one model turn); reasoning, hosted tool calls and references have no chat form.
 */
export function itemMessages(items: unknown): ChatMessage[] {
  if (typeof items === 'string') return [{ role: 'user', content: items }];
  const out: ChatMessage[] = [];
  for (const item of Array.isArray(items) ? items : []) {
    if (!isObject(item)) continue;
    const type = item.type ?? 'message';
    if (type === 'message' && 'role' in item) {
      const refusal = Array.isArray(item.content) ? item.content.find((p) => isObject(p) && p.type === 'refusal') : undefined;
      const onlyRefusal = isObject(refusal) && Array.isArray(item.content) && item.content.length === 1;
      const message: ChatMessage = { role: roleOf(item.role), content: onlyRefusal ? null : contentOf(item.content) };
      if (isObject(refusal) && typeof refusal.refusal === 'string') message.refusal = refusal.refusal;
      out.push(message);
    } else if (type === 'function_call') {
      const call: ChatToolCall = { id: str(item.callId) ?? str(item.call_id) ?? str(item.id) ?? '', type: 'function', function: { name: str(item.name) ?? '', arguments: asText(item.arguments ?? '') } };
      const last = out.at(-1);
      if (last && last.role === 'assistant') (last.tool_calls ??= []).push(call);
      else out.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_result' || type === 'function_call_output') {
      out.push({ role: 'tool', tool_call_id: str(item.callId) ?? str(item.call_id) ?? '', content: outputText(item.output) });
    }
  }
  return out;
}

/** The answer of a Responses API `response` as one assistant message (text, refusal, tool calls). */
export function responseAnswer(response: unknown): ChatMessage | undefined {
  const output = isObject(response) && Array.isArray(response.output) ? response.output : [];
  const parts = itemMessages(output).filter((m) => m.role === 'assistant');
  if (parts.length === 0) return undefined;
  const texts = parts.map((m) => m.content).filter((c): c is string => typeof c === 'string' && c.length > 0);
  const answer: ChatMessage = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null };
  const calls = parts.flatMap((m) => m.tool_calls ?? []);
  if (calls.length > 0) answer.tool_calls = calls;
  const refusal = parts.find((m) => m.refusal)?.refusal;
  if (refusal) answer.refusal = refusal;
  return answer;
}

/** A Chat Completions message (request or answer) in the chat format. */
export function chatMessageOf(message: unknown): ChatMessage | undefined {
  if (!isObject(message)) return undefined;
  const out: ChatMessage = { role: roleOf(message.role), content: contentOf(message.content) };
  if (typeof message.tool_call_id === 'string') out.tool_call_id = message.tool_call_id;
  if (typeof message.refusal === 'string') out.refusal = message.refusal;
  const calls = (Array.isArray(message.tool_calls) ? message.tool_calls : [])
    .filter(isObject)
    .map((c, i): ChatToolCall => {
      const fn = isObject(c.function) ? c.function : {};
      return { id: str(c.id) ?? `call_${i}`, type: 'function', function: { name: str(fn.name) ?? '', arguments: asText(fn.arguments ?? '') } };
    });
  if (calls.length > 0) out.tool_calls = calls;
  return out;
}

/** Function tools (Responses' flat `{type, name, parameters}` or Chat Completions' `{type, function}`). */
export function chatTools(tools: unknown): ChatTool[] {
  const out: ChatTool[] = [];
  for (const tool of Array.isArray(tools) ? tools : []) {
    if (!isObject(tool) || tool.type !== 'function') continue;
    const fn = isObject(tool.function) ? tool.function : tool;
    const name = str(fn.name);
    if (!name) continue;
    out.push({ type: 'function', function: { name, ...(str(fn.description) ? { description: str(fn.description)! } : {}), ...(isObject(fn.parameters) ? { parameters: fn.parameters } : {}) } });
  }
  return out;
}

/**
 * Token usage in Loupe's convention from any of the shapes the spans carry: Responses
 * (`input_tokens`, `input_tokens_details.cached_tokens`), Chat Completions (`prompt_tokens`,
 * `prompt_tokens_details.cached_tokens`) or the Agents SDK's generation usage.
 */
export function usageOf(usage: unknown): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const input = count(usage.input_tokens) ?? count(usage.prompt_tokens);
  if (input === undefined) return undefined;
  const output = count(usage.output_tokens) ?? count(usage.completion_tokens) ?? 0;
  const details = isObject(usage.input_tokens_details) ? usage.input_tokens_details : isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : isObject(usage.details) ? usage.details : {};
  const cached = count(details.cached_tokens) ?? count(usage.cached_input_tokens);
  return { input_tokens: input, output_tokens: output, total_tokens: count(usage.total_tokens) ?? input + output, ...(cached ? { cache_read_input_tokens: cached } : {}) };
}
