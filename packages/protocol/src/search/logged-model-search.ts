import { ApiError } from '../errors/api-error.js';
import type { Filter, LoggedModelFilterEntity } from './ast.js';
import { NUMERIC_OPS, STRING_LIST_OPS, STRING_OPS } from './comparators.js';
import type { FieldRule, FilterField, Namespace, OrderField, SearchGrammar } from './grammar.js';
import { parseFilterWithGrammar } from './parse-with-grammar.js';
import { resolveOrderField } from './resolve-field.js';

const METRIC: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'metrics' };
const PARAM: FieldRule = { type: 'string', ops: STRING_OPS, label: 'params' };
const TAG: FieldRule = { type: 'string', ops: STRING_OPS, label: 'tags' };
// MLflow's SearchLoggedModelsUtils lets every string attribute take lists.
const STRING_ATTRIBUTE: FieldRule = { type: 'string', ops: STRING_LIST_OPS, label: 'string attributes' };
const NUMERIC_ATTRIBUTE: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'numeric attributes' };

type Attr = FilterField<LoggedModelFilterEntity>;
const string: Attr = { rule: STRING_ATTRIBUTE };
const created: Attr = { rule: NUMERIC_ATTRIBUTE, key: 'creation_timestamp_ms' };
const updated: Attr = { rule: NUMERIC_ATTRIBUTE, key: 'last_updated_timestamp_ms' };

/** MLflow's searchable logged-model attributes; the timestamps resolve to their `_ms` columns. */
const ATTRIBUTE_FIELDS: Readonly<Record<string, Attr>> = {
  name: string,
  model_id: string,
  model_type: string,
  status: string,
  source_run_id: string,
  creation_timestamp: created,
  creation_time: created,
  last_updated_timestamp: updated,
  last_updated_time: updated,
};

// MLflow orders by the same attribute keys it searches.
const ATTRIBUTE_ORDER_FIELDS: Readonly<Record<string, OrderField<LoggedModelFilterEntity>>> = Object.fromEntries(
  Object.entries(ATTRIBUTE_FIELDS).map(([name, field]) => [name, field.key ? { key: field.key } : {}]),
);

const metrics: Namespace<LoggedModelFilterEntity> = { entity: 'metric', label: 'metric', filter: { anyKey: { rule: METRIC } }, orderBy: { anyKey: {} } };
const params: Namespace<LoggedModelFilterEntity> = { entity: 'param', label: 'param', filter: { anyKey: { rule: PARAM } } };
const tags: Namespace<LoggedModelFilterEntity> = { entity: 'tag', label: 'tag', filter: { anyKey: { rule: TAG } } };
const attributes: Namespace<LoggedModelFilterEntity> = {
  entity: 'attribute',
  label: 'attribute',
  filter: { fields: ATTRIBUTE_FIELDS },
  orderBy: { fields: ATTRIBUTE_ORDER_FIELDS },
};

/**
 * The logged-model search grammar (spec §9.6). MLflow parses these filters with the run parser, so
 * the run prefix spellings apply (`metric.`, `params.`, `attr.`, ...), except `datasets.`.
 *
 * @example
 * parseFilterWithGrammar(LOGGED_MODEL_SEARCH_GRAMMAR, "model_type = 'agent'");
 */
export const LOGGED_MODEL_SEARCH_GRAMMAR: SearchGrammar<LoggedModelFilterEntity> = {
  subject: 'logged models',
  prefixes: {
    metric: metrics,
    metrics,
    param: params,
    params,
    parameter: params,
    parameters: params,
    tag: tags,
    tags,
    attribute: attributes,
    attributes,
    attr: attributes,
    run: attributes,
  },
  bare: attributes,
};

/**
 * Parses a `logged-models/search` filter string (spec §9.6): `metrics.<k>` (numeric), `params.<k>` /
 * `tags.<k>` (string comparators), attributes `name`, `model_id`, `model_type`, `status`,
 * `source_run_id` (string comparators and lists) and `creation_timestamp` / `creation_time`,
 * `last_updated_timestamp` / `last_updated_time` (numeric, resolved to `creation_timestamp_ms` /
 * `last_updated_timestamp_ms`).
 *
 * @example
 * parseLoggedModelFilter("metrics.acc >= 0.8 AND creation_time > 0");
 * // [{ entity: 'metric', key: 'acc', op: '>=', value: { kind: 'number', value: 0.8 } },
 * //  { entity: 'attribute', key: 'creation_timestamp_ms', op: '>', value: { kind: 'number', value: 0 } }]
 */
export function parseLoggedModelFilter(filter?: string): Filter<LoggedModelFilterEntity> {
  return parseFilterWithGrammar(LOGGED_MODEL_SEARCH_GRAMMAR, filter);
}

/**
 * A validated logged-model `order_by[].field_name`.
 *
 * @example
 * const field: LoggedModelOrderField = { entity: 'metric', key: 'accuracy' };
 */
export interface LoggedModelOrderField {
  entity: 'metric' | 'attribute';
  key: string;
}

/**
 * Validates the `field_name` of one structured logged-model order_by entry (`{field_name, ascending,
 * dataset_name, dataset_digest}`): `metrics.<name>` (the name taken verbatim, it is JSON, not a
 * filter) or a searchable attribute, aliases resolved as in the filter.
 *
 * @example
 * parseLoggedModelOrderByField('metrics.val loss'); // { entity: 'metric', key: 'val loss' }
 * parseLoggedModelOrderByField('creation_time'); // { entity: 'attribute', key: 'creation_timestamp_ms' }
 */
export function parseLoggedModelOrderByField(fieldName: string): LoggedModelOrderField {
  if (typeof fieldName !== 'string' || fieldName.trim() === '') {
    throw ApiError.invalid('`field_name` in the `order_by` clause must be specified.');
  }
  const dot = fieldName.indexOf('.');
  if (dot >= 0) {
    const prefix = fieldName.slice(0, dot);
    const key = fieldName.slice(dot + 1);
    if (prefix !== 'metrics') throw ApiError.invalid(`Invalid order by field name: ${prefix}, only \`metrics.<name>\` is allowed.`);
    if (key === '') throw ApiError.invalid(`Invalid order by field name: ${fieldName}. The metric name must not be empty.`);
    return { entity: 'metric', key };
  }
  const name = fieldName.trim();
  const { key } = resolveOrderField(LOGGED_MODEL_SEARCH_GRAMMAR, { key: name, text: name });
  return { entity: 'attribute', key };
}
