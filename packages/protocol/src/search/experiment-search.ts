import type { ExperimentFilterEntity, Filter, OrderBy } from './ast.js';
import { NUMERIC_OPS, STRING_OPS } from './comparators.js';
import type { FieldRule, Namespace, SearchGrammar } from './grammar.js';
import { parseFilterWithGrammar, parseOrderByWithGrammar } from './parse-with-grammar.js';

const STRING_ATTRIBUTE: FieldRule = { type: 'string', ops: STRING_OPS, label: 'string attributes' };
const NUMERIC_ATTRIBUTE: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'numeric attributes' };
const TAG: FieldRule = { type: 'string', ops: STRING_OPS, label: 'tags' };

const attributes: Namespace<ExperimentFilterEntity> = {
  entity: 'attribute',
  label: 'attribute',
  filter: {
    fields: {
      name: { rule: STRING_ATTRIBUTE },
      creation_time: { rule: NUMERIC_ATTRIBUTE },
      last_update_time: { rule: NUMERIC_ATTRIBUTE },
    },
  },
  orderBy: { fields: { name: {}, experiment_id: {}, creation_time: {}, last_update_time: {} } },
};
// MLflow orders experiments by attributes only.
const tags: Namespace<ExperimentFilterEntity> = { entity: 'tag', label: 'tag', filter: { anyKey: { rule: TAG } } };

/**
 * The experiment search grammar (spec §9.2). Only the prefixes `attribute.`, `tag.` and `tags.`
 * exist (MLflow rejects `attr.` and `attributes.` here).
 *
 * @example
 * parseFilterWithGrammar(EXPERIMENT_SEARCH_GRAMMAR, "name LIKE 'exp%'");
 */
export const EXPERIMENT_SEARCH_GRAMMAR: SearchGrammar<ExperimentFilterEntity> = {
  subject: 'experiments',
  prefixes: { attribute: attributes, tag: tags, tags },
  bare: attributes,
};

/**
 * Parses an `experiments/search` filter string (spec §9.2): `name` (string comparators),
 * `creation_time` / `last_update_time` (numeric), `tags.<key>` (string comparators).
 *
 * @example
 * parseExperimentFilter("name ILIKE '%prod%' AND creation_time > 1700000000000");
 * // [{ entity: 'attribute', key: 'name', op: 'ILIKE', value: { kind: 'string', value: '%prod%' } },
 * //  { entity: 'attribute', key: 'creation_time', op: '>', value: { kind: 'number', value: 1700000000000 } }]
 */
export function parseExperimentFilter(filter?: string): Filter<ExperimentFilterEntity> {
  return parseFilterWithGrammar(EXPERIMENT_SEARCH_GRAMMAR, filter);
}

/**
 * Parses `experiments/search` order_by strings: `name`, `experiment_id`, `creation_time` or
 * `last_update_time` (optionally `attribute.`-prefixed), with an optional `ASC` / `DESC`.
 *
 * @example
 * parseExperimentOrderBy(['last_update_time DESC']); // [{ entity: 'attribute', key: 'last_update_time', ascending: false }]
 */
export function parseExperimentOrderBy(orderBy?: string[]): OrderBy<ExperimentFilterEntity>[] {
  return parseOrderByWithGrammar(EXPERIMENT_SEARCH_GRAMMAR, orderBy);
}
