import { z } from 'zod';
import { PromptTagKey } from '../attributes/mlflow-keys.js';
import { keyValueList, maxChars, requiredStr, str, wireCheck, type WireIssue } from './fields.js';
import { normpath, trackingKey } from './tracking-fields.js';

/**
 * Field checks of the model and prompt registry RPCs (spec §6, §7) with MLflow 3.11's wording: names,
 * versions, aliases, tags, sources. Pure and browser-safe (the UI checks a name before sending it).
 */

/**
 * Registry limits. MLflow checks tag keys (250), tag values (100,000) and alias names (255) itself;
 * names, descriptions, sources and run links are bounded by its SQL columns, which Loupe checks up
 * front so an oversize value is a 400 naming the field instead of a database error.
 */
export const REGISTRY_LIMITS = {
  nameLength: 256,
  tagKeyLength: 250,
  tagValueLength: 100_000,
  aliasLength: 255,
  descriptionLength: 5000,
  sourceLength: 500,
  runLinkLength: 500,
  runIdLength: 256,
  modelIdLength: 256,
  /** registered-models/search: default and most `max_results` (spec §1.5). */
  searchModelsDefault: 100,
  searchModelsMax: 1000,
  /** model-versions/search: the proto's default is also the most. */
  searchVersionsDefault: 200_000,
  searchVersionsMax: 200_000,
} as const;

const INVALID = { loupe: 'invalid' } satisfies WireIssue;

/** MLflow's `path_not_unique`: a name that would resolve to another one if used as a file name. */
function pathNotUnique(name: string): boolean {
  const norm = normpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

/**
 * What is wrong with a registered model (or prompt) name, in MLflow 3.11's words, or undefined: no `/`
 * or `:` (they break `models:/name/version` URIs), not `.`, `..` or `..x` (names may become file
 * names), no NUL, at most 256 characters. A blank name is "missing" and is checked before this.
 *
 * @example
 * registeredModelNameProblem('fraud-detector'); // undefined
 * registeredModelNameProblem('team/model'); // "Invalid model name 'team/model'. Names cannot contain '/' or ':'."
 */
export function registeredModelNameProblem(name: string): string | undefined {
  if (name.includes('/') || name.includes(':')) return `Invalid model name '${name}'. Names cannot contain '/' or ':'.`;
  if (pathNotUnique(name)) {
    return `Invalid value ${JSON.stringify(name)} for parameter 'name' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normpath(name)}'`;
  }
  if (name.includes('\u0000')) return `Invalid model name ${JSON.stringify(name)}. Names cannot contain NUL characters.`;
  if (name.length > REGISTRY_LIMITS.nameLength) {
    return `'name' exceeds the maximum length of ${REGISTRY_LIMITS.nameLength} characters (got ${name.length}).`;
  }
  return undefined;
}

/**
 * A required registered model name (`field` is the wire name: `name`, `new_name`): blank is missing,
 * then {@link registeredModelNameProblem}. Every RPC checks the name this way, lookups included, as
 * MLflow's store does, so `GET registered-models/get?name=a/b` is a 400, not a 404.
 *
 * @example
 * z.object({ name: registeredModelName() }).parse({ name: 'clf' });
 */
export function registeredModelName(field = 'name') {
  return requiredStr({ field, blankIsMissing: true }).superRefine((name, ctx) => {
    const problem = name.trim() === '' ? undefined : registeredModelNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: INVALID });
  });
}

/**
 * A required model version number, as MLflow takes it: a string (or JSON number) holding an integer,
 * read as a number. Anything else answers "Parameter 'version' must be an integer, got '<value>'."
 *
 * @example
 * z.object({ version: modelVersionNumber() }).parse({ version: '3' }); // { version: 3 }
 */
export function modelVersionNumber(field = 'version') {
  return requiredStr({ field })
    .superRefine((v, ctx) => {
      if (v !== '' && !/^\s*[+-]?\d{1,15}\s*$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `Parameter '${field}' must be an integer, got '${v.slice(0, 200)}'.`, params: INVALID });
      }
    })
    .transform((v) => Number(v));
}

/** Alias names: word characters (any script, as Python's `\w`) and dashes. */
const ALIAS_RE = /^[\p{L}\p{N}_-]*$/u;

/**
 * What is wrong with an alias name, or undefined (MLflow's `_validate_model_alias_name`): word
 * characters and dashes only, at most 255 characters.
 *
 * @example
 * aliasNameProblem('champion'); // undefined
 * aliasNameProblem('a b'); // "Invalid alias name: 'a b'. Names may only contain alphanumerics, underscores (_), and dashes (-)."
 */
