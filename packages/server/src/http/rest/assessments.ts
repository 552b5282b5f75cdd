import { AssessmentRequests as R, AssessmentResponses as W } from '@loupe/protocol';
import type { z } from 'zod';
import type { AssessmentChanges, AssessmentValue, ExpectationValue, FeedbackValue } from '../../services/traces/assessment-service.js';
import { rpc } from '../rpc.js';
import { assessmentJson } from '../wire/assessment-json.js';
import { ref } from '../../auth/access.js';

type AssessmentInput = z.output<typeof R.AssessmentInput>;

/** What a checked assessment says: its expectation, else its feedback (the deprecated top-level `error` counts as the feedback's). */
function valueOf(a: AssessmentInput): AssessmentValue {
  if (a.expectation !== undefined) return expectationOf(a.expectation);
  return feedbackOf(a.feedback ?? {}, a.error);
}

function expectationOf(e: NonNullable<AssessmentInput['expectation']>): ExpectationValue {
  const serialized = e.serialized_value;
  if (serialized) return { kind: 'expectation', serialized: { format: serialized.serialization_format ?? '', value: serialized.value ?? '' } };
  return { kind: 'expectation', value: e.value };
}

function feedbackOf(f: NonNullable<AssessmentInput['feedback']>, legacyError: AssessmentInput['error']): FeedbackValue {
  const error = f.error ?? legacyError;
  // A null value travels only with an error saying why: nothing to store.
  return { kind: 'feedback', ...(f.value !== undefined && f.value !== null ? { value: f.value } : {}), ...(error ? { error } : {}) };
}

/** The changes an update mask names, with MLflow's defaults for a named field left out of the assessment. */
function changesOf(a: AssessmentInput, mask: readonly string[]): AssessmentChanges {
  const changes: AssessmentChanges = {};
  if (mask.includes('assessment_name')) changes.name = a.assessment_name ?? '';
  if (mask.includes('feedback') && a.feedback) changes.feedback = feedbackOf(a.feedback, a.error);
  if (mask.includes('expectation') && a.expectation) changes.expectation = expectationOf(a.expectation);
  if (mask.includes('rationale')) changes.rationale = a.rationale ?? '';
  if (mask.includes('metadata')) changes.metadata = a.metadata ?? {};
  if (mask.includes('valid')) changes.valid = a.valid ?? true;
  return changes;
}

/** Assessment RPCs (spec §5), all under `/api/3.0/mlflow/traces/{trace_id}/assessments`. */
export const assessmentRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/traces/:trace_id/assessments',
    versions: [3],
    request: R.CreateAssessment,
    response: W.CreateAssessment,
    access: { edit: (req) => ref.trace(req.trace_id) },
    handle: async (req, { services }) => {
      const a = req.assessment;
      const record = await services.assessments.create({
        traceId: req.trace_id,
        name: a.assessment_name,
        value: valueOf(a),
        source: a.source ? { type: a.source.source_type, id: a.source.source_id } : undefined,
        spanId: a.span_id,
        rationale: a.rationale,
        metadata: a.metadata,
        overrides: a.overrides,
        valid: a.valid,
      });
      return { assessment: assessmentJson(record) };
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces/:trace_id/assessments/:assessment_id',
    versions: [3],
    request: R.AssessmentRef,
    response: W.GetAssessment,
    access: { read: (req) => ref.trace(req.trace_id) },
    handle: async (req, { services }) => ({ assessment: assessmentJson(await services.assessments.get(req.trace_id, req.assessment_id)) }),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/traces/:trace_id/assessments/:assessment_id',
    versions: [3],
    request: R.UpdateAssessment,
    response: W.UpdateAssessment,
    access: { edit: (req) => ref.trace(req.trace_id) },
    handle: async (req, { services }) => {
      const record = await services.assessments.update(req.trace_id, req.assessment_id, changesOf(req.assessment, req.update_mask));
      return { assessment: assessmentJson(record) };
    },
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/traces/:trace_id/assessments/:assessment_id',
    versions: [3],
    request: R.AssessmentRef,
    response: W.Empty,
    access: { edit: (req) => ref.trace(req.trace_id) },
    handle: (req, { services }) => services.assessments.delete(req.trace_id, req.assessment_id),
  }),
];
