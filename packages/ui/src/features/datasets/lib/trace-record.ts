import type { Assessment } from '@loupe/protocol';
import type { RecordToUpsert } from './record-draft';

/**
 * Dataset records made from traces, as MLflow's `EvaluationDataset.merge_records()` makes them from
 * traces (or `search_traces()` rows): inputs are the root span's inputs (the trace's request),
 * outputs its outputs (the response), expectations the trace's valid expectation assessments by
 * name, and the source the trace (`{source_type: TRACE, source_data: {trace_id}}`).
 */

/** What one trace gives a record: its id, assessments and root span (absent when none arrived). */
export interface TraceRecordSource {
  traceId: string;
  assessments?: Assessment[];
  root?: { inputs: unknown; outputs: unknown };
}

/** A trace made into a record, or why it could not be. */
export type TraceRecord = { traceId: string; record: RecordToUpsert } | { traceId: string; skipped: string };

/**
 * An expectation's value: its `value`, or its `serialized_value` read back when that is JSON.
 *
 * @example
 * expectationValue({ ..., expectation: { value: 'Paris' } }); // 'Paris'
 */
export function expectationValue(a: Assessment): unknown {
  const e = a.expectation;
  if (!e) return undefined;
  if (e.value !== undefined) return e.value;
  if (e.serialized_value) {
    try {
      return JSON.parse(e.serialized_value.value) as unknown;
    } catch {
      return e.serialized_value.value;
    }
  }
  return undefined;
}

/**
 * The trace's current expectations by name: expectation assessments still valid (not overridden),
 * the last of a name winning, as `trace.search_assessments(type="expectation")` gives them.
 *
 * @example
 * traceExpectations(info.assessments); // { expected_answer: 'Paris' }
 */
export function traceExpectations(assessments: readonly Assessment[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of assessments ?? []) {
    if (!a.expectation || a.valid === false) continue;
    out[a.assessment_name] = expectationValue(a);
  }
  return out;
}

/**
 * One trace as a dataset record. A trace whose root span is missing, or whose root inputs are not a
 * non-empty JSON object, is skipped with the reason (a record's inputs must be one; MLflow's server
 * refuses the record too).
 *
 * @example
 * traceToRecord({ traceId: 'tr-1', root: { inputs: { q: 'Capital of France?' }, outputs: 'Paris' }, assessments });
 * // { traceId: 'tr-1', record: { inputs: { q: … }, outputs: 'Paris', expectations: {…}, source: { source_type: 'TRACE', source_data: { trace_id: 'tr-1' } } } }
 */
export function traceToRecord(source: TraceRecordSource): TraceRecord {
  const { traceId, root } = source;
  if (!root) return { traceId, skipped: 'its root span has not arrived' };
  const inputs = root.inputs;
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs) || Object.keys(inputs).length === 0) {
    return { traceId, skipped: "its root span's inputs are not a JSON object with at least one key" };
  }
  return {
    traceId,
    record: {
      inputs: inputs as Record<string, unknown>,
      ...(root.outputs !== undefined ? { outputs: root.outputs } : {}),
      expectations: traceExpectations(source.assessments),
      source: { source_type: 'TRACE', source_data: { trace_id: traceId } },
    },
  };
}

/**
 * An UpsertDatasetRecords answer in words (its counts are omitted on the wire when zero).
 *
 * @example
 * upsertSummary({ inserted_count: 3, updated_count: 1 }); // '3 added, 1 updated'
 * upsertSummary({}); // '0 added, 0 updated'
 */
export function upsertSummary(counts: { inserted_count?: number; updated_count?: number }): string {
  return `${counts.inserted_count ?? 0} added, ${counts.updated_count ?? 0} updated`;
}
