import type { JudgeChatRequest, JudgeChatResponse, JudgeMessage } from './types.js';

/**
 * Amazon Bedrock's Converse API (`POST {endpoint}/model/{modelId}/converse`), which speaks one format
 * for every model family. The verdict's shape is asked for in the prompt (Converse can only force a
 * tool for some families); tool turns, if a caller sends any, are folded into text.
 */

function textOf(m: JudgeMessage): string {
  if (m.role === 'tool') return `Result of ${m.name}: ${m.content}`;
  if (m.role === 'assistant' && m.toolCalls?.length)
    return `${m.content}\n${m.toolCalls.map((c) => `Called ${c.name}(${JSON.stringify(c.arguments)})`).join('\n')}`;
  return m.content;
}

/**
 * The Converse body for a judge's request.
 *
 * @example
 * converseBody({ system: 'Judge.', messages: [{ role: 'user', content: 'Q' }] });
 */
export function converseBody(request: JudgeChatRequest): Record<string, unknown> {
  const messages: { role: 'user' | 'assistant'; content: { text: string }[] }[] = [];
  for (const m of request.messages) {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const last = messages.at(-1);
    if (last && last.role === role) last.content.push({ text: textOf(m) });
    else messages.push({ role, content: [{ text: textOf(m) }] });
  }
  const inferenceConfig: Record<string, unknown> = {};
  if (request.temperature !== undefined) inferenceConfig.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) inferenceConfig.maxTokens = request.maxOutputTokens;
  return { system: [{ text: request.system }], messages, ...(Object.keys(inferenceConfig).length ? { inferenceConfig } : {}) };
}

interface ConverseResponse {
  output?: { message?: { content?: { text?: string }[] } };
  usage?: { inputTokens?: number; outputTokens?: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number };
}

/**
 * A Converse answer as a judge reads it.
 *
 * @example
 * converseAnswer(await res.json(), 'anthropic.claude-3-5-haiku-20241022-v1:0').text;
 */
export function converseAnswer(json: unknown, requestedModel: string): JudgeChatResponse {
  const r = (json ?? {}) as ConverseResponse;
  const u = r.usage;
  const input = u?.inputTokens === undefined ? undefined : u.inputTokens + (u.cacheReadInputTokens ?? 0) + (u.cacheWriteInputTokens ?? 0);
  return {
    text: (r.output?.message?.content ?? []).map((b) => b.text ?? '').join(''),
    toolCalls: [],
    usage: { inputTokens: input, outputTokens: u?.outputTokens },
    model: requestedModel,
  };
}
