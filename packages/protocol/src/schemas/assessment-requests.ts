import { z } from 'zod';
import { ASSESSMENT_SOURCE_TYPES } from '../entities/assessments.js';
import { bool, protoEnum, requiredStr, str } from './fields.js';
import { invalidIssue, missingIssue, TRACE_LIMITS, traceMapProblem } from './trace-fields.js';

/**
 * Request schemas of the assessment RPCs (spec §5), checked with MLflow's wording: the name, exactly
 * one kind (feedback or expectation) with a value or an error, metadata within MLflow's limits, and
 * update masks naming updatable fields.
 */

/** A google.protobuf.Value: any JSON, present or not (`null` is a value, distinct from absent). */
const anyValue = z.unknown();

const AssessmentErrorInput = z.object({
  error_code: str().optional(),
  error_message: str().optional(),
  stack_trace: str().optional(),
});

/** An Assessment as clients send it (spec §5); output-only fields are accepted and ignored. */
export const AssessmentInput = z.object({
  assessment_id: str().optional(),
  assessment_name: str().optional(),
  trace_id: str().optional(),
  span_id: str().optional(),
  source: z
    .object({
      // MLflow's deprecated AI_JUDGE is the LLM_JUDGE of today.
      source_type: z.preprocess((v) => (v === 'AI_JUDGE' ? 'LLM_JUDGE' : v), protoEnum(ASSESSMENT_SOURCE_TYPES)).optional(),
      source_id: str().optional(),
    })
    .optional(),
  create_time: str().optional(),
  last_update_time: str().optional(),
  feedback: z.object({ value: anyValue.optional(), error: AssessmentErrorInput.optional() }).optional(),
  expectation: z
    .object({
      value: anyValue.optional(),
      serialized_value: z.object({ serialization_format: str().optional(), value: str().optional() }).optional(),
    })
    .optional(),
  rationale: str().optional(),
  error: AssessmentErrorInput.optional(),
  metadata: z.record(z.string(), str()).optional(),
  overrides: str().optional(),
  valid: bool().optional(),
});
type Input = z.output<typeof AssessmentInput>;

/** Update-mask paths UpdateAssessment accepts. */
export const UPDATABLE_ASSESSMENT_FIELDS = ['assessment_name', 'feedback', 'expectation', 'rationale', 'metadata', 'valid'] as const;
/** One path of an UpdateAssessment mask. */
export type UpdatableAssessmentField = (typeof UPDATABLE_ASSESSMENT_FIELDS)[number];

/**
 * A protobuf FieldMask: protobuf-JSON writes it as one comma-separated string of lowerCamelCase paths
 * (`"assessmentName,rationale"`); some clients send `{paths: [...]}` or snake_case. Decoded to snake_case paths.
 */
const fieldMask = z.union([z.string(), z.object({ paths: z.array(z.string()) }), z.array(z.string())]).transform((m) => {
  const paths = typeof m === 'string' ? m.split(',') : Array.isArray(m) ? m : m.paths;
  return paths.map((p) => p.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).filter((p) => p !== '');
});

function checkName(name: string | undefined, ctx: z.RefinementCtx): void {
  const field = 'assessment.assessment_name';
  if (!name) missingIssue(ctx, field);
  else if (name.length > TRACE_LIMITS.assessmentNameLength) {
    invalidIssue(ctx, `'${field}' exceeds the maximum length of ${TRACE_LIMITS.assessmentNameLength} characters (got ${name.length}).`);
  }
}

/** A feedback needs a value or an error (the deprecated top-level `error` counts); null only with an error. */
function checkFeedback(feedback: NonNullable<Input['feedback']>, legacyError: Input['error'], ctx: z.RefinementCtx): void {
  const error = feedback.error ?? legacyError;
  if (feedback.value === undefined && !error) invalidIssue(ctx, "'assessment.feedback' needs a 'value' or an 'error'.");
  else if (feedback.value === null && !error) invalidIssue(ctx, "'assessment.feedback.value' may be null only when 'assessment.feedback.error' says why.");
}

