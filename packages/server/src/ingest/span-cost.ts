import { SpanAttributeKey } from '@loupe/protocol';
import { completeTokenUsage, type PriceCatalog } from '@loupe/protocol/pricing';
import type { IngestSpan } from './ingest-span.js';

/**
 * Cost at ingest: a span that reports a model and token usage but no cost gets `mlflow.llm.cost` from
 * the price catalog, as MLflow's server adds it when it stores spans (and Loupe's SDK before export).
 * So traces from any producer (other SDKs over OTLP, MLflow's clients without a local price table)
 * show what their calls cost. A cost the producer sent is never replaced; a model the catalog does not
 * know gets no cost at all (unknown, not $0).
 */

const COST = SpanAttributeKey.LLM_COST;
const USAGE = SpanAttributeKey.TOKEN_USAGE;
const MODEL = SpanAttributeKey.LLM_MODEL;
/** Span types whose counts roll up their children's (see semconv.ts): pricing them would count calls twice. */
const ROLLUP_TYPES = new Set(['AGENT', 'CHAIN']);

/** A value as MLflow's clients write it: JSON text (the Python SDK), or the value itself. */
function decoded(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trimStart();
  if (!t.startsWith('{') && !t.startsWith('"')) return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/**
 * The model named by a span's inputs or outputs (`{"model": "gpt-4o", ...}`, an OpenAI-style request
 * or response), as MLflow's server reads it when `mlflow.llm.model` is missing. A cheap text test
 * first: most spans' inputs never get parsed.
 */
function modelInPayload(v: unknown): string | undefined {
  if (typeof v === 'string' && !v.includes('model')) return undefined;
  const payload = decoded(decoded(v));
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const model = (payload as Record<string, unknown>).model;
  return typeof model === 'string' && model !== '' ? model : undefined;
}

/**
 * The span with `mlflow.llm.cost` (and `mlflow.llm.model`, when only its inputs or outputs named the
 * model) added when the catalog prices its model; the same span otherwise.
 *
 * @example
 * withLlmCost(span, PriceCatalog.withDefaults()).attributes['mlflow.llm.cost'];
 * // { input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 } for gpt-4o-mini, 1,000 in / 200 out
 */
export function withLlmCost(span: IngestSpan, pricing: PriceCatalog | undefined): IngestSpan {
  const a = span.attributes;
  if (!pricing || a[USAGE] === undefined || a[COST] !== undefined) return span;
  const type = decoded(a[SpanAttributeKey.SPAN_TYPE]);
  if (typeof type === 'string' && ROLLUP_TYPES.has(type)) return span;
  const usageValue = decoded(a[USAGE]);
  const usage = completeTokenUsage(typeof usageValue === 'object' && usageValue !== null ? (usageValue as Record<string, unknown>) : undefined);
  if (usage?.input_tokens === undefined) return span;
  const named = decoded(a[MODEL]);
  const model = typeof named === 'string' && named !== '' ? named : (modelInPayload(a[SpanAttributeKey.INPUTS]) ?? modelInPayload(a[SpanAttributeKey.OUTPUTS]));
  if (model === undefined) return span;
  const cost = pricing.cost(model, usage);
  if (!cost) return span;
  return { ...span, attributes: { ...a, ...(named === undefined ? { [MODEL]: model } : {}), [COST]: cost } };
}
