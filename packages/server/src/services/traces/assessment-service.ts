import { ApiError, type Assessment, type RequestOf } from '@loupe/protocol';
import type { AssessmentRequests as R } from '@loupe/protocol';
import type { AssessmentPatch, AssessmentRecord, AssessmentStore } from '../../store/assessment-store.js';
import type { Clock, IdGenerator } from '../clock.js';
import { validateLength } from '../validation.js';
import { toAssessmentJson } from './assessment-json.js';

type Input = NonNullable<RequestOf<typeof R.CreateAssessment>['assessment']>;
type ErrorInput = NonNullable<Input['error']>;

const NAME_LENGTH = 250;
const METADATA_KEY_LENGTH = 250;
const METADATA_VALUE_LENGTH = 8000;
/** MLflow keeps stack traces short so trace infos stay small. */
const STACK_TRACE_LENGTH = 1000;
/** Metadata naming the run an assessment came from (filled into its `run_id`). */
const SOURCE_RUN_METADATA = 'mlflow.assessment.sourceRunId';
/** Update-mask paths UpdateAssessment accepts. */
const UPDATABLE = ['assessment_name', 'feedback', 'expectation', 'rationale', 'metadata', 'valid'] as const;

/** The value part of an assessment as stored: JSON text, serialization format, error. */
type ValueParts = Pick<AssessmentRecord, 'value' | 'serializationFormat' | 'error'>;

function errorJson(error: ErrorInput): string {
  const out: Record<string, string> = {};
  if (error.error_code !== undefined) out.error_code = error.error_code;
  if (error.error_message !== undefined) out.error_message = error.error_message;
  if (error.stack_trace !== undefined) out.stack_trace = error.stack_trace.slice(0, STACK_TRACE_LENGTH);
  return JSON.stringify(out);
}

function feedbackParts(feedback: NonNullable<Input['feedback']>, legacyError: ErrorInput | undefined): ValueParts {
  const error = feedback.error ?? legacyError;
  if (feedback.value === undefined && !error) throw ApiError.invalid("'assessment.feedback' needs a 'value' or an 'error'.");
  if (feedback.value === null && !error) throw ApiError.invalid("'assessment.feedback.value' may be null only when 'assessment.feedback.error' says why.");
  const parts: ValueParts = {};
  if (feedback.value !== undefined && feedback.value !== null) parts.value = JSON.stringify(feedback.value);
  if (error) parts.error = errorJson(error);
  return parts;
}

function expectationParts(expectation: NonNullable<Input['expectation']>): ValueParts {
  const hasValue = expectation.value !== undefined;
  const serialized = expectation.serialized_value;
  if (hasValue === (serialized !== undefined))
    throw ApiError.invalid("Exactly one of 'assessment.expectation.value' and 'assessment.expectation.serialized_value' must be set.");
  if (serialized) {
    if (serialized.value === undefined) throw ApiError.missing('assessment.expectation.serialized_value.value');
    return { value: serialized.value, serializationFormat: serialized.serialization_format ?? '' };
  }
  if (expectation.value === null) throw ApiError.invalid("'assessment.expectation.value' must not be null: send other values as 'serialized_value'.");
  return { value: JSON.stringify(expectation.value) };
}

function checkMetadata(metadata: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(metadata)) {
    if (key === '') throw ApiError.invalid("Invalid key '' in 'assessment.metadata': keys must not be empty.");
    validateLength('assessment.metadata key', key, METADATA_KEY_LENGTH);
    validateLength(`assessment.metadata['${key}']`, value, METADATA_VALUE_LENGTH);
  }
  return metadata;
}

function checkName(name: string | undefined): string {
  if (!name) throw ApiError.missing('assessment.assessment_name');
  validateLength('assessment.assessment_name', name, NAME_LENGTH);
  return name;
}

/**
 * Assessment use cases (spec §5): feedback and expectations on traces, overrides, update masks.
 *
 * @example
 * const { assessment } = await assessments.create({ trace_id, assessment: { assessment_name: 'helpful',
 *   source: { source_type: 'HUMAN', source_id: 'alice' }, feedback: { value: true } } });
 */
