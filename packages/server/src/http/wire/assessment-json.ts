import { msToTimestamp, type Assessment, type AssessmentError } from '@loupe/protocol';
import type { AssessmentRecord } from '../../store/assessment-store.js';

/**
 * A stored assessment as MLflow's protobuf-JSON Assessment (spec §5).
 *
 * @example
 * assessmentJson(record).feedback; // { value: 4 }
 */
export function assessmentJson(r: AssessmentRecord): Assessment {
  const out: Assessment = {
    assessment_id: r.assessmentId,
    assessment_name: r.name,
    trace_id: r.traceId,
    source: { source_type: r.sourceType, source_id: r.sourceId },
    create_time: msToTimestamp(r.createTimeMs),
    last_update_time: msToTimestamp(r.lastUpdateTimeMs),
    valid: r.valid,
  };
  if (r.spanId !== undefined) out.span_id = r.spanId;
  if (r.kind === 'feedback') {
    const feedback: NonNullable<Assessment['feedback']> = {};
    if (r.value !== undefined) feedback.value = JSON.parse(r.value) as unknown;
    if (r.error !== undefined) feedback.error = JSON.parse(r.error) as AssessmentError;
    out.feedback = feedback;
  } else if (r.serializationFormat !== undefined) {
    out.expectation = { serialized_value: { serialization_format: r.serializationFormat, value: r.value ?? '' } };
  } else {
    out.expectation = r.value !== undefined ? { value: JSON.parse(r.value) as unknown } : {};
  }
  if (r.rationale !== undefined) out.rationale = r.rationale;
  if (Object.keys(r.metadata).length > 0) out.metadata = r.metadata;
  if (r.overrides !== undefined) out.overrides = r.overrides;
  return out;
}
