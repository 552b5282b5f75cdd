import type { JsonSchema, JudgeChatRequest, JudgeChatResponse, JudgeMessage } from './types.js';

/**
 * Gemini `generateContent` (`POST {baseUrl}/v1beta/models/{model}:generateContent`, key in
 * `x-goog-api-key`). The answer's shape goes in `generationConfig.responseSchema` (Gemini's OpenAPI
 * subset: upper-case types, no `additionalProperties`). Tool turns, if a caller sends any, are
 * folded into text: Loupe's trace agent gives Gemini a compact trace summary instead of tools.
 */

/**
 * A JSON schema in Gemini's `Schema` form.
 *
 * @example
 * geminiSchema({ type: 'object', properties: { result: { type: 'string', enum: ['yes', 'no'] } } });
 * // { type: 'OBJECT', properties: { result: { type: 'STRING', enum: ['yes', 'no'] } } }
 */
export function geminiSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' || key === '$schema') continue;
    if (key === 'type' && typeof value === 'string') out.type = value.toUpperCase();
    else if (key === 'properties' && value && typeof value === 'object')
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, geminiSchema(v)]));
    else if (key === 'items' && value && typeof value === 'object') out.items = geminiSchema(value as JsonSchema);
    else out[key] = value;
  }
  if (Array.isArray(out.required) && out.properties) out.propertyOrdering = out.required;
  return out;
}

function textOf(m: JudgeMessage): string {
  if (m.role === 'tool') return `Result of ${m.name}: ${m.content}`;
  if (m.role === 'assistant' && m.toolCalls?.length)
    return `${m.content}\n${m.toolCalls.map((c) => `Called ${c.name}(${JSON.stringify(c.arguments)})`).join('\n')}`;
  return m.content;
}

/**
 * The `generateContent` body for a judge's request.
 *
 * @example
 * geminiBody({ system: 'Judge.', messages: [{ role: 'user', content: 'Q' }], responseSchema });
 */
export function geminiBody(request: JudgeChatRequest): Record<string, unknown> {
  const contents: { role: 'user' | 'model'; parts: { text: string }[] }[] = [];
  for (const m of request.messages) {
    const role = m.role === 'assistant' ? 'model' : 'user';
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push({ text: textOf(m) });
    else contents.push({ role, parts: [{ text: textOf(m) }] });
  }
  const generationConfig: Record<string, unknown> = {};
  if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) generationConfig.maxOutputTokens = request.maxOutputTokens;
  if (request.responseSchema) {
    generationConfig.responseMimeType = 'application/json';
    generationConfig.responseSchema = geminiSchema(request.responseSchema);
  }
  return { systemInstruction: { parts: [{ text: request.system }] }, contents, generationConfig };
}

interface GenerateContentResponse {
  modelVersion?: string;
  candidates?: { content?: { parts?: { text?: string; thought?: boolean }[] } }[];
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number };
}

/**
 * A `generateContent` answer as a judge reads it (thought parts skipped).
 *
 * @example
 * geminiAnswer(await res.json(), 'gemini-2.5-flash').text;
 */
export function geminiAnswer(json: unknown, requestedModel: string): JudgeChatResponse {
  const r = (json ?? {}) as GenerateContentResponse;
  const parts = r.candidates?.[0]?.content?.parts ?? [];
  const u = r.usageMetadata;
  const output = u?.candidatesTokenCount === undefined ? undefined : u.candidatesTokenCount + (u.thoughtsTokenCount ?? 0);
  return {
    text: parts
      .filter((p) => !p.thought)
      .map((p) => p.text ?? '')
      .join(''),
    toolCalls: [],
    usage: { inputTokens: u?.promptTokenCount, outputTokens: output },
    model: r.modelVersion ?? requestedModel,
  };
}
