import { TraceMetadataKey, TraceTagKey } from '../attributes/mlflow-keys.js';
import type { Filter, FilterValue, OrderBy } from './ast.js';
import { NUMERIC_OPS, REGEX_STRING_OPS } from './comparators.js';
import type { FieldRule, FilterField, Namespace, OrderField, SearchGrammar } from './grammar.js';
import { parseFilterWithGrammar, parseOrderByWithGrammar } from './parse-with-grammar.js';

/**
 * Entities of a trace filter (spec §9.5). `span` covers `span.name|type|status`, `span_attribute`
 * `span.attributes.<k>`; `prompt` and `text` are the `prompt` and `trace.text` pseudo-fields.
 *
 * @example
 * const entity: TraceFilterEntity = 'span_attribute';
 */
export type TraceFilterEntity = 'attribute' | 'tag' | 'metadata' | 'span' | 'span_attribute' | 'feedback' | 'expectation' | 'prompt' | 'text';

/**
 * Tag holding a trace's name; `trace.name` resolves to it (as MLflow's SEARCH_KEY_TO_TAG does).
 *
 * @example
 * parseTraceFilter("name = 'chat'")[0]?.key === TRACE_NAME_TAG; // true
 */
export const TRACE_NAME_TAG = TraceTagKey.TRACE_NAME;
/**
 * Metadata holding a trace's source run; `trace.run_id` resolves to it (MLflow's SEARCH_KEY_TO_METADATA).
 *
 * @example
 * parseTraceFilter("run_id = 'r1'")[0]?.key === TRACE_SOURCE_RUN_METADATA; // true
 */
export const TRACE_SOURCE_RUN_METADATA = TraceMetadataKey.SOURCE_RUN;

const PROMPT_VALUE_RE = /^[^/]+\/[^/]+$/;

function checkPrompt(value: FilterValue): string | undefined {
  if (value.kind === 'string' && !PROMPT_VALUE_RE.test(value.value)) {
    return `Invalid prompt filter value '${value.value}'. Expected '<prompt name>/<version>'.`;
  }
  return undefined;
}

const STATUS: FieldRule = { type: 'string', ops: ['=', '!=', 'IN', 'NOT IN'], label: "'status'" };
const NUMERIC: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'numeric attributes' };
const NAME: FieldRule = { type: 'string', ops: [...REGEX_STRING_OPS, 'IN', 'NOT IN'], label: "'name'" };
const CLIENT_REQUEST_ID: FieldRule = { type: 'string', ops: REGEX_STRING_OPS, label: "'client_request_id'" };
const RUN_ID: FieldRule = { type: 'string', ops: ['=', 'IN'], label: "'run_id'" };
const REQUEST_ID: FieldRule = { type: 'string', ops: ['=', '!=', 'IN', 'NOT IN'], label: "'request_id'" };
const PROMPT: FieldRule = { type: 'string', ops: ['='], label: "'prompt' (value '<name>/<version>')", check: checkPrompt };
const TEXT: FieldRule = { type: 'string', ops: ['LIKE'], label: "'text' (full-text search with % wildcards)" };
const TAG: FieldRule = { type: 'string', ops: REGEX_STRING_OPS, label: 'tags' };
const METADATA: FieldRule = { type: 'string', ops: [...REGEX_STRING_OPS, 'IS NULL', 'IS NOT NULL'], label: 'metadata' };
// IN / NOT IN as MLflow's SearchTraceUtils takes them (`span.type IN ('LLM', 'CHAT_MODEL')`).
const SPAN: FieldRule = { type: 'string', ops: [...REGEX_STRING_OPS, 'IN', 'NOT IN'], label: 'span fields' };
// Matched as a substring of the JSON-encoded attribute value, hence pattern comparators only.
const SPAN_ATTRIBUTE: FieldRule = { type: 'string', ops: ['LIKE', 'ILIKE', 'RLIKE'], label: 'span attributes' };
const ASSESSMENT: FieldRule = { type: 'string', ops: REGEX_STRING_OPS, label: 'assessments' };

type Field = FilterField<TraceFilterEntity>;
const timestamp: Field = { rule: NUMERIC, key: 'timestamp_ms' };
const executionTime: Field = { rule: NUMERIC, key: 'execution_time_ms' };

