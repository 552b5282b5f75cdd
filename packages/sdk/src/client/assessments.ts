import type { Assessment, AssessmentError, AssessmentSourceType } from '@loupe/protocol';
import type { RestClient } from './rest-client.js';

/** Who gave an assessment (default `{ sourceType: 'HUMAN', sourceId: 'default' }` for the SDK). */
export interface AssessmentSource {
  sourceType: Exclude<AssessmentSourceType, 'SOURCE_TYPE_UNSPECIFIED'>;
  sourceId: string;
}

/** What feedback and expectations share. */
interface AssessmentInput {
  traceId: string;
  /** The assessment's name, e.g. `correct`, `relevance` (no dots). */
  name: string;
  source?: AssessmentSource;
  /** Attach to one span instead of the whole trace. */
  spanId?: string;
  rationale?: string;
  metadata?: Record<string, string>;
}

/** Options of `logFeedback`: a judgement (any JSON value), or an error saying why there is none. */
export interface FeedbackInput extends AssessmentInput {
  value?: unknown;
  error?: AssessmentError;
  /** The id of an older assessment this one replaces (that one becomes invalid). */
  overrides?: string;
}

/** Options of `logExpectation`: the expected value (ground truth). */
export interface ExpectationInput extends AssessmentInput {
  value: unknown;
}

/** What `updateAssessment` may change; only the fields given change. */
export interface AssessmentUpdate {
  name?: string;
  /** A new feedback value (feedback) or expected value (expectation). */
  value?: unknown;
  rationale?: string;
  metadata?: Record<string, string>;
  valid?: boolean;
}

/** Assessment methods of {@link LoupeClient} (spec §5). */
export interface AssessmentMethods {
  logFeedback(input: FeedbackInput): Promise<Assessment>;
  logExpectation(input: ExpectationInput): Promise<Assessment>;
  getAssessment(traceId: string, assessmentId: string): Promise<Assessment>;
  updateAssessment(traceId: string, assessmentId: string, update: AssessmentUpdate): Promise<Assessment>;
  deleteAssessment(traceId: string, assessmentId: string): Promise<void>;
}

type Self = { rest: RestClient; getAssessment(traceId: string, assessmentId: string): Promise<Assessment> };
const path = (traceId: string, id?: string) => `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}/assessments${id ? `/${encodeURIComponent(id)}` : ''}`;

function common(input: AssessmentInput) {
  const source = input.source ?? { sourceType: 'HUMAN', sourceId: 'default' };
  return {
    assessment_name: input.name,
    trace_id: input.traceId,
    source: { source_type: source.sourceType, source_id: source.sourceId },
    ...(input.spanId ? { span_id: input.spanId } : {}),
    ...(input.rationale !== undefined ? { rationale: input.rationale } : {}),
    ...(input.metadata ? { metadata: input.metadata } : {}),
  };
}

async function create(rest: RestClient, traceId: string, assessment: object): Promise<Assessment> {
  return (await rest.post<{ assessment: Assessment }>(path(traceId), { assessment })).assessment;
}

/** Implementation of {@link AssessmentMethods}, mixed into {@link LoupeClient}. */
export const assessmentMethods: AssessmentMethods & ThisType<Self> = {
  logFeedback(input) {
    const feedback = { ...(input.value !== undefined ? { value: input.value } : {}), ...(input.error ? { error: input.error } : {}) };
    return create(this.rest, input.traceId, { ...common(input), feedback, ...(input.overrides ? { overrides: input.overrides } : {}) });
  },
  logExpectation(input) {
    return create(this.rest, input.traceId, { ...common(input), expectation: { value: input.value } });
  },
  async getAssessment(traceId, assessmentId) {
    return (await this.rest.get<{ assessment: Assessment }>(path(traceId, assessmentId))).assessment;
  },
  async updateAssessment(traceId, assessmentId, update) {
    const mask: string[] = [];
    const assessment: Record<string, unknown> = { assessment_id: assessmentId, trace_id: traceId };
    if (update.name !== undefined) {
      mask.push('assessment_name');
      assessment.assessment_name = update.name;
    }
    if (update.value !== undefined) {
      // Feedback stays feedback and an expectation stays an expectation: look at what it is.
      const current = await this.getAssessment(traceId, assessmentId);
      const kind = current.expectation ? 'expectation' : 'feedback';
      mask.push(kind);
      assessment[kind] = { value: update.value };
    }
    if (update.rationale !== undefined) {
      mask.push('rationale');
      assessment.rationale = update.rationale;
    }
    if (update.metadata !== undefined) {
      mask.push('metadata');
      assessment.metadata = update.metadata;
    }
    if (update.valid !== undefined) {
      mask.push('valid');
      assessment.valid = update.valid;
    }
    return (await this.rest.patch<{ assessment: Assessment }>(path(traceId, assessmentId), { assessment, update_mask: mask.join(',') })).assessment;
  },
  async deleteAssessment(traceId, assessmentId) {
    await this.rest.delete(path(traceId, assessmentId));
  },
};