export class AssessmentService {
  constructor(
    private readonly store: AssessmentStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(req: RequestOf<typeof R.CreateAssessment>): Promise<{ assessment: Assessment }> {
    const traceId = req.trace_id || req.assessment?.trace_id;
    if (!traceId) throw ApiError.missing('trace_id');
    const a = req.assessment;
    if (!a) throw ApiError.missing('assessment');
    const name = checkName(a.assessment_name);
    let kind: AssessmentRecord['kind'];
    let parts: ValueParts;
    if (a.feedback !== undefined && a.expectation !== undefined)
      throw ApiError.invalid("Exactly one of 'assessment.feedback' and 'assessment.expectation' must be set, not both.");
    if (a.expectation !== undefined) {
      kind = 'expectation';
      parts = expectationParts(a.expectation);
    } else if (a.feedback !== undefined || a.error !== undefined) {
      // The deprecated top-level `error` alone is a feedback that failed.
      kind = 'feedback';
      parts = feedbackParts(a.feedback ?? {}, a.error);
    } else {
      throw ApiError.invalid("Exactly one of 'assessment.feedback' and 'assessment.expectation' must be set.");
    }
    const metadata = checkMetadata(a.metadata ?? {});
    const now = this.clock.now();
    const record: AssessmentRecord = {
      assessmentId: `a-${this.ids.hex32()}`,
      traceId,
      name,
      kind,
      ...parts,
      // MLflow's clients default an unnamed source to code with the id 'default'.
      sourceType: a.source?.source_type ?? (a.source ? 'SOURCE_TYPE_UNSPECIFIED' : 'CODE'),
      sourceId: a.source?.source_id || 'default',
      createTimeMs: now,
      lastUpdateTimeMs: now,
      metadata,
      valid: a.valid ?? true,
    };
    if (a.span_id) record.spanId = a.span_id;
    if (a.rationale !== undefined) record.rationale = a.rationale;
    if (a.overrides) record.overrides = a.overrides;
    const runId = metadata[SOURCE_RUN_METADATA];
    if (runId) record.runId = runId;
    const outcome = await this.store.createAssessment(record);
    if (!outcome.ok) {
      if (outcome.reason === 'trace-not-found') throw ApiError.notFound(`Trace with ID '${traceId}' not found.`);
      throw ApiError.notFound(`Assessment with ID '${a.overrides}' (named in 'assessment.overrides') not found for trace '${traceId}'.`);
    }
    return { assessment: toAssessmentJson(outcome.assessment) };
  }

  async get(req: RequestOf<typeof R.AssessmentRef>): Promise<{ assessment: Assessment }> {
    return { assessment: toAssessmentJson(await this.existing(req.trace_id, req.assessment_id)) };
  }

  /** Applies the fields named by `update_mask` (snake_case or protobuf-JSON's camelCase paths). */
  async update(req: RequestOf<typeof R.UpdateAssessment>): Promise<{ assessment: Assessment }> {
    const paths = req.update_mask ?? [];
    if (paths.length === 0) throw ApiError.missing('update_mask');
    const a = req.assessment;
    if (!a) throw ApiError.missing('assessment');
    for (const path of paths) {
      if (!(UPDATABLE as readonly string[]).includes(path))
        throw ApiError.invalid(`Invalid 'update_mask' path '${path}': updatable fields are ${UPDATABLE.join(', ')}.`);
    }
    const current = await this.existing(req.trace_id, req.assessment_id);
    const patch: AssessmentPatch = { lastUpdateTimeMs: this.clock.now() };
    if (paths.includes('assessment_name')) patch.name = checkName(a.assessment_name);
    if (paths.includes('feedback')) {
      if (current.kind !== 'feedback')
        throw ApiError.invalid(`Assessment '${current.assessmentId}' is an expectation: 'update_mask' path 'feedback' cannot change it.`);
      if (!a.feedback) throw ApiError.missing('assessment.feedback');
      const parts = feedbackParts(a.feedback, a.error);
      patch.value = parts.value;
      patch.error = parts.error;
    }
    if (paths.includes('expectation')) {
      if (current.kind !== 'expectation')
        throw ApiError.invalid(`Assessment '${current.assessmentId}' is feedback: 'update_mask' path 'expectation' cannot change it.`);
      if (!a.expectation) throw ApiError.missing('assessment.expectation');
      const parts = expectationParts(a.expectation);
      patch.value = parts.value;
      patch.serializationFormat = parts.serializationFormat;
    }
    if (paths.includes('rationale')) patch.rationale = a.rationale ?? '';
    if (paths.includes('metadata')) {
      // Merged into what is there, as MLflow does.
      patch.metadata = { ...current.metadata, ...checkMetadata(a.metadata ?? {}) };
      const runId = patch.metadata[SOURCE_RUN_METADATA];
      if (runId) patch.runId = runId;
    }
    if (paths.includes('valid')) patch.valid = a.valid ?? true;
    const updated = await this.store.updateAssessment(current.traceId, current.assessmentId, patch);
    if (!updated) throw this.notFound(current.traceId, current.assessmentId);
    return { assessment: toAssessmentJson(updated) };
  }

  /** Deletes an assessment; deleting one that is already gone succeeds, as in MLflow. */
  async delete(req: RequestOf<typeof R.AssessmentRef>): Promise<void> {
    if (!req.trace_id) throw ApiError.missing('trace_id');
    if (!req.assessment_id) throw ApiError.missing('assessment_id');
    await this.store.deleteAssessment(req.trace_id, req.assessment_id);
  }

  private async existing(traceId: string | undefined, assessmentId: string | undefined): Promise<AssessmentRecord> {
    if (!traceId) throw ApiError.missing('trace_id');
    if (!assessmentId) throw ApiError.missing('assessment_id');
    const record = await this.store.getAssessment(traceId, assessmentId);
    if (!record) throw this.notFound(traceId, assessmentId);
    return record;
  }

  private notFound(traceId: string, assessmentId: string): ApiError {
    return ApiError.notFound(`Assessment with ID '${assessmentId}' not found for trace '${traceId}'.`);
  }
}
