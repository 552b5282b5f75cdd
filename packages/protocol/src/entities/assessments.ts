import { z } from 'zod';

/** Who or what produced an assessment (spec §5). */
export const ASSESSMENT_SOURCE_TYPES = ['SOURCE_TYPE_UNSPECIFIED', 'HUMAN', 'LLM_JUDGE', 'CODE'] as const;
/** One assessment source type. */
export type AssessmentSourceType = (typeof ASSESSMENT_SOURCE_TYPES)[number];

/** An error recorded instead of (or with) a feedback value. */
export const AssessmentErrorJson = z.strictObject({
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  stack_trace: z.string().optional(),
});
/** An error recorded instead of (or with) a feedback value. */
export type AssessmentError = z.infer<typeof AssessmentErrorJson>;

/**
 * An assessment as exchanged (spec §5): feedback or an expectation on a trace (or one of its spans),
 * timestamps as RFC 3339 strings, values as plain JSON.
 */
export const AssessmentJson = z.strictObject({
  assessment_id: z.string(),
  assessment_name: z.string(),
  trace_id: z.string(),
  span_id: z.string().optional(),
  source: z.strictObject({ source_type: z.enum(ASSESSMENT_SOURCE_TYPES), source_id: z.string() }),
  create_time: z.string(),
  last_update_time: z.string(),
  feedback: z.strictObject({ value: z.unknown().optional(), error: AssessmentErrorJson.optional() }).optional(),
  expectation: z
    .strictObject({
      value: z.unknown().optional(),
      serialized_value: z.strictObject({ serialization_format: z.string(), value: z.string() }).optional(),
    })
    .optional(),
  rationale: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  overrides: z.string().optional(),
  valid: z.boolean(),
});
/**
 * An assessment as exchanged (spec §5): feedback or an expectation on a trace (or one of its spans),
 * timestamps as RFC 3339 strings, values as plain JSON.
 *
 * @example
 * const a: Assessment = { assessment_id: 'a-…', assessment_name: 'helpful', trace_id: 'tr-…',
 *   source: { source_type: 'HUMAN', source_id: 'alice' }, create_time: '2025-06-15T14:07:41.282Z',
 *   last_update_time: '2025-06-15T14:07:41.282Z', feedback: { value: true }, valid: true };
 */
export type Assessment = z.infer<typeof AssessmentJson>;