/** Trace attributes (prefixes `trace.`, `attribute.`, `attributes.`, or none) and their aliases. */
const ATTRIBUTE_FILTER_FIELDS: Readonly<Record<string, Field>> = {
  status: { rule: STATUS, key: 'state' },
  timestamp_ms: timestamp,
  timestamp,
  execution_time_ms: executionTime,
  execution_time: executionTime,
  end_time_ms: { rule: NUMERIC },
  name: { rule: NAME, entity: 'tag', key: TRACE_NAME_TAG },
  client_request_id: { rule: CLIENT_REQUEST_ID },
  run_id: { rule: RUN_ID, entity: 'metadata', key: TRACE_SOURCE_RUN_METADATA },
  request_id: { rule: REQUEST_ID },
  prompt: { rule: PROMPT, entity: 'prompt' },
  text: { rule: TEXT, entity: 'text' },
};

const ATTRIBUTE_ORDER_FIELDS: Readonly<Record<string, OrderField<TraceFilterEntity>>> = {
  timestamp_ms: {},
  timestamp: { key: 'timestamp_ms' },
  execution_time_ms: {},
  execution_time: { key: 'execution_time_ms' },
  status: { key: 'state' },
  request_id: {},
  experiment_id: {},
  name: { entity: 'tag', key: TRACE_NAME_TAG },
  run_id: { entity: 'metadata', key: TRACE_SOURCE_RUN_METADATA },
};

const attributes: Namespace<TraceFilterEntity> = {
  entity: 'attribute',
  label: 'attribute',
  filter: { fields: ATTRIBUTE_FILTER_FIELDS },
  orderBy: { fields: ATTRIBUTE_ORDER_FIELDS },
};
const tags: Namespace<TraceFilterEntity> = { entity: 'tag', label: 'tag', filter: { anyKey: { rule: TAG } } };
const metadata: Namespace<TraceFilterEntity> = { entity: 'metadata', label: 'metadata', filter: { anyKey: { rule: METADATA } } };
const spans: Namespace<TraceFilterEntity> = {
  entity: 'span',
  label: 'span',
  filter: {
    fields: { name: { rule: SPAN }, type: { rule: SPAN }, status: { rule: SPAN } },
    nested: { attributes: { rule: SPAN_ATTRIBUTE, entity: 'span_attribute' } },
    validKeysHint: "'name', 'status', 'type' and 'attributes.<attribute_name>'",
  },
};
const feedback: Namespace<TraceFilterEntity> = { entity: 'feedback', label: 'feedback', filter: { anyKey: { rule: ASSESSMENT } } };
const expectation: Namespace<TraceFilterEntity> = { entity: 'expectation', label: 'expectation', filter: { anyKey: { rule: ASSESSMENT } } };

/**
 * The trace search grammar (spec §9.5).
 *
 * @example
 * parseFilterWithGrammar(TRACE_SEARCH_GRAMMAR, "span.type = 'LLM'");
 */
export const TRACE_SEARCH_GRAMMAR: SearchGrammar<TraceFilterEntity> = {
  subject: 'traces',
  prefixes: {
    trace: attributes,
    attribute: attributes,
    attributes,
    tag: tags,
    tags,
    metadata,
    request_metadata: metadata,
    span: spans,
    feedback,
    expectation,
  },
  bare: attributes,
};

/**
 * Parses a `traces/search` filter string (spec §9.5). MLflow's key mappings are applied: `name` is
 * the tag `mlflow.traceName`, `run_id` the metadata `mlflow.sourceRun`, `status` the attribute
 * `state`, `timestamp` / `execution_time` the `_ms` attributes.
 *
 * @example
 * parseTraceFilter("trace.status = 'OK' AND metadata.`mlflow.trace.session` = 's1'");
 * // [{ entity: 'attribute', key: 'state', op: '=', value: { kind: 'string', value: 'OK' } },
 * //  { entity: 'metadata', key: 'mlflow.trace.session', op: '=', value: { kind: 'string', value: 's1' } }]
 */
export function parseTraceFilter(filter?: string): Filter<TraceFilterEntity> {
  return parseFilterWithGrammar(TRACE_SEARCH_GRAMMAR, filter);
}

/**
 * Parses `traces/search` order_by strings: `timestamp_ms` (`timestamp`), `execution_time_ms`
 * (`execution_time`), `status`, `request_id`, `experiment_id`, `name`, `run_id`, mapped like filters.
 *
 * @example
 * parseTraceOrderBy(['timestamp DESC']); // [{ entity: 'attribute', key: 'timestamp_ms', ascending: false }]
 */
export function parseTraceOrderBy(orderBy?: string[]): OrderBy<TraceFilterEntity>[] {
  return parseOrderByWithGrammar(TRACE_SEARCH_GRAMMAR, orderBy);
}
