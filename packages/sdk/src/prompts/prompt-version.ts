import type { ModelVersion } from '@loupe/protocol';

/** Tags MLflow keeps prompts in (mlflow/prompt/constants.py); a prompt is a registered model tagged with them. */
export const PromptTagKey = {
  IS_PROMPT: 'mlflow.prompt.is_prompt',
  TEXT: 'mlflow.prompt.text',
  TYPE: '_mlflow_prompt_type',
  RESPONSE_FORMAT: '_mlflow_prompt_response_format',
  MODEL_CONFIG: '_mlflow_prompt_model_config',
} as const;

const RESERVED_TAGS = new Set<string>(Object.values(PromptTagKey));

/** `{{ name }}` or `{{ a.b }}`, whitespace allowed inside the braces (MLflow's PROMPT_TEMPLATE_VARIABLE_PATTERN). */
const VARIABLE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*)\s*\}\}/g;

/** One message of a chat template. */
export interface ChatPromptMessage {
  role: string;
  content: string;
}

/** A prompt template: text, or chat messages. */
export type PromptTemplate = string | ChatPromptMessage[];

/** Values for a template's variables; a dotted variable (`{{ user.name }}`) reads a nested value or a key spelled with the dot. */
export type PromptVariables = Record<string, unknown>;

/**
 * Thrown by {@link PromptVersion.format} when variables have no value, naming them.
 *
 * @example
 * try { prompt.format({}); } catch (e) { if (e instanceof PromptFormatError) console.log(e.missing); }
 */
export class PromptFormatError extends Error {
  override readonly name = 'PromptFormatError';
  constructor(
    readonly prompt: string,
    readonly missing: readonly string[],
  ) {
    super(`Missing variables for prompt ${prompt}: ${missing.join(', ')}. To format the prompt partially, use formatPartial().`);
  }
}

/** What a prompt version is made of (as the server stores it, decoded). */
export interface PromptVersionInit<T extends PromptTemplate> {
  name: string;
  version: number;
  template: T;
  commitMessage?: string;
  tags?: Record<string, string>;
  aliases?: readonly string[];
  responseFormat?: Record<string, unknown>;
  modelConfig?: Record<string, unknown>;
  creationTimestamp?: number;
  lastUpdatedTimestamp?: number;
  userId?: string;
}

function lookup(vars: PromptVariables, name: string): { found: boolean; value?: unknown } {
  if (Object.hasOwn(vars, name)) return { found: true, value: vars[name] };
  if (!name.includes('.')) return { found: false };
  let value: unknown = vars;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return { found: false };
    value = (value as Record<string, unknown>)[part];
  }
  return { found: true, value };
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Fills the variables of one text; the names without a value are added to `missing` and left as written. */
function fill(text: string, vars: PromptVariables, missing: Set<string>): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    const hit = lookup(vars, name);
    if (!hit.found) {
      missing.add(name);
      return whole;
    }
    return show(hit.value);
  });
}

/**
 * One version of a registered prompt, as `loadPrompt` and `registerPrompt` return it (MLflow's
 * `PromptVersion`): its template (text with `{{ variables }}`, or chat messages), the version's
 * tags (without the reserved `mlflow.prompt.*` ones), aliases, response format and model config.
 * Immutable; `format` fills the variables.
 *
 * @example
 * const prompt = await loadPrompt('prompts:/support-qa@production');
 * const text = prompt.format({ question: 'Where is my order?' });
 */
export class PromptVersion<T extends PromptTemplate = PromptTemplate> {
  readonly name: string;
  readonly version: number;
  readonly template: T;
  readonly type: 'text' | 'chat';
  readonly commitMessage: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: readonly string[];
  readonly responseFormat: Record<string, unknown> | undefined;
  readonly modelConfig: Record<string, unknown> | undefined;
  readonly creationTimestamp: number | undefined;
  readonly lastUpdatedTimestamp: number | undefined;
  readonly userId: string | undefined;
  /** The variable names the template uses. */
  readonly variables: ReadonlySet<string>;

  constructor(init: PromptVersionInit<T>) {
    this.name = init.name;
    this.version = init.version;
    this.template = init.template;
    this.type = typeof init.template === 'string' ? 'text' : 'chat';
    this.commitMessage = init.commitMessage;
    this.tags = Object.freeze({ ...init.tags });
    this.aliases = Object.freeze([...(init.aliases ?? [])]);
    this.responseFormat = init.responseFormat;
    this.modelConfig = init.modelConfig;
    this.creationTimestamp = init.creationTimestamp;
    this.lastUpdatedTimestamp = init.lastUpdatedTimestamp;
    this.userId = init.userId;
    const text = typeof init.template === 'string' ? init.template : init.template.map((m) => m.content).join('\n');
    this.variables = new Set(Array.from(text.matchAll(VARIABLE), (m) => m[1] as string));
  }

  /** `prompts:/<name>/<version>`. */
  get uri(): string {
    return `prompts:/${this.name}/${this.version}`;
  }

  /**
   * The template with its variables filled: a string for a text prompt, messages for a chat prompt.
   * Throws {@link PromptFormatError} naming every variable without a value (MLflow raises for text
   * prompts; Loupe does for chat prompts too rather than send `{{ x }}` to a model).
   *
   * @example
   * prompt.format({ question: 'Hi', user: { name: 'Ann' } }); // fills {{ question }} and {{ user.name }}
   */
  format(vars: PromptVariables = {}): T {
    const missing = new Set<string>();
    const out = this.fill(vars, missing);
    if (missing.size > 0) throw new PromptFormatError(this.uri, [...missing].sort());
    return out;
  }

