import { PromptTagKey } from '../attributes/mlflow-keys.js';
import { ApiError } from '../errors/api-error.js';
import type { Filter, ModelVersionFilterEntity, OrderBy, RegisteredModelFilterEntity } from './ast.js';
import { NUMERIC_OPS, STRING_OPS } from './comparators.js';
import type { FieldRule, Namespace, SearchGrammar } from './grammar.js';
import { parseFilterWithGrammar, parseOrderByWithGrammar } from './parse-with-grammar.js';

const STRING_ATTRIBUTE: FieldRule = { type: 'string', ops: STRING_OPS, label: "string attributes (only 'run_id' takes IN)" };
const RUN_ID: FieldRule = { type: 'string', ops: [...STRING_OPS, 'IN'], label: "the 'run_id' attribute" };
const VERSION_NUMBER: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'numeric attributes' };
const TAG: FieldRule = { type: 'string', ops: STRING_OPS, label: 'tags' };

const modelAttributes: Namespace<RegisteredModelFilterEntity> = {
  entity: 'attribute',
  label: 'attribute',
  filter: { fields: { name: { rule: { type: 'string', ops: STRING_OPS, label: 'string attributes' } } } },
  // MLflow's SQL store orders by `name`, `timestamp` / `last_updated_timestamp` (both the update time);
  // Loupe also orders by `creation_timestamp`, which MLflow's file store accepts.
  orderBy: { fields: { name: {}, timestamp: { key: 'last_updated_timestamp' }, last_updated_timestamp: {}, creation_timestamp: {} } },
};
const modelTags: Namespace<RegisteredModelFilterEntity> = { entity: 'tag', label: 'tag', filter: { anyKey: { rule: TAG } } };

/**
 * The registered-model search grammar (spec §9.3): `name` (string comparators) and `tags.<key>`;
 * prefixes `attribute.`, `tag.`, `tags.`. The prompt tag's special meaning is applied after parsing
 * ({@link promptScope}).
 *
 * @example
 * parseFilterWithGrammar(REGISTERED_MODEL_SEARCH_GRAMMAR, "name LIKE 'fraud%'");
 */
export const REGISTERED_MODEL_SEARCH_GRAMMAR: SearchGrammar<RegisteredModelFilterEntity> = {
  subject: 'registered models',
  prefixes: { attribute: modelAttributes, tag: modelTags, tags: modelTags },
  bare: modelAttributes,
};

const versionAttributes: Namespace<ModelVersionFilterEntity> = {
  entity: 'attribute',
  label: 'attribute',
  filter: {
    fields: {
      name: { rule: STRING_ATTRIBUTE },
      run_id: { rule: RUN_ID },
      source_path: { rule: STRING_ATTRIBUTE, key: 'source' },
      version_number: { rule: VERSION_NUMBER, key: 'version' },
    },
  },
  orderBy: { fields: { name: {}, version_number: { key: 'version' }, creation_timestamp: {}, last_updated_timestamp: {} } },
};
const versionTags: Namespace<ModelVersionFilterEntity> = { entity: 'tag', label: 'tag', filter: { anyKey: { rule: TAG } } };

/**
 * The model-version search grammar (spec §9.4): `name`, `run_id` (also `IN (...)`), `source_path`
 * (the `source` column) with string comparators, `version_number` (numeric, the `version` column) and
 * `tags.<key>`.
 *
 * @example
 * parseFilterWithGrammar(MODEL_VERSION_SEARCH_GRAMMAR, "name = 'clf' AND version_number > 2");
 */
export const MODEL_VERSION_SEARCH_GRAMMAR: SearchGrammar<ModelVersionFilterEntity> = {
  subject: 'model versions',
  prefixes: { attribute: versionAttributes, tag: versionTags, tags: versionTags },
  bare: versionAttributes,
};

/**
 * Parses a `registered-models/search` filter string (spec §9.3).
 *
 * @example
 * parseRegisteredModelFilter("tags.team = 'fraud'"); // [{ entity: 'tag', key: 'team', op: '=', value: { kind: 'string', value: 'fraud' } }]
 */
export function parseRegisteredModelFilter(filter?: string): Filter<RegisteredModelFilterEntity> {
  return parseFilterWithGrammar(REGISTERED_MODEL_SEARCH_GRAMMAR, filter);
}

