import type { JudgeChatRequest, JudgeChatResponse, JudgeToolCall } from './types.js';

/**
 * OpenAI Chat Completions (`POST {baseUrl}/chat/completions`), also the wire format of every
 * OpenAI-compatible server (vLLM, Ollama, Groq, Together, OpenRouter, ...).
 */

/** How the final answer's shape is asked for. */
export type OpenAIStructuredOutput = 'json_schema' | 'json_object' | 'none';

/**
 * The Chat Completions body for a judge's request.
 *
 * @example
 * openAIChatBody('gpt-4o-mini', { system: 'Judge.', messages: [{ role: 'user', content: 'Q' }], responseSchema }, 'json_schema');
 */
export function openAIChatBody(model: string, request: JudgeChatRequest, structured: OpenAIStructuredOutput): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [{ role: 'system', content: request.system }];
  for (const m of request.messages) {
    if (m.role === 'tool') messages.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
    else if (m.role === 'assistant' && m.toolCalls?.length)
      messages.push({
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
      });
    else messages.push({ role: m.role, content: m.content });
  }
  const body: Record<string, unknown> = { model, messages };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) body.max_completion_tokens = request.maxOutputTokens;
  if (request.tools?.length) {
    body.tools = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
    body.tool_choice = request.toolChoice ?? 'auto';
  }
  if (request.responseSchema && structured === 'json_schema')
    body.response_format = { type: 'json_schema', json_schema: { name: 'judge_verdict', strict: true, schema: request.responseSchema } };
  else if (request.responseSchema && structured === 'json_object') body.response_format = { type: 'json_object' };
  return body;
}

interface ChatCompletion {
  model?: string;
  choices?: {
    message?: { content?: string | null; refusal?: string | null; tool_calls?: { id: string; function?: { name?: string; arguments?: string } }[] };
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

function parseArguments(text: string | undefined): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A Chat Completions answer as a judge reads it.
 *
 * @example
 * openAIChatAnswer(await res.json(), 'gpt-4o-mini').text;
 */
export function openAIChatAnswer(json: unknown, requestedModel: string): JudgeChatResponse {
  const c = (json ?? {}) as ChatCompletion;
  const message = c.choices?.[0]?.message ?? {};
  const toolCalls: JudgeToolCall[] = (message.tool_calls ?? []).map((t) => ({
    id: t.id,
    name: t.function?.name ?? '',
    arguments: parseArguments(t.function?.arguments),
  }));
  return {
    text: message.content ?? message.refusal ?? '',
    toolCalls,
    usage: { inputTokens: c.usage?.prompt_tokens, outputTokens: c.usage?.completion_tokens },
    model: c.model ?? requestedModel,
  };
}
