import type { AssessmentSourceType } from '@loupe/protocol';
import type { AssessmentRecord } from '../assessment-store.js';
import type { AssessmentsTable } from './schema.js';

/**
 * The text `feedback.<name>` / `expectation.<name>` filters compare: a string value itself (so
 * `feedback.tone = 'polite'` matches `"polite"`), anything else its JSON text (`'5'`, `'true'`).
 *
 * @example
 * searchableValue('"polite"'); // 'polite'
 * searchableValue('5'); // '5'
 */
export function searchableValue(valueJson: string | undefined, serialized: boolean): string | null {
  if (valueJson === undefined) return null;
  if (serialized) return valueJson;
  const value = JSON.parse(valueJson) as unknown;
  if (value === null) return null;
  return typeof value === 'string' ? value : valueJson;
}

/**
 * The number an assessment value stands for in QueryTraceMetrics' `assessment_value` (as MLflow reads
 * it): a number itself, true / "yes" 1, false / "no" 0; anything else none.
 *
 * @example
 * numericValue('true'); // 1
 * numericValue('"no"'); // 0
 */
export function numericValue(valueJson: string | undefined, serialized: boolean): number | null {
  if (valueJson === undefined || serialized) return null;
  const value = JSON.parse(valueJson) as unknown;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'yes' || text === 'true') return 1;
    if (text === 'no' || text === 'false') return 0;
    const n = text === '' ? NaN : Number(text);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * An assessment record as a row.
 *
 * @example
 * await db.insertInto('assessments').values(assessmentRow(record)).execute();
 */
export function assessmentRow(r: AssessmentRecord): AssessmentsTable {
  return {
    assessment_id: r.assessmentId,
    trace_id: r.traceId,
    name: r.name,
    assessment_type: r.kind,
    value: r.value ?? null,
    value_text: searchableValue(r.value, r.serializationFormat !== undefined),
    value_number: numericValue(r.value, r.serializationFormat !== undefined),
    serialization_format: r.serializationFormat ?? null,
    error: r.error ?? null,
    span_id: r.spanId ?? null,
    source_type: r.sourceType,
    source_id: r.sourceId,
    create_time_ms: r.createTimeMs,
    last_update_time_ms: r.lastUpdateTimeMs,
    rationale: r.rationale ?? null,
    metadata: Object.keys(r.metadata).length > 0 ? JSON.stringify(r.metadata) : null,
    overrides: r.overrides ?? null,
    valid: r.valid ? 1 : 0,
    run_id: r.runId ?? null,
  };
}

/**
 * A row as an assessment record.
 *
 * @example
 * const record = toAssessmentRecord(row);
 */
export function toAssessmentRecord(row: AssessmentsTable): AssessmentRecord {
  const record: AssessmentRecord = {
    assessmentId: row.assessment_id,
    traceId: row.trace_id,
    name: row.name,
    kind: row.assessment_type === 'expectation' ? 'expectation' : 'feedback',
    sourceType: row.source_type as AssessmentSourceType,
    sourceId: row.source_id,
    createTimeMs: Number(row.create_time_ms),
    lastUpdateTimeMs: Number(row.last_update_time_ms),
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : {},
    valid: Number(row.valid) === 1,
  };
  if (row.value !== null) record.value = row.value;
  if (row.serialization_format !== null) record.serializationFormat = row.serialization_format;
  if (row.error !== null) record.error = row.error;
  if (row.span_id !== null) record.spanId = row.span_id;
  if (row.rationale !== null) record.rationale = row.rationale;
  if (row.overrides !== null) record.overrides = row.overrides;
  if (row.run_id !== null) record.runId = row.run_id;
  return record;
}