/** An expectation is a non-null JSON value or a serialized one, never both. */
function checkExpectation(expectation: NonNullable<Input['expectation']>, ctx: z.RefinementCtx): void {
  const serialized = expectation.serialized_value;
  if ((expectation.value !== undefined) === (serialized !== undefined)) {
    invalidIssue(ctx, "Exactly one of 'assessment.expectation.value' and 'assessment.expectation.serialized_value' must be set.");
  } else if (serialized && serialized.value === undefined) missingIssue(ctx, 'assessment.expectation.serialized_value.value');
  else if (expectation.value === null) invalidIssue(ctx, "'assessment.expectation.value' must not be null: send other values as 'serialized_value'.");
}

function checkMetadata(metadata: Record<string, string>, ctx: z.RefinementCtx): void {
  const problem = traceMapProblem('assessment.metadata', metadata);
  if (problem) invalidIssue(ctx, problem);
}

/** CreateAssessment: `POST /api/3.0/mlflow/traces/{trace_id}/assessments` (the trace may be named in the assessment instead). */
export const CreateAssessment = z.object({ trace_id: str().optional(), assessment: AssessmentInput }).transform((req, ctx) => {
  const traceId = req.trace_id || req.assessment.trace_id;
  if (!traceId) missingIssue(ctx, 'trace_id');
  const a = req.assessment;
  checkName(a.assessment_name, ctx);
  if (a.feedback !== undefined && a.expectation !== undefined) {
    invalidIssue(ctx, "Exactly one of 'assessment.feedback' and 'assessment.expectation' must be set, not both.");
  } else if (a.expectation !== undefined) checkExpectation(a.expectation, ctx);
  // The deprecated top-level `error` alone is a feedback that failed.
  else if (a.feedback !== undefined || a.error !== undefined) checkFeedback(a.feedback ?? {}, a.error, ctx);
  else invalidIssue(ctx, "Exactly one of 'assessment.feedback' and 'assessment.expectation' must be set.");
  checkMetadata(a.metadata ?? {}, ctx);
  return { trace_id: traceId ?? '', assessment: { ...a, assessment_name: a.assessment_name ?? '', metadata: a.metadata ?? {} } };
});
/** GetAssessment / DeleteAssessment: `GET|DELETE /api/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}`. */
export const AssessmentRef = z.object({ trace_id: requiredStr(), assessment_id: requiredStr() });
/**
 * UpdateAssessment: `PATCH /api/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}`. Only the
 * fields the mask names are checked (and later applied).
 */
export const UpdateAssessment = z
  .object({
    trace_id: requiredStr(),
    assessment_id: requiredStr(),
    assessment: AssessmentInput.optional(),
    update_mask: fieldMask.optional(),
  })
  .transform((req, ctx) => {
    const paths = req.update_mask ?? [];
    const a = req.assessment;
    if (paths.length === 0) missingIssue(ctx, 'update_mask');
    else if (!a) missingIssue(ctx, 'assessment');
    else {
      const unknown = paths.find((p) => !(UPDATABLE_ASSESSMENT_FIELDS as readonly string[]).includes(p));
      if (unknown !== undefined) invalidIssue(ctx, `Invalid 'update_mask' path '${unknown}': updatable fields are ${UPDATABLE_ASSESSMENT_FIELDS.join(', ')}.`);
      if (paths.includes('assessment_name')) checkName(a.assessment_name, ctx);
      if (paths.includes('feedback')) {
        if (a.feedback) checkFeedback(a.feedback, a.error, ctx);
        else missingIssue(ctx, 'assessment.feedback');
      }
      if (paths.includes('expectation')) {
        if (a.expectation) checkExpectation(a.expectation, ctx);
        else missingIssue(ctx, 'assessment.expectation');
      }
      if (paths.includes('metadata')) checkMetadata(a.metadata ?? {}, ctx);
    }
    return { trace_id: req.trace_id, assessment_id: req.assessment_id, assessment: a ?? {}, update_mask: paths as UpdatableAssessmentField[] };
  });