export function aliasNameProblem(alias: string): string | undefined {
  if (!ALIAS_RE.test(alias)) return `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`;
  if (alias.length > REGISTRY_LIMITS.aliasLength)
    return `'Registered model alias name' exceeds the maximum length of ${REGISTRY_LIMITS.aliasLength} characters`;
  return undefined;
}

/**
 * What makes an alias name reserved for setting (MLflow's `_validate_model_alias_name_reserved`):
 * `latest` (any case) names the newest version, `v<digits>` looks like a version.
 *
 * @example
 * reservedAliasProblem('Latest'); // "'latest' alias name (case insensitive) is reserved."
 */
export function reservedAliasProblem(alias: string): string | undefined {
  if (alias.toLowerCase() === 'latest') return "'latest' alias name (case insensitive) is reserved.";
  if (/^[vV]\d+$/.test(alias)) return `Version alias name '${alias}' is reserved.`;
  return undefined;
}

/**
 * A required alias name checked by {@link aliasNameProblem}; `forSetting` also refuses the reserved
 * names (`latest`, `v1`, ...), which can still be looked up.
 *
 * @example
 * z.object({ alias: aliasName({ forSetting: true }) }).parse({ alias: 'champion' });
 */
export function aliasName(options: { forSetting?: boolean } = {}) {
  return requiredStr({ field: 'alias' }).superRefine((alias, ctx) => {
    if (alias === '') return;
    const problem = aliasNameProblem(alias) ?? (options.forSetting ? reservedAliasProblem(alias) : undefined);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: INVALID });
  });
}

/**
 * An optional free-text field stored as given: at most `max` characters, no NUL (databases cannot
 * store it). Absent stays undefined.
 *
 * @example
 * z.object({ description: storedText('description', 5000) }).parse({});
 */
export function storedText(label: string, max: number) {
  return wireCheck(maxChars(str(), max, label), (s) => !s.includes('\u0000'), `'${label}' cannot contain NUL characters (\\u0000).`).optional();
}

/**
 * Checks a registry tag's value (a superRefine of an object with `key` and `value`): at most 100,000
 * characters, no NUL; the prompt template tag gets MLflow's friendlier message when too long.
 *
 * @example
 * z.object({ key: z.string(), value: z.string() }).superRefine(checkRegistryTagValue);
 */
export function checkRegistryTagValue(tag: { key: string; value: string }, ctx: z.RefinementCtx): void {
  const { key, value } = tag;
  let message: string | undefined;
  if (value.length > REGISTRY_LIMITS.tagValueLength) {
    message =
      key === PromptTagKey.TEXT
        ? `Prompt text exceeds max length of ${REGISTRY_LIMITS.tagValueLength} characters.`
        : `'value' exceeds the maximum length of ${REGISTRY_LIMITS.tagValueLength} characters (got ${value.length}).`;
  } else if (value.includes('\u0000')) {
    message = "'value' cannot contain NUL characters (\\u0000).";
  }
  if (message) ctx.addIssue({ code: 'custom', path: ['value'], message, params: INVALID });
}

/**
 * The fields of a registry tag besides its entity: a valid tag key (`keyField` names it when missing)
 * and a value, `''` when absent. Check the value with {@link checkRegistryTagValue}.
 *
 * @example
 * z.object({ name: registeredModelName(), ...registryTagFields() }).superRefine(checkRegistryTagValue);
 */
export function registryTagFields(keyField = 'key') {
  return { key: trackingKey('tag', keyField), value: str().default('') };
}

/**
 * The tags of a create request, each a valid key and a value of at most 100,000 characters; repeated
 * keys keep the last value (the store applies that rule).
 *
 * @example
 * registryTagList().parse([{ key: 'mlflow.prompt.is_prompt', value: 'true' }]);
 */
export function registryTagList() {
  return keyValueList(z.object(registryTagFields('tags.key')).superRefine(checkRegistryTagValue));
}

/**
 * Whether a list of tags marks a prompt: any tag keyed `mlflow.prompt.is_prompt`, whatever its value
 * (MLflow's `_is_prompt_request`: the key decides which webhook event a create sends, and whether the
 * version's source is checked as a prompt's).
 *
 * @example
 * hasPromptTag([{ key: 'mlflow.prompt.is_prompt', value: 'true' }]); // true
 */
export function hasPromptTag(tags: readonly { key: string }[]): boolean {
  return tags.some((t) => t.key === PromptTagKey.IS_PROMPT);
}
