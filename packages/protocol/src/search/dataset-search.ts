import type { DatasetFilterEntity, Filter, OrderBy } from './ast.js';
import { NUMERIC_OPS, STRING_OPS } from './comparators.js';
import type { FieldRule, Namespace, SearchGrammar } from './grammar.js';
import { parseFilterWithGrammar, parseOrderByWithGrammar } from './parse-with-grammar.js';

const STRING_ATTRIBUTE: FieldRule = { type: 'string', ops: STRING_OPS, label: 'string attributes' };
const NUMERIC_ATTRIBUTE: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'numeric attributes' };
const TAG: FieldRule = { type: 'string', ops: STRING_OPS, label: 'tags' };

const attributes: Namespace<DatasetFilterEntity> = {
  entity: 'attribute',
  label: 'attribute',
  filter: {
    fields: {
      name: { rule: STRING_ATTRIBUTE },
      created_by: { rule: STRING_ATTRIBUTE },
      last_updated_by: { rule: STRING_ATTRIBUTE },
      created_time: { rule: NUMERIC_ATTRIBUTE },
      last_update_time: { rule: NUMERIC_ATTRIBUTE },
    },
  },
  orderBy: { fields: { name: {}, created_time: {}, last_update_time: {} } },
};
// MLflow's SearchEvaluationDatasetsUtils knows `tags.` only (not `tag.` nor `attribute.`), and orders by attributes only.
const tags: Namespace<DatasetFilterEntity> = { entity: 'tag', label: 'tag', filter: { anyKey: { rule: TAG } } };

/**
 * The evaluation-dataset search grammar (MLflow's `SearchEvaluationDatasetsUtils`; spec §9.7 left it
 * unverified): `name`, `created_by`, `last_updated_by` (string comparators), `created_time`,
 * `last_update_time` (numeric) and `tags.<key>` (string comparators); order_by `name`,
 * `created_time`, `last_update_time`.
 *
 * @example
 * parseFilterWithGrammar(DATASET_SEARCH_GRAMMAR, "name LIKE 'qa_%' AND tags.env = 'prod'");
 */
export const DATASET_SEARCH_GRAMMAR: SearchGrammar<DatasetFilterEntity> = {
  subject: 'evaluation datasets',
  prefixes: { tags },
  bare: attributes,
};

/**
 * Parses a `datasets/search` filter string.
 *
 * @example
 * parseDatasetFilter("created_time >= 1700000000000"); // [{ entity: 'attribute', key: 'created_time', op: '>=', value: { kind: 'number', value: 1700000000000 } }]
 */
export function parseDatasetFilter(filter?: string): Filter<DatasetFilterEntity> {
  return parseFilterWithGrammar(DATASET_SEARCH_GRAMMAR, filter);
}

/**
 * Parses `datasets/search` order_by strings. With none given MLflow orders by `created_time DESC`;
 * the store adds `dataset_id DESC` as the tie-break.
 *
 * @example
 * parseDatasetOrderBy(['name ASC']); // [{ entity: 'attribute', key: 'name', ascending: true }]
 */
export function parseDatasetOrderBy(orderBy?: readonly string[]): OrderBy<DatasetFilterEntity>[] {
  const given = orderBy && orderBy.length > 0 ? orderBy : ['created_time DESC'];
  return parseOrderByWithGrammar(DATASET_SEARCH_GRAMMAR, given);
}
