import { PromptTagKey, type KeyValue } from '@loupe/protocol';
import type { NewRegistryEvent } from '../../store/registry-store.js';

/**
 * The webhook events of registry changes, as MLflow 3.11's handlers build them (spec §6.3): entity and
 * action in MLflow's lowercase names, `data` its payload. For prompts (a model tagged
 * `mlflow.prompt.is_prompt`) the `prompt*` events replace the model ones; a registered-model tag
 * change sends an event only for prompts, as in MLflow.
 */

/** `{key: value}` of tags, the last value of a repeated key winning (MLflow builds a dict). */
function tagMap(tags: readonly KeyValue[], leaveOut: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) if (!leaveOut.includes(t.key)) out[t.key] = t.value;
  return out;
}

function event(entity: string, action: string, data: Record<string, unknown>, createdAt: number): NewRegistryEvent[] {
  return [{ entity, action, data, createdAt }];
}

/**
 * `registered_model.created` `{name, tags, description}`, or for a prompt (a create whose tags carry
 * the prompt key) `prompt.created` without the prompt and type tags. The description is `''` when
 * none was given, as MLflow reads it from the request.
 *
 * @example
 * registeredModelCreated({ name: 'clf', tags: [], isPromptRequest: false }, now);
 */
export function registeredModelCreated(
  req: { name: string; tags: readonly KeyValue[]; description?: string | undefined; isPromptRequest: boolean },
  at: number,
) {
  const description = req.description ?? '';
  if (req.isPromptRequest) {
    return event('prompt', 'created', { name: req.name, tags: tagMap(req.tags, [PromptTagKey.IS_PROMPT, PromptTagKey.TYPE]), description }, at);
  }
  return event('registered_model', 'created', { name: req.name, tags: tagMap(req.tags), description }, at);
}

/**
 * `model_version.created` `{name, version, source, run_id, tags, description}`, or for a prompt version
 * `prompt_version.created` `{name, version, template, tags, description}` (the template taken out of
 * the tags with the prompt and type tags). Empty run id and description are `null`.
 *
 * @example
 * modelVersionCreated({ name: 'clf', version: 1, source: 'runs:/r/model', tags: [], isPromptRequest: false }, now);
 */
export function modelVersionCreated(
  req: {
    name: string;
    version: number;
    source: string;
    runId?: string | undefined;
    tags: readonly KeyValue[];
    description?: string | undefined;
    isPromptRequest: boolean;
  },
  at: number,
) {
  const version = String(req.version);
  const description = req.description || null;
  if (req.isPromptRequest) {
    const template = tagMap(req.tags)[PromptTagKey.TEXT] ?? null;
    const tags = tagMap(req.tags, [PromptTagKey.TEXT, PromptTagKey.IS_PROMPT, PromptTagKey.TYPE]);
    return event('prompt_version', 'created', { name: req.name, version, template, tags, description }, at);
  }
  return event('model_version', 'created', { name: req.name, version, source: req.source, run_id: req.runId || null, tags: tagMap(req.tags), description }, at);
}

/**
 * `prompt_tag.set` / `prompt_tag.deleted` for a prompt's tag; nothing for a model's (MLflow sends no
 * registered-model tag events).
 *
 * @example
 * registeredModelTagChanged({ name: 'p', key: 'team', value: 'x' }, true, now);
 */
export function registeredModelTagChanged(change: { name: string; key: string; value?: string }, isPrompt: boolean, at: number) {
  if (!isPrompt) return [];
  return change.value === undefined
    ? event('prompt_tag', 'deleted', { name: change.name, key: change.key }, at)
    : event('prompt_tag', 'set', { name: change.name, key: change.key, value: change.value }, at);
}

/**
 * `model_version_tag.set|deleted` `{name, version, key[, value]}`, `prompt_version_tag.*` for a prompt's version.
 *
 * @example
 * modelVersionTagChanged({ name: 'clf', version: 1, key: 'env' }, false, now); // a deletion
 */
export function modelVersionTagChanged(change: { name: string; version: number; key: string; value?: string }, isPrompt: boolean, at: number) {
  const entity = isPrompt ? 'prompt_version_tag' : 'model_version_tag';
  const base = { name: change.name, version: String(change.version), key: change.key };
  return change.value === undefined ? event(entity, 'deleted', base, at) : event(entity, 'set', { ...base, value: change.value }, at);
}

/**
 * `model_version_alias.created` `{name, alias, version}` / `.deleted` `{name, alias}`, `prompt_alias.*` for a prompt.
 *
 * @example
 * aliasChanged({ name: 'clf', alias: 'champion', version: 2 }, false, now);
 */
export function aliasChanged(change: { name: string; alias: string; version?: number }, isPrompt: boolean, at: number) {
  const entity = isPrompt ? 'prompt_alias' : 'model_version_alias';
  return change.version === undefined
    ? event(entity, 'deleted', { name: change.name, alias: change.alias }, at)
    : event(entity, 'created', { name: change.name, alias: change.alias, version: String(change.version) }, at);
}
