import { z } from 'zod';
import { ASSESSMENT_SOURCE_TYPES } from '../entities/assessments.js';
import { bool, protoEnum, str } from './fields.js';

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

/**
 * A protobuf FieldMask: protobuf-JSON writes it as one comma-separated string of lowerCamelCase paths
 * (`"assessmentName,rationale"`); some clients send `{paths: [...]}` or snake_case. Decoded to snake_case paths.
 */
const fieldMask = z.union([z.string(), z.object({ paths: z.array(z.string()) }), z.array(z.string())]).transform((m) => {
  const paths = typeof m === 'string' ? m.split(',') : Array.isArray(m) ? m : m.paths;
  return paths.map((p) => p.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).filter((p) => p !== '');
});

/** CreateAssessment: `POST /api/3.0/mlflow/traces/{trace_id}/assessments`. */
export const CreateAssessment = z.object({ trace_id: str().optional(), assessment: AssessmentInput.optional() });
/** GetAssessment / DeleteAssessment: `GET|DELETE /api/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}`. */
export const AssessmentRef = z.object({ trace_id: str().optional(), assessment_id: str().optional() });
/** UpdateAssessment: `PATCH /api/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}`. */
export const UpdateAssessment = z.object({
  trace_id: str().optional(),
  assessment_id: str().optional(),
  assessment: AssessmentInput.optional(),
  update_mask: fieldMask.optional(),
});
