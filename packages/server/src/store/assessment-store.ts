import type { AssessmentSourceType } from '@loupe/protocol';

/** An assessment as stored (times in epoch milliseconds, values as JSON text). */
export interface AssessmentRecord {
  assessmentId: string;
  traceId: string;
  name: string;
  kind: 'feedback' | 'expectation';
  /** JSON text of the value; absent for a feedback that only carries an error. */
  value?: string;
  /** Set for an expectation sent as `serialized_value`: `value` is then the serialized text itself. */
  serializationFormat?: string;
  /** JSON text of `{error_code, error_message, stack_trace}`. */
  error?: string;
  spanId?: string;
  sourceType: AssessmentSourceType;
  sourceId: string;
  createTimeMs: number;
  lastUpdateTimeMs: number;
  rationale?: string;
  metadata: Record<string, string>;
  overrides?: string;
  valid: boolean;
  /** The run that produced it (metadata `mlflow.assessment.sourceRunId`). */
  runId?: string;
}

/** What an update may change (the paths of an update mask). */
export type AssessmentPatch = Partial<
  Pick<AssessmentRecord, 'name' | 'value' | 'serializationFormat' | 'error' | 'rationale' | 'metadata' | 'valid' | 'runId'>
> & {
  lastUpdateTimeMs: number;
};

/** Why a create could not happen. */
export type CreateAssessmentOutcome = { ok: true; assessment: AssessmentRecord } | { ok: false; reason: 'trace-not-found' | 'overridden-not-found' };

/**
 * Assessments of traces (spec §5). Overrides are kept consistent in one transaction: creating an
 * assessment that overrides another marks the other invalid; deleting it makes the other valid again.
 */
export interface AssessmentStore {
  createAssessment(record: AssessmentRecord): Promise<CreateAssessmentOutcome>;
  getAssessment(traceId: string, assessmentId: string): Promise<AssessmentRecord | undefined>;
  /** Applies the patch; undefined when the assessment does not exist. */
  updateAssessment(traceId: string, assessmentId: string, patch: AssessmentPatch): Promise<AssessmentRecord | undefined>;
  /** Deletes it (restoring the validity of what it overrode); false when it did not exist. */
  deleteAssessment(traceId: string, assessmentId: string): Promise<boolean>;
}
