/** Who or what produced an assessment (spec §5). */
export const ASSESSMENT_SOURCE_TYPES = ['SOURCE_TYPE_UNSPECIFIED', 'HUMAN', 'LLM_JUDGE', 'CODE'] as const;
/** One assessment source type. */
export type AssessmentSourceType = (typeof ASSESSMENT_SOURCE_TYPES)[number];

/** An error recorded instead of (or with) a feedback value. */
export interface AssessmentError {
  error_code?: string;
  error_message?: string;
  stack_trace?: string;
}

/**
 * An assessment as exchanged (spec §5): feedback or an expectation on a trace (or one of its spans),
 * timestamps as RFC 3339 strings, values as plain JSON.
 *
 * @example
 * const a: Assessment = { assessment_id: 'a-…', assessment_name: 'helpful', trace_id: 'tr-…',
 *   source: { source_type: 'HUMAN', source_id: 'alice' }, create_time: '2025-06-15T14:07:41.282Z',
 *   last_update_time: '2025-06-15T14:07:41.282Z', feedback: { value: true }, valid: true };
 */
export interface Assessment {
  assessment_id: string;
  assessment_name: string;
  trace_id: string;
  span_id?: string;
  source: { source_type: AssessmentSourceType; source_id: string };
  create_time: string;
  last_update_time: string;
  feedback?: { value?: unknown; error?: AssessmentError };
  expectation?: { value?: unknown; serialized_value?: { serialization_format: string; value: string } };
  rationale?: string;
  metadata?: Record<string, string>;
  overrides?: string;
  valid: boolean;
}
