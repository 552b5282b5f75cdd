import type { ModelVersion, RegisteredModel } from '@loupe/protocol';
import { PromptTagKey, promptVersionFrom, type PromptRef, type PromptTemplate, type PromptVersion } from '../prompts/prompt-version.js';
import { LoupeApiError } from './api-error.js';
import { toPage, type Page } from './experiments.js';
import type { RestClient } from './rest-client.js';

/** Options of `registerPrompt` (MLflow's `mlflow.genai.register_prompt`). */
export interface RegisterPromptOptions<T extends PromptTemplate = PromptTemplate> {
  /** Letters, digits, `_`, `.` and `-` (MLflow's rule). */
  name: string;
  /** Text with `{{ variables }}`, or chat messages `[{ role, content }]`. */
  template: T;
  /** Stored as the version's description. */
  commitMessage?: string;
  /** Tags of the prompt and of this version. */
  tags?: Record<string, string>;
  /** The expected response's JSON schema (stored in `_mlflow_prompt_response_format`). */
  responseFormat?: Record<string, unknown>;
  /** Model name and settings to use the prompt with (`_mlflow_prompt_model_config`). */
  modelConfig?: Record<string, unknown>;
}

/** A registered prompt (without its versions), as `searchPrompts` lists them. */
export interface Prompt {
  name: string;
  description?: string;
  /** The prompt's tags, without `mlflow.prompt.is_prompt`. */
  tags: Record<string, string>;
  aliases: { alias: string; version: number }[];
  creationTimestamp: number;
  lastUpdatedTimestamp?: number;
}

/** Prompt registry methods of {@link LoupeClient} (MLflow's prompt APIs over the model registry, spec §7). */
export interface PromptMethods {
  /** Registers a new version of a prompt (creating the prompt on its first version). */
  registerPrompt<T extends PromptTemplate>(options: RegisterPromptOptions<T>): Promise<PromptVersion<T>>;
  /** Fetches a prompt version by number or alias (`latest` is the newest), bypassing any cache. */
  getPromptVersion(ref: PromptRef): Promise<PromptVersion>;
  /** Points `alias` at a version. */
  setPromptAlias(name: string, alias: string, version: number): Promise<void>;
  deletePromptAlias(name: string, alias: string): Promise<void>;
  /** Prompts matching an MLflow filter (`name LIKE 'qa%'`, `tags.team = 'x'`). */
  searchPrompts(options?: { filter?: string; maxResults?: number; pageToken?: string }): Promise<Page<Prompt>>;
}

type Self = { rest: RestClient };
const api = (p: string) => `/api/2.0/mlflow/${p}`;
const pairs = (m: Record<string, string>) => Object.entries(m).map(([key, value]) => ({ key, value }));
const NAME_RULE = /^[a-zA-Z0-9_.-]+$/;
const IS_PROMPT = { key: PromptTagKey.IS_PROMPT, value: 'true' };
const PROMPT_FILTER = "tags.`mlflow.prompt.is_prompt` = 'true'";

function checkTemplate(template: PromptTemplate): void {
  if (typeof template === 'string') return;
  const ok = Array.isArray(template) && template.length > 0 && template.every((m) => typeof m?.role === 'string' && typeof m?.content === 'string');
  if (!ok) throw new TypeError('template must be a string or a non-empty list of { role, content } messages');
}

/** Implementation of {@link PromptMethods}, mixed into {@link LoupeClient}. */
export const promptMethods: PromptMethods & ThisType<Self> = {
  async registerPrompt(options) {
    const { name, template } = options;
    if (!NAME_RULE.test(name)) throw new TypeError(`Invalid prompt name '${name}': use letters, digits, '_', '.' and '-' only`);
    checkTemplate(template);
    const tags = options.tags ?? {};
    const description = options.commitMessage ? { description: options.commitMessage } : {};
    // MLflow's register_prompt: create the prompt when it is missing, else update its tags.
    let existing: RegisteredModel | undefined;
    try {
      existing = (await this.rest.get<{ registered_model: RegisteredModel }>(api('registered-models/get'), { name })).registered_model;
    } catch (err) {
      if (!(err instanceof LoupeApiError && err.isNotFound)) throw err;
    }
    if (!existing) {
      await this.rest.post(api('registered-models/create'), { name, ...description, tags: [IS_PROMPT, ...pairs(tags)] });
    } else {
      if (!existing.tags?.some((t) => t.key === PromptTagKey.IS_PROMPT && t.value.toLowerCase() === 'true')) {
        throw new LoupeApiError(400, 'INVALID_PARAMETER_VALUE', `'${name}' is a registered model, not a prompt`);
      }
      for (const [key, value] of Object.entries(tags)) await this.rest.post(api('registered-models/set-tag'), { name, key, value });
    }
    const chat = typeof template !== 'string';
    const versionTags = [
      ...pairs(tags),
      IS_PROMPT,
      { key: PromptTagKey.TYPE, value: chat ? 'chat' : 'text' },
      { key: PromptTagKey.TEXT, value: chat ? JSON.stringify(template) : template },
      ...(options.responseFormat ? [{ key: PromptTagKey.RESPONSE_FORMAT, value: JSON.stringify(options.responseFormat) }] : []),
      ...(options.modelConfig ? [{ key: PromptTagKey.MODEL_CONFIG, value: JSON.stringify(options.modelConfig) }] : []),
    ];
    const res = await this.rest.post<{ model_version: ModelVersion }>(api('model-versions/create'), {
      name,
      ...description,
      source: 'dummy-source',
      tags: versionTags,
    });
    return promptVersionFrom(res.model_version) as PromptVersion<typeof template>;
  },

  async getPromptVersion(ref) {
    const res =
      'version' in ref
        ? await this.rest.get<{ model_version: ModelVersion }>(api('model-versions/get'), { name: ref.name, version: String(ref.version) })
        : await this.rest.get<{ model_version: ModelVersion }>(api('registered-models/alias'), { name: ref.name, alias: ref.alias });
    return promptVersionFrom(res.model_version);
  },

  async setPromptAlias(name, alias, version) {
    await this.rest.post(api('registered-models/alias'), { name, alias, version: String(version) });
  },

  async deletePromptAlias(name, alias) {
    await this.rest.delete(api('registered-models/alias'), { name, alias });
  },

  async searchPrompts(options = {}) {
    const res = await this.rest.get<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(api('registered-models/search'), {
      filter: options.filter ? `${PROMPT_FILTER} AND ${options.filter}` : PROMPT_FILTER,
      ...(options.maxResults ? { max_results: options.maxResults } : {}),
      ...(options.pageToken ? { page_token: options.pageToken } : {}),
    });
    return toPage((res.registered_models ?? []).map(promptFrom), res.next_page_token);
  },
};

function promptFrom(m: RegisteredModel): Prompt {
  const tags: Record<string, string> = {};
  for (const t of m.tags ?? []) if (t.key !== PromptTagKey.IS_PROMPT) tags[t.key] = t.value;
  return {
    name: m.name,
    tags,
    aliases: (m.aliases ?? []).map((a) => ({ alias: a.alias, version: Number(a.version) })),
    creationTimestamp: m.creation_timestamp,
    ...(m.description ? { description: m.description } : {}),
    ...(m.last_updated_timestamp !== undefined ? { lastUpdatedTimestamp: m.last_updated_timestamp } : {}),
  };
}
