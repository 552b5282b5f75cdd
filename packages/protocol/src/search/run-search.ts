import type { Filter, OrderBy, RunFilterEntity } from './ast.js';
import { NUMERIC_OPS, STRING_LIST_OPS, STRING_OPS } from './comparators.js';
import type { FieldRule, FilterField, Namespace, OrderField, SearchGrammar } from './grammar.js';
import { parseFilterWithGrammar, parseOrderByWithGrammar } from './parse-with-grammar.js';

const METRIC: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'metrics' };
const PARAM: FieldRule = { type: 'string', ops: STRING_OPS, label: 'params' };
const TAG: FieldRule = { type: 'string', ops: STRING_OPS, label: 'tags' };
// Lists are allowed on run_id only (MLflow: "Only the 'run_id' attribute supports comparison with a list").
const STRING_ATTRIBUTE: FieldRule = { type: 'string', ops: STRING_OPS, label: "string attributes (only 'run_id' takes IN / NOT IN)" };
const RUN_ID: FieldRule = { type: 'string', ops: STRING_LIST_OPS, label: "the 'run_id' attribute" };
const NUMERIC_ATTRIBUTE: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'numeric attributes' };
const DATASET: FieldRule = { type: 'string', ops: STRING_LIST_OPS, label: 'dataset fields' };

type Attr = FilterField<RunFilterEntity>;
const string: Attr = { rule: STRING_ATTRIBUTE };
const numeric: Attr = { rule: NUMERIC_ATTRIBUTE };
const runName: Attr = { rule: STRING_ATTRIBUTE, key: 'run_name' };
const created: Attr = { rule: NUMERIC_ATTRIBUTE, key: 'start_time' };

/** RunInfo's searchable attributes plus MLflow's aliases (`created`, `Run name`, ...): spec §9.1. */
const ATTRIBUTE_FILTER_FIELDS: Readonly<Record<string, Attr>> = {
  run_id: { rule: RUN_ID },
  run_name: string,
  status: string,
  user_id: string,
  artifact_uri: string,
  start_time: numeric,
  end_time: numeric,
  created,
  Created: created,
  'run name': runName,
  'Run name': runName,
  'Run Name': runName,
};

const startTime: OrderField<RunFilterEntity> = { key: 'start_time' };
/** RunInfo's orderable attributes plus `created` / `Created` (MLflow accepts no `Run name` alias here). */
const ATTRIBUTE_ORDER_FIELDS: Readonly<Record<string, OrderField<RunFilterEntity>>> = {
  start_time: {},
  end_time: {},
  run_id: {},
  run_name: {},
  status: {},
  user_id: {},
  artifact_uri: {},
  created: startTime,
  Created: startTime,
};

const metrics: Namespace<RunFilterEntity> = { entity: 'metric', label: 'metric', filter: { anyKey: { rule: METRIC } }, orderBy: { anyKey: {} } };
const params: Namespace<RunFilterEntity> = { entity: 'param', label: 'param', filter: { anyKey: { rule: PARAM } }, orderBy: { anyKey: {} } };
const tags: Namespace<RunFilterEntity> = { entity: 'tag', label: 'tag', filter: { anyKey: { rule: TAG } }, orderBy: { anyKey: {} } };
const attributes: Namespace<RunFilterEntity> = {
  entity: 'attribute',
  label: 'attribute',
  filter: { fields: ATTRIBUTE_FILTER_FIELDS },
  orderBy: { fields: ATTRIBUTE_ORDER_FIELDS },
};
// `context` reads the input tag `mlflow.data.context`; a clause holds when any input dataset matches.
const datasets: Namespace<RunFilterEntity> = {
  entity: 'dataset',
  label: 'dataset',
  filter: { fields: { name: { rule: DATASET }, digest: { rule: DATASET }, context: { rule: DATASET } } },
};

/**
 * The run search grammar (spec §9.1): metric, param, tag, attribute and dataset namespaces with
 * MLflow's prefix spellings; a key without prefix is an attribute.
 *
 * @example
 * parseFilterWithGrammar(RUN_SEARCH_GRAMMAR, "run.status = 'FINISHED'");
 */
export const RUN_SEARCH_GRAMMAR: SearchGrammar<RunFilterEntity> = {
  subject: 'runs',
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
    dataset: datasets,
    datasets,
  },
  bare: attributes,
};

/**
 * Parses a `runs/search` filter string (spec §9.1). Attribute aliases are resolved (`created` ->
 * `start_time`, `Run name` -> `run_name`) and quotes removed from keys.
 *
 * @example
 * parseRunFilter("metrics.`val loss` < 0.5 and tags.`mlflow.runName` = 'r1'");
 * // [{ entity: 'metric', key: 'val loss', op: '<', value: { kind: 'number', value: 0.5 } },
 * //  { entity: 'tag', key: 'mlflow.runName', op: '=', value: { kind: 'string', value: 'r1' } }]
 */
export function parseRunFilter(filter?: string): Filter<RunFilterEntity> {
  return parseFilterWithGrammar(RUN_SEARCH_GRAMMAR, filter);
}

/**
 * Parses `runs/search` order_by strings: `metrics.x`, `params.x`, `tags.x`, or an attribute
 * (`start_time`, `end_time`, `run_id`, `run_name`, `status`, `user_id`, `artifact_uri`), with an
 * optional `ASC` (default) or `DESC`.
 *
 * @example
 * parseRunOrderBy(['metrics.acc DESC', 'created']);
 * // [{ entity: 'metric', key: 'acc', ascending: false }, { entity: 'attribute', key: 'start_time', ascending: true }]
 */
export function parseRunOrderBy(orderBy?: string[]): OrderBy<RunFilterEntity>[] {
  return parseOrderByWithGrammar(RUN_SEARCH_GRAMMAR, orderBy);
}