/**
 * Parses a `model-versions/search` filter string (spec §9.4); attribute keys come back as columns
 * (`source_path` -> `source`, `version_number` -> `version`).
 *
 * @example
 * parseModelVersionFilter("run_id IN ('a', 'b')"); // [{ entity: 'attribute', key: 'run_id', op: 'IN', value: { kind: 'list', values: ['a', 'b'] } }]
 */
export function parseModelVersionFilter(filter?: string): Filter<ModelVersionFilterEntity> {
  return parseFilterWithGrammar(MODEL_VERSION_SEARCH_GRAMMAR, filter);
}

/** MLflow refuses an order_by naming the same field twice (`timestamp` and `last_updated_timestamp` are one). */
function refuseDuplicates<E extends string>(orderBy: OrderBy<E>[], written: readonly string[]): OrderBy<E>[] {
  const seen = new Set<string>();
  for (const o of orderBy) {
    if (seen.has(o.key)) throw ApiError.invalid(`\`order_by\` contains duplicate fields: [${written.map((w) => `'${w}'`).join(', ')}]`);
    seen.add(o.key);
  }
  return orderBy;
}

/**
 * Parses `registered-models/search` order_by strings: `name`, `timestamp` / `last_updated_timestamp`
 * (the last update), `creation_timestamp`, each with an optional `ASC` / `DESC`; a field named twice
 * is refused. The store adds `name ASC` as the tie-break.
 *
 * @example
 * parseRegisteredModelOrderBy(['timestamp DESC']); // [{ entity: 'attribute', key: 'last_updated_timestamp', ascending: false }]
 */
export function parseRegisteredModelOrderBy(orderBy?: readonly string[]): OrderBy<RegisteredModelFilterEntity>[] {
  return refuseDuplicates(parseOrderByWithGrammar(REGISTERED_MODEL_SEARCH_GRAMMAR, orderBy), orderBy ?? []);
}

/**
 * Parses `model-versions/search` order_by strings: `name`, `version_number` (-> `version`),
 * `creation_timestamp`, `last_updated_timestamp`; a field named twice is refused. With none given,
 * MLflow orders by `last_updated_timestamp DESC, name ASC, version_number DESC`; the store adds
 * `name ASC, version DESC` as tie-breaks.
 *
 * @example
 * parseModelVersionOrderBy(['version_number DESC']); // [{ entity: 'attribute', key: 'version', ascending: false }]
 */
export function parseModelVersionOrderBy(orderBy?: readonly string[]): OrderBy<ModelVersionFilterEntity>[] {
  const given = orderBy && orderBy.length > 0 ? orderBy : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];
  return refuseDuplicates(parseOrderByWithGrammar(MODEL_VERSION_SEARCH_GRAMMAR, given), given);
}

/**
 * Which of prompts and models a registry search looks at, and the filter left to apply (spec §7,
 * MLflow's `_is_querying_prompt`). The first clause on the tag `mlflow.prompt.is_prompt` decides:
 * `= 'true'` or `!= 'false'` (any case) searches prompts, and its clauses stay in the filter; anything
 * else, or no such clause, searches models only (entities without the tag, so `= 'false'` and
 * `!= 'true'` find models), and every clause on that tag is dropped.
 *
 * @example
 * promptScope(parseRegisteredModelFilter("tags.`mlflow.prompt.is_prompt` = 'true'")).prompts; // true
 * promptScope(parseRegisteredModelFilter("name = 'x'")); // { prompts: false, filter: [<name = 'x'>] }
 */
export function promptScope<E extends string>(filter: Filter<E>): { prompts: boolean; filter: Filter<E> } {
  const first = filter.find((c) => c.entity === 'tag' && c.key === PromptTagKey.IS_PROMPT);
  const value = first?.value.kind === 'string' ? first.value.value.toLowerCase() : undefined;
  const prompts = first !== undefined && ((first.op === '=' && value === 'true') || (first.op === '!=' && value === 'false'));
  if (prompts) return { prompts, filter };
  return { prompts, filter: filter.filter((c) => !(c.entity === 'tag' && c.key === PromptTagKey.IS_PROMPT)) };
}
