import { ApiError, ASSESSMENT_SOURCE_RUN_METADATA, TRACE_LIMITS, type AssessmentError, type AssessmentSourceType } from '@loupe/protocol';
import type { AssessmentPatch, AssessmentRecord, AssessmentStore } from '../../store/assessment-store.js';
import type { Clock, IdGenerator } from '../../clock.js';

/** What a feedback says: a value, an error saying why there is none, or both. */
export interface FeedbackValue {
  kind: 'feedback';
  value?: unknown;
  error?: AssessmentError;
}

/** What an expectation says: a JSON value, or a value serialized in a named format. */
export type ExpectationValue = { kind: 'expectation'; value: unknown } | { kind: 'expectation'; serialized: { format: string; value: string } };

/** The value part of an assessment. */
export type AssessmentValue = FeedbackValue | ExpectationValue;

/** A new assessment (CreateAssessment), checked at the edge. */
export interface NewAssessment {
  traceId: string;
  name: string;
  value: AssessmentValue;
  /** Who or what produced it; an absent source is code with the id `default`, as MLflow's clients write it. */
  source?: { type?: AssessmentSourceType; id?: string };
  spanId?: string;
  rationale?: string;
  metadata: Record<string, string>;
  /** The assessment this one overrides (which becomes invalid). */
  overrides?: string;
  valid?: boolean;
}

/** The fields an UpdateAssessment mask names, each set to its new value. */
export interface AssessmentChanges {
  name?: string;
  feedback?: FeedbackValue;
  expectation?: ExpectationValue;
  rationale?: string;
  /** Merged into the metadata there is, as MLflow does. */
  metadata?: Record<string, string>;
  valid?: boolean;
}

/** The value part of an assessment as stored: JSON text, serialization format, error. */
type ValueParts = Pick<AssessmentRecord, 'value' | 'serializationFormat' | 'error'>;

function errorJson(error: AssessmentError): string {
  const out: Record<string, string> = {};
  if (error.error_code !== undefined) out.error_code = error.error_code;
  if (error.error_message !== undefined) out.error_message = error.error_message;
  // MLflow keeps stack traces short so trace infos stay small.
  if (error.stack_trace !== undefined) out.stack_trace = error.stack_trace.slice(0, TRACE_LIMITS.stackTraceLength);
  return JSON.stringify(out);
}

function valueParts(v: AssessmentValue): ValueParts {
  if (v.kind === 'expectation')
    return 'serialized' in v ? { value: v.serialized.value, serializationFormat: v.serialized.format } : { value: JSON.stringify(v.value) };
  const parts: ValueParts = {};
  if (v.value !== undefined) parts.value = JSON.stringify(v.value);
  if (v.error) parts.error = errorJson(v.error);
  return parts;
}

/**
 * Assessment use cases (spec §5): feedback and expectations on traces, overrides, updates of named
 * fields. Requests arrive checked (protocol schemas); answers are assessment records.
 *
 * @example
 * const record = await assessments.create({ traceId: 'tr-…', name: 'helpful', value: { kind: 'feedback', value: true },
 *   source: { type: 'HUMAN', id: 'alice' }, metadata: {} });
 */
export class AssessmentService {
  constructor(
    private readonly store: AssessmentStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(input: NewAssessment): Promise<AssessmentRecord> {
    const now = this.clock.now();
    const record: AssessmentRecord = {
      assessmentId: `a-${this.ids.hex32()}`,
      traceId: input.traceId,
      name: input.name,
      kind: input.value.kind,
      ...valueParts(input.value),
      // MLflow's clients default an unnamed source to code with the id 'default'.
      sourceType: input.source?.type ?? (input.source ? 'SOURCE_TYPE_UNSPECIFIED' : 'CODE'),
      sourceId: input.source?.id || 'default',
      createTimeMs: now,
      lastUpdateTimeMs: now,
      metadata: input.metadata,
      valid: input.valid ?? true,
    };
    if (input.spanId) record.spanId = input.spanId;
    if (input.rationale !== undefined) record.rationale = input.rationale;
    if (input.overrides) record.overrides = input.overrides;
    const runId = input.metadata[ASSESSMENT_SOURCE_RUN_METADATA];
    if (runId) record.runId = runId;
    const outcome = await this.store.createAssessment(record);
    if (!outcome.ok) {
      if (outcome.reason === 'trace-not-found') throw ApiError.notFound(`Trace with ID '${input.traceId}' not found.`);
      throw ApiError.notFound(`Assessment with ID '${input.overrides}' (named in 'assessment.overrides') not found for trace '${input.traceId}'.`);
    }
    return outcome.assessment;
  }

  async get(traceId: string, assessmentId: string): Promise<AssessmentRecord> {
    const record = await this.store.getAssessment(traceId, assessmentId);
    if (!record) throw this.notFound(traceId, assessmentId);
    return record;
  }

  /** Applies the changes; a feedback's value cannot become an expectation's, nor the reverse. */
  async update(traceId: string, assessmentId: string, changes: AssessmentChanges): Promise<AssessmentRecord> {
    const current = await this.get(traceId, assessmentId);
    const patch: AssessmentPatch = { lastUpdateTimeMs: this.clock.now() };
    if (changes.name !== undefined) patch.name = changes.name;
    if (changes.feedback) {
      if (current.kind !== 'feedback')
        throw ApiError.invalid(`Assessment '${current.assessmentId}' is an expectation: 'update_mask' path 'feedback' cannot change it.`);
      const parts = valueParts(changes.feedback);
      patch.value = parts.value;
      patch.error = parts.error;
    }
    if (changes.expectation) {
      if (current.kind !== 'expectation')
        throw ApiError.invalid(`Assessment '${current.assessmentId}' is feedback: 'update_mask' path 'expectation' cannot change it.`);
      const parts = valueParts(changes.expectation);
      patch.value = parts.value;
      patch.serializationFormat = parts.serializationFormat;
    }
    if (changes.rationale !== undefined) patch.rationale = changes.rationale;
    if (changes.metadata) {
      patch.metadata = { ...current.metadata, ...changes.metadata };
      const runId = patch.metadata[ASSESSMENT_SOURCE_RUN_METADATA];
      if (runId) patch.runId = runId;
    }
    if (changes.valid !== undefined) patch.valid = changes.valid;
    const updated = await this.store.updateAssessment(current.traceId, current.assessmentId, patch);
    if (!updated) throw this.notFound(current.traceId, current.assessmentId);
    return updated;
  }

  /** Deletes an assessment; deleting one that is already gone succeeds, as in MLflow. */
  async delete(traceId: string, assessmentId: string): Promise<void> {
    await this.store.deleteAssessment(traceId, assessmentId);
  }

  private notFound(traceId: string, assessmentId: string): ApiError {
    return ApiError.notFound(`Assessment with ID '${assessmentId}' not found for trace '${traceId}'.`);
  }
}
