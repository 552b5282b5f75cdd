import type { Kysely, Selectable } from 'kysely';
import type { AssessmentRecord } from '../assessment-store.js';
import type { LlmCost, TokenUsage, TraceRecord, TraceState } from '../trace-store.js';
import { toAssessmentRecord } from './assessment-rows.js';
import type { Database, TracesTable } from './schema.js';

/**
 * A trace row as read.
 *
 * @example
 * const rows: TraceRow[] = await db.selectFrom('traces').selectAll().execute();
 */
export type TraceRow = Selectable<TracesTable>;

/** Usage and cost of a trace row, when any is known. */
function rowTotals(row: TraceRow): { usage?: TokenUsage; cost?: LlmCost } {
  const n = (v: number | null | undefined) => (v === null || v === undefined ? undefined : Number(v));
  const usage: TokenUsage = {};
  const cost: LlmCost = {};
  const set = <T extends object>(target: T, key: keyof T, value: number | undefined) => {
    if (value !== undefined) (target as Record<keyof T, number>)[key] = value;
  };
  set(usage, 'inputTokens', n(row.input_tokens));
  set(usage, 'outputTokens', n(row.output_tokens));
  set(usage, 'totalTokens', n(row.total_tokens));
  set(usage, 'cacheReadInputTokens', n(row.cache_read_input_tokens));
  set(usage, 'cacheCreationInputTokens', n(row.cache_creation_input_tokens));
  set(cost, 'inputCost', n(row.input_cost));
  set(cost, 'outputCost', n(row.output_cost));
  set(cost, 'totalCost', n(row.total_cost));
  return { ...(Object.keys(usage).length > 0 ? { usage } : {}), ...(Object.keys(cost).length > 0 ? { cost } : {}) };
}

/** Key/value rows grouped by trace key. */
function byTrace(list: { trace_key: number; key: string; value: string }[]): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (const kv of list) {
    const key = Number(kv.trace_key);
    const map = out.get(key);
    if (map) map[kv.key] = kv.value;
    else out.set(key, { [kv.key]: kv.value });
  }
  return out;
}

function toTraceRecord(row: TraceRow, tags: Record<string, string>, metadata: Record<string, string>, assessments: AssessmentRecord[]): TraceRecord {
  const record: TraceRecord = {
    traceId: row.trace_id,
    experimentId: String(row.experiment_id),
    requestTimeMs: Number(row.request_time_ms),
    state: row.state as TraceState,
    tags,
    metadata,
    finalized: Number(row.finalized) === 1,
    spanCount: Number(row.span_count),
    assessments,
    ...rowTotals(row),
  };
  if (row.client_request_id !== null) record.clientRequestId = row.client_request_id;
  if (row.execution_duration_ms !== null) record.executionDurationMs = Number(row.execution_duration_ms);
  if (row.request_preview !== null) record.requestPreview = row.request_preview;
  if (row.response_preview !== null) record.responsePreview = row.response_preview;
  if (row.root_span_id !== null) record.rootSpanId = row.root_span_id;
  return record;
}

/**
 * Trace rows as records with their tags, metadata and assessments: three queries per page, never one
 * per trace.
 *
 * @example
 * const [record] = await hydrateTraces(db, await db.selectFrom('traces').selectAll().where('trace_id', '=', id).execute());
 */
export async function hydrateTraces(db: Kysely<Database>, rows: TraceRow[]): Promise<TraceRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.trace_id);
  const keys = rows.map((r) => Number(r.trace_key));
  const [tags, metadata, assessments] = await Promise.all([
    db.selectFrom('trace_tags').select(['trace_key', 'key', 'value']).where('trace_key', 'in', keys).orderBy('key').execute(),
    db.selectFrom('trace_metadata').select(['trace_key', 'key', 'value']).where('trace_key', 'in', keys).orderBy('key').execute(),
    db.selectFrom('assessments').selectAll().where('trace_id', 'in', ids).orderBy('create_time_ms').orderBy('assessment_id').execute(),
  ]);
  const assessmentsBy = new Map<string, AssessmentRecord[]>();
  for (const row of assessments) {
    const list = assessmentsBy.get(row.trace_id);
    if (list) list.push(toAssessmentRecord(row));
    else assessmentsBy.set(row.trace_id, [toAssessmentRecord(row)]);
  }
  const tagsBy = byTrace(tags);
  const metadataBy = byTrace(metadata);
  return rows.map((row) =>
    toTraceRecord(row, tagsBy.get(Number(row.trace_key)) ?? {}, metadataBy.get(Number(row.trace_key)) ?? {}, assessmentsBy.get(row.trace_id) ?? []),
  );
}
