import { PromptTagKey, type ModelVersion } from '@loupe/protocol';

/** One chat message of a chat template. */
export interface ChatMessage {
  role: string;
  content: string;
}

/** A prompt version's template: text with `{{ variables }}`, or chat messages. */
export type PromptTemplate = { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };

/**
 * The template stored in a prompt version's tags (`mlflow.prompt.text`, `_mlflow_prompt_type`). A chat
 * template whose JSON does not parse as messages is shown as text, so nothing stored is hidden.
 *
 * @example
 * promptTemplate(version); // { kind: 'chat', messages: [{ role: 'system', content: 'You are {{ role }}' }] }
 */
export function promptTemplate(version: Pick<ModelVersion, 'tags'>): PromptTemplate {
  const tag = (key: string) => version.tags?.find((t) => t.key === key)?.value;
  const text = tag(PromptTagKey.TEXT) ?? '';
  if (tag(PromptTagKey.TYPE) === 'chat') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((m) => typeof m?.role === 'string' && typeof m?.content === 'string')) {
        return { kind: 'chat', messages: parsed.map((m: ChatMessage) => ({ role: m.role, content: m.content })) };
      }
    } catch {
      // Shown as text below.
    }
  }
  return { kind: 'text', text };
}

/**
 * The tags a new prompt version carries, as MLflow's `register_prompt` (and the SDK's `registerPrompt`) writes them.
 *
 * @example
 * promptVersionTags({ kind: 'text', text: 'Hi {{ name }}' });
 * // [{ key: 'mlflow.prompt.is_prompt', value: 'true' }, { key: '_mlflow_prompt_type', value: 'text' }, { key: 'mlflow.prompt.text', value: 'Hi {{ name }}' }]
 */
export function promptVersionTags(template: PromptTemplate): { key: string; value: string }[] {
  return [
    { key: PromptTagKey.IS_PROMPT, value: 'true' },
    { key: PromptTagKey.TYPE, value: template.kind },
    { key: PromptTagKey.TEXT, value: template.kind === 'chat' ? JSON.stringify(template.messages) : template.text },
  ];
}