  /**
   * A copy with the given variables filled and the others left in place (MLflow's `allow_partial=True`).
   *
   * @example
   * const half = prompt.formatPartial({ style: 'terse' });
   * half.format({ question: 'Hi' });
   */
  formatPartial(vars: PromptVariables): PromptVersion<T> {
    return new PromptVersion<T>({ ...this.init(), template: this.fill(vars, new Set()) });
  }

  /**
   * The template with `{{ x }}` turned into `{x}` (for LangChain-style formatters).
   *
   * @example
   * prompt.toSingleBraceFormat(); // 'Answer {question}'
   */
  toSingleBraceFormat(): T {
    const convert = (text: string) => text.replace(VARIABLE, (_whole, name: string) => `{${name}}`);
    return (typeof this.template === 'string' ? convert(this.template) : this.template.map((m) => ({ ...m, content: convert(m.content) }))) as T;
  }

  private fill(vars: PromptVariables, missing: Set<string>): T {
    const t = this.template;
    if (typeof t === 'string') return fill(t, vars, missing) as T;
    return t.map((m) => (typeof m.content === 'string' ? { ...m, content: fill(m.content, vars, missing) } : { ...m })) as T;
  }

  private init(): PromptVersionInit<T> {
    return {
      name: this.name,
      version: this.version,
      template: this.template,
      tags: { ...this.tags },
      aliases: this.aliases,
      ...(this.commitMessage !== undefined ? { commitMessage: this.commitMessage } : {}),
      ...(this.responseFormat !== undefined ? { responseFormat: this.responseFormat } : {}),
      ...(this.modelConfig !== undefined ? { modelConfig: this.modelConfig } : {}),
      ...(this.creationTimestamp !== undefined ? { creationTimestamp: this.creationTimestamp } : {}),
      ...(this.lastUpdatedTimestamp !== undefined ? { lastUpdatedTimestamp: this.lastUpdatedTimestamp } : {}),
      ...(this.userId !== undefined ? { userId: this.userId } : {}),
    };
  }
}

function parseJsonTag(tags: Map<string, string>, key: string, where: string): unknown {
  const raw = tags.get(key);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new Error(`${where}: tag ${key} is not valid JSON`);
  }
}

/**
 * A prompt version from the model version the registry stores it as; throws when the version is
 * not a prompt (no `mlflow.prompt.text` tag).
 *
 * @example
 * promptVersionFrom(res.model_version);
 */
export function promptVersionFrom(mv: ModelVersion): PromptVersion {
  const tags = new Map((mv.tags ?? []).map((t) => [t.key, t.value] as const));
  const where = `prompts:/${mv.name}/${mv.version}`;
  const text = tags.get(PromptTagKey.TEXT);
  if (text === undefined) throw new Error(`${where} is not a prompt version: it has no ${PromptTagKey.TEXT} tag`);
  let template: PromptTemplate = text;
  if (tags.get(PromptTagKey.TYPE) === 'chat') {
    const parsed = parseJsonTag(tags, PromptTagKey.TEXT, where);
    if (!Array.isArray(parsed)) throw new Error(`${where}: a chat prompt's template must be a JSON list of messages`);
    template = parsed as ChatPromptMessage[];
  }
  const userTags: Record<string, string> = {};
  for (const [key, value] of tags) if (!RESERVED_TAGS.has(key)) userTags[key] = value;
  const responseFormat = parseJsonTag(tags, PromptTagKey.RESPONSE_FORMAT, where) as Record<string, unknown> | undefined;
  const modelConfig = parseJsonTag(tags, PromptTagKey.MODEL_CONFIG, where) as Record<string, unknown> | undefined;
  return new PromptVersion({
    name: mv.name,
    version: Number(mv.version),
    template,
    tags: userTags,
    aliases: mv.aliases ?? [],
    creationTimestamp: mv.creation_timestamp,
    ...(mv.description ? { commitMessage: mv.description } : {}),
    ...(responseFormat !== undefined ? { responseFormat } : {}),
    ...(modelConfig !== undefined ? { modelConfig } : {}),
    ...(mv.last_updated_timestamp !== undefined ? { lastUpdatedTimestamp: mv.last_updated_timestamp } : {}),
    ...(mv.user_id ? { userId: mv.user_id } : {}),
  });
}

/** Where a `prompts:/` URI points: a fixed version, or an alias (`latest` included). */
export type PromptRef = { name: string; version: number } | { name: string; alias: string };

/**
 * Parses `prompts:/name/3`, `prompts:/name@alias` (`@latest` too), or a bare name (its latest version).
 *
 * @example
 * parsePromptUri('prompts:/qa@production'); // { name: 'qa', alias: 'production' }
 */
export function parsePromptUri(uri: string): PromptRef {
  if (!uri.startsWith('prompts:/')) {
    if (!uri || uri.includes('/') || uri.includes('@'))
      throw new Error(`Invalid prompt URI '${uri}': expected prompts:/<name>/<version> or prompts:/<name>@<alias>`);
    return { name: uri, alias: 'latest' };
  }
  const rest = uri.slice('prompts:/'.length);
  const at = rest.lastIndexOf('@');
  if (at > 0 && !rest.includes('/')) return { name: rest.slice(0, at), alias: rest.slice(at + 1) || fail(uri) };
  const slash = rest.lastIndexOf('/');
  const version = rest.slice(slash + 1);
  if (slash <= 0 || !/^[1-9]\d*$/.test(version)) fail(uri);
  return { name: rest.slice(0, slash), version: Number(version) };
}

function fail(uri: string): never {
  throw new Error(`Invalid prompt URI '${uri}': expected prompts:/<name>/<version> or prompts:/<name>@<alias>`);
}
