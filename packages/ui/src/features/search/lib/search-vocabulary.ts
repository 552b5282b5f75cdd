import { SpanAttributeKey } from '@loupe/protocol';
import { keyWithName, type FilterField } from './filter-autocomplete';

const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'] as const;
const NUMBER_OPS = ['=', '!=', '>', '>=', '<', '<='] as const;
const SPAN_OPS = [...STRING_OPS, 'IN', 'NOT IN'] as const;

/**
 * MLflow's span types (spec §4.5).
 *
 * @example
 * SPAN_TYPES.includes('TOOL'); // true
 */
export const SPAN_TYPES = [
  'LLM',
  'CHAT_MODEL',
  'CHAIN',
  'AGENT',
  'TOOL',
  'RETRIEVER',
  'EMBEDDING',
  'RERANKER',
  'PARSER',
  'MEMORY',
  'GUARDRAIL',
  'EVALUATOR',
  'UNKNOWN',
] as const;

/** What the loaded traces tell about the keys in use, to suggest them. */
export interface TraceKeysSeen {
  tags: ReadonlyMap<string, ReadonlySet<string>>;
  metadata: ReadonlySet<string>;
  assessments: ReadonlySet<string>;
  /** Span types in the experiment's recent traces and their span counts (`useSpanTypes`), once known. */
  spanTypes?: ReadonlyMap<string, number>;
}

/**
 * The values `span.type` offers: the types recent traces really have, most spans first (a producer's
 * own types too), then MLflow's other types; each says how many spans have it, or that none recently does.
 *
 * @example
 * spanTypeValues(new Map([['CHAT_MODEL', 12]])).values.slice(0, 2); // ['CHAT_MODEL', 'LLM']
 */
export function spanTypeValues(present: ReadonlyMap<string, number> | undefined): Pick<FilterField, 'values' | 'valueDetails'> {
  if (!present) return { values: SPAN_TYPES };
  const seen = [...present].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const details: Record<string, string> = {};
  for (const [type, n] of seen) details[type] = `${n.toLocaleString('en-US')} span${n === 1 ? '' : 's'} recently`;
  const others = SPAN_TYPES.filter((t) => !present.has(t));
  for (const type of others) details[type] = 'none recently';
  return { values: [...seen.map(([type]) => type), ...others], valueDetails: details };
}

/**
 * The keys of the trace search grammar (docs/api.md, trace search filters), with the tags, metadata
 * and assessment names seen in loaded traces.
 *
 * @example
 * const fields = traceFilterFields({ tags: new Map([['env', new Set(['prod'])]]), metadata: new Set(), assessments: new Set() });
 */
export function traceFilterFields(seen: TraceKeysSeen): FilterField[] {
  const fields: FilterField[] = [
    { key: 'trace.status', type: 'string', ops: ['=', '!=', 'IN', 'NOT IN'], values: ['OK', 'ERROR', 'IN_PROGRESS'], detail: 'trace state' },
    { key: 'trace.name', type: 'string', ops: [...STRING_OPS, 'IN', 'NOT IN'], detail: 'root span name' },
    { key: 'trace.timestamp_ms', type: 'number', ops: NUMBER_OPS, detail: 'request time, epoch ms' },
    { key: 'trace.execution_time_ms', type: 'number', ops: NUMBER_OPS, detail: 'latency, ms' },
    { key: 'trace.text', type: 'string', ops: ['LIKE'], detail: 'full text of every span' },
    { key: 'trace.run_id', type: 'string', ops: ['=', 'IN'], detail: 'source or linked run' },
    { key: 'trace.client_request_id', type: 'string', ops: STRING_OPS },
    { key: 'trace.request_id', type: 'string', ops: ['=', '!=', 'IN', 'NOT IN'] },
    { key: 'span.name', type: 'string', ops: SPAN_OPS, detail: 'any span' },
    { key: 'span.type', type: 'string', ops: SPAN_OPS, ...spanTypeValues(seen.spanTypes), detail: 'any span' },
    { key: 'span.status', type: 'string', ops: SPAN_OPS, values: ['OK', 'ERROR', 'UNSET'], detail: 'any span' },
    { key: `span.attributes.\`${SpanAttributeKey.LLM_MODEL}\``, type: 'string', ops: ['LIKE', 'ILIKE', 'RLIKE'], detail: 'span attribute' },
    { key: 'prompt', type: 'string', ops: ['='], detail: "'name/version'" },
  ];
  for (const [key, values] of [...seen.tags].sort(([a], [b]) => a.localeCompare(b))) {
    fields.push({ key: keyWithName('tag', key), type: 'string', ops: STRING_OPS, values: [...values].sort().slice(0, 50), detail: 'tag' });
  }
  for (const key of [...seen.metadata].sort())
    fields.push({ key: keyWithName('metadata', key), type: 'string', ops: [...STRING_OPS, 'IS NULL', 'IS NOT NULL'], detail: 'metadata' });
  for (const name of [...seen.assessments].sort()) {
    fields.push({ key: keyWithName('feedback', name), type: 'string', ops: STRING_OPS, values: ['true', 'false', 'yes', 'no'], detail: 'feedback' });
    fields.push({ key: keyWithName('expectation', name), type: 'string', ops: STRING_OPS, detail: 'expectation' });
  }
  return fields;
}

/** What loaded runs tell about their keys. */
export interface RunKeysSeen {
  metrics: ReadonlySet<string>;
  params: ReadonlyMap<string, ReadonlySet<string>>;
  tags: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The keys of the run search grammar (docs/api.md, runs search), with the metrics, params and tags
 * of loaded runs.
 *
 * @example
 * runFilterFields({ metrics: new Set(['acc']), params: new Map(), tags: new Map() })[0]?.key; // 'metrics.acc'
 */
export function runFilterFields(seen: RunKeysSeen): FilterField[] {
  const fields: FilterField[] = [];
  for (const key of [...seen.metrics].sort()) fields.push({ key: keyWithName('metrics', key), type: 'number', ops: NUMBER_OPS, detail: 'metric' });
  for (const [key, values] of [...seen.params].sort(([a], [b]) => a.localeCompare(b)))
    fields.push({
      key: keyWithName('params', key),
      type: 'string',
      ops: ['=', '!=', 'LIKE', 'ILIKE'],
      values: [...values].sort().slice(0, 50),
      detail: 'param',
    });
  for (const [key, values] of [...seen.tags].sort(([a], [b]) => a.localeCompare(b)))
    fields.push({ key: keyWithName('tags', key), type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE'], values: [...values].sort().slice(0, 50), detail: 'tag' });
  fields.push(
    { key: 'attributes.run_name', type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE'], detail: 'attribute' },
    {
      key: 'attributes.status',
      type: 'string',
      ops: ['=', '!=', 'LIKE', 'ILIKE'],
      values: ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'],
      detail: 'attribute',
    },
    { key: 'attributes.start_time', type: 'number', ops: NUMBER_OPS, detail: 'epoch ms' },
    { key: 'attributes.end_time', type: 'number', ops: NUMBER_OPS, detail: 'epoch ms' },
    { key: 'attributes.user_id', type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE'], detail: 'attribute' },
    { key: 'attributes.run_id', type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'], detail: 'attribute' },
    { key: 'datasets.name', type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'], detail: 'dataset' },
    { key: 'datasets.digest', type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'], detail: 'dataset' },
  );
  return fields;
}
