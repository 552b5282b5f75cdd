import type { JudgeChatRequest, JudgeChatResponse, JudgeToolCall } from './types.js';

/**
 * Anthropic Messages (`POST {baseUrl}/v1/messages`). The structured answer is a forced tool call:
 * the model "records" its verdict by calling {@link VERDICT_TOOL} with the verdict schema as input
 * schema, which Anthropic enforces. With the trace agent's tools, the verdict tool is one tool among
 * them and the model must call one of them each turn.
 */

/** The tool whose input is the verdict. */
export const VERDICT_TOOL = 'record_verdict';

const DEFAULT_MAX_TOKENS = 2048;

/**
 * The Messages body for a judge's request.
 *
 * @example
 * anthropicMessagesBody('claude-sonnet-4-5', { system: 'Judge.', messages: [{ role: 'user', content: 'Q' }], responseSchema });
 */
export function anthropicMessagesBody(model: string, request: JudgeChatRequest): Record<string, unknown> {
  const messages: { role: 'user' | 'assistant'; content: Record<string, unknown>[] }[] = [];
  const push = (role: 'user' | 'assistant', block: Record<string, unknown>) => {
    const last = messages.at(-1);
    // Tool results of one turn go into one user message, as the API requires.
    if (last && last.role === role) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  for (const m of request.messages) {
    if (m.role === 'tool') push('user', { type: 'tool_result', tool_use_id: m.toolCallId, content: m.content });
    else if (m.role === 'assistant') {
      if (m.content) push('assistant', { type: 'text', text: m.content });
      for (const c of m.toolCalls ?? []) push('assistant', { type: 'tool_use', id: c.id, name: c.name, input: c.arguments });
    } else push('user', { type: 'text', text: m.content });
  }
  const body: Record<string, unknown> = { model, max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_TOKENS, system: request.system, messages };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  const tools: Record<string, unknown>[] = (request.tools ?? []).map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
  if (request.responseSchema) {
    tools.push({ name: VERDICT_TOOL, description: 'Record the final verdict. Call it exactly once, when you are done.', input_schema: request.responseSchema });
    const mustAnswer = !request.tools?.length || request.toolChoice === 'none';
    body.tool_choice = mustAnswer ? { type: 'tool', name: VERDICT_TOOL } : { type: 'any' };
  } else if (tools.length) body.tool_choice = { type: request.toolChoice === 'none' ? 'none' : 'auto' };
  if (tools.length) body.tools = tools;
  return body;
}

interface Message {
  model?: string;
  content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
}

/**
 * A Messages answer as a judge reads it: a call of the verdict tool becomes the answer's text.
 *
 * @example
 * anthropicAnswer(await res.json(), 'claude-sonnet-4-5').text; // '{"rationale":"...","result":"yes"}'
 */
export function anthropicAnswer(json: unknown, requestedModel: string): JudgeChatResponse {
  const m = (json ?? {}) as Message;
  let text = '';
  const toolCalls: JudgeToolCall[] = [];
  for (const block of m.content ?? []) {
    if (block.type === 'text') text += block.text ?? '';
    else if (block.type === 'tool_use' && block.name === VERDICT_TOOL) text = JSON.stringify(block.input ?? {});
    else if (block.type === 'tool_use')
      toolCalls.push({ id: block.id ?? '', name: block.name ?? '', arguments: (block.input as Record<string, unknown> | undefined) ?? {} });
  }
  const verdict = (m.content ?? []).some((b) => b.type === 'tool_use' && b.name === VERDICT_TOOL);
  const u = m.usage ?? {};
  // Anthropic's input_tokens excludes cached tokens; Loupe counts every input token.
  const input = u.input_tokens === undefined ? undefined : u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
  return { text, toolCalls: verdict ? [] : toolCalls, usage: { inputTokens: input, outputTokens: u.output_tokens }, model: m.model ?? requestedModel };
}
