import type { Assessment, LabelSchema } from '@loupe/protocol';

/**
 * From a reviewer's answers to assessments: one question (label schema) answered on a trace is one
 * HUMAN assessment named after the schema, `feedback` for a FEEDBACK schema and `expectation` for an
 * EXPECTATION one (docs/api.md, "Human review"). Values: pass/fail a boolean (true = the positive
 * label), numeric a number, categorical the option (a list of options when multi-select), text a string.
 */

/** The input widget of a label schema. */
export type LabelKind = 'pass_fail' | 'categorical' | 'numeric' | 'text';

/** An answer as it is being edited: numbers stay as typed until they are logged. */
export type LabelDraft =
  | { kind: 'pass_fail'; value: boolean | null }
  | { kind: 'categorical'; value: string[] }
  | { kind: 'numeric'; value: string }
  | { kind: 'text'; value: string };

/** One question's answer and its comment (the assessment's rationale). */
export interface QuestionDraft {
  answer: LabelDraft;
  comment: string;
}

/** A logged label's value. */
export type LabelValue = boolean | number | string | string[];

/**
 * The widget a schema asks with (text when the input is empty, which the server never returns).
 *
 * @example
 * labelKind({ input: { numeric: { min_value: 1, max_value: 5 } } }); // 'numeric'
 */
export function labelKind(schema: Pick<LabelSchema, 'input'>): LabelKind {
  const { input } = schema;
  if (input.pass_fail) return 'pass_fail';
  if (input.categorical) return 'categorical';
  if (input.numeric) return 'numeric';
  return 'text';
}

/**
 * A question not answered yet.
 *
 * @example
 * emptyDraft(schema); // { answer: { kind: 'pass_fail', value: null }, comment: '' }
 */
export function emptyDraft(schema: Pick<LabelSchema, 'input'>): QuestionDraft {
  const kind = labelKind(schema);
  const answer: LabelDraft = kind === 'pass_fail' ? { kind, value: null } : kind === 'categorical' ? { kind, value: [] } : { kind, value: '' };
  return { answer, comment: '' };
}

/** The value an assessment holds (feedback or expectation). */
function assessmentValue(a: Assessment): unknown {
  if (a.feedback) return a.feedback.value;
  if (a.expectation?.serialized_value) {
    try {
      return JSON.parse(a.expectation.serialized_value.value) as unknown;
    } catch {
      return a.expectation.serialized_value.value;
    }
  }
  return a.expectation?.value;
}

/**
 * An answer read back from a logged label, as the form shows it; the empty answer when the value does
 * not fit the schema (a label logged by something else under the same name).
 *
 * @example
 * draftFromAssessment(passFailSchema, assessment); // { answer: { kind: 'pass_fail', value: true }, comment: 'cites the order' }
 */
export function draftFromAssessment(schema: LabelSchema, a: Assessment): QuestionDraft {
  const draft = emptyDraft(schema);
  const v = assessmentValue(a);
  const comment = a.rationale ?? '';
  const { input } = schema;
  if (input.pass_fail) {
    const pass =
      v === true || v === input.pass_fail.positive_label || (typeof v === 'string' && /^(yes|true|pass)$/i.test(v))
        ? true
        : v === false || v === input.pass_fail.negative_label || (typeof v === 'string' && /^(no|false|fail)$/i.test(v))
          ? false
          : null;
    return pass === null ? draft : { answer: { kind: 'pass_fail', value: pass }, comment };
  }
  if (input.categorical) {
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && input.categorical!.options.includes(x));
    return values.length ? { answer: { kind: 'categorical', value: input.categorical.multi_select ? values : values.slice(0, 1) }, comment } : draft;
  }
  if (input.numeric) return typeof v === 'number' ? { answer: { kind: 'numeric', value: String(v) }, comment } : draft;
  return typeof v === 'string' ? { answer: { kind: 'text', value: v }, comment } : draft;
}

/**
 * The HUMAN label a trace already has for a schema: the newest valid one by this reviewer, else the
 * newest valid one by anyone.
 *
 * @example
 * existingLabel(schema, info.assessments ?? [], 'alice')?.assessment_id;
 */
export function existingLabel(schema: Pick<LabelSchema, 'name'>, assessments: readonly Assessment[], reviewer: string): Assessment | undefined {
  const human = assessments.filter((a) => a.valid && a.source.source_type === 'HUMAN' && a.assessment_name === schema.name && !a.span_id);
  const newest = (list: Assessment[]) => list.reduce<Assessment | undefined>((best, a) => (!best || a.create_time >= best.create_time ? a : best), undefined);
  return newest(human.filter((a) => a.source.source_id === reviewer)) ?? newest(human);
}

/**
 * The form's starting answers for a trace: each question prefilled with its existing HUMAN label.
 *
 * @example
 * const drafts = prefillDrafts(schemas, info.assessments ?? [], 'alice');
 */
export function prefillDrafts(schemas: readonly LabelSchema[], assessments: readonly Assessment[], reviewer: string): Record<string, QuestionDraft> {
  return Object.fromEntries(
    schemas.map((s) => {
      const existing = existingLabel(s, assessments, reviewer);
      return [s.schema_id, existing ? draftFromAssessment(s, existing) : emptyDraft(s)];
    }),
  );
}

/** An answer checked against its schema: unanswered, a value to log, or why it cannot be logged. */
export type CheckedAnswer = { state: 'empty' } | { state: 'value'; value: LabelValue } | { state: 'invalid'; error: string };

/**
 * Checks an answer against its schema's bounds (numeric min/max, text max length).
 *
 * @example
 * checkAnswer({ input: { numeric: { min_value: 1, max_value: 5 } } }, { kind: 'numeric', value: '7' });
 * // { state: 'invalid', error: 'Must be at most 5.' }
 */
export function checkAnswer(schema: Pick<LabelSchema, 'input'>, answer: LabelDraft): CheckedAnswer {
  switch (answer.kind) {
    case 'pass_fail':
      return answer.value === null ? { state: 'empty' } : { state: 'value', value: answer.value };
    case 'categorical':
      if (answer.value.length === 0) return { state: 'empty' };
      return { state: 'value', value: schema.input.categorical?.multi_select ? answer.value : answer.value[0]! };
    case 'numeric': {
      const text = answer.value.trim();
      if (!text) return { state: 'empty' };
      const n = Number(text);
      if (!Number.isFinite(n)) return { state: 'invalid', error: 'Must be a number.' };
      const { min_value: min, max_value: max } = schema.input.numeric ?? {};
      if (min !== undefined && n < min) return { state: 'invalid', error: `Must be at least ${min}.` };
      if (max !== undefined && n > max) return { state: 'invalid', error: `Must be at most ${max}.` };
      return { state: 'value', value: n };
    }
    case 'text': {
      if (!answer.value.trim()) return { state: 'empty' };
      const max = schema.input.text?.max_length;
      if (max !== undefined && answer.value.length > max) return { state: 'invalid', error: `At most ${max} characters (${answer.value.length}).` };
      return { state: 'value', value: answer.value };
    }
  }
}

/** The body of CreateAssessment (`POST /api/3.0/mlflow/traces/{trace_id}/assessments`). */
export interface CreateAssessmentBody {
  assessment: {
    assessment_name: string;
    trace_id: string;
    source: { source_type: 'HUMAN'; source_id: string };
    feedback?: { value: LabelValue };
    expectation?: { value: LabelValue };
    rationale?: string;
    overrides?: string;
  };
}

/**
 * The CreateAssessment body of one label: source HUMAN, `source_id` the reviewer, the comment as the
 * rationale, `overrides` the reviewer's own earlier label it replaces.
 *
 * @example
 * labelAssessment({ name: 'correct', type: 'FEEDBACK' }, true, { traceId: 'tr-1', reviewer: 'alice', comment: '' });
 * // { assessment: { assessment_name: 'correct', trace_id: 'tr-1', source: { source_type: 'HUMAN', source_id: 'alice' }, feedback: { value: true } } }
 */
export function labelAssessment(
  schema: Pick<LabelSchema, 'name' | 'type'>,
  value: LabelValue,
  { traceId, reviewer, comment, overrides }: { traceId: string; reviewer: string; comment: string; overrides?: string | undefined },
): CreateAssessmentBody {
  const rationale = comment.trim();
  return {
    assessment: {
      assessment_name: schema.name,
      trace_id: traceId,
      source: { source_type: 'HUMAN', source_id: reviewer },
      ...(schema.type === 'EXPECTATION' ? { expectation: { value } } : { feedback: { value } }),
      ...(rationale ? { rationale } : {}),
      ...(overrides ? { overrides } : {}),
    },
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** What submitting a trace's form does: the labels to log, or the answers to fix first. */
export interface LabelPlan {
  requests: CreateAssessmentBody[];
  /** Answers that cannot be logged, by schema id. */
  errors: Record<string, string>;
  /** Questions answered (logged now or already logged unchanged). */
  answered: number;
}

/**
 * Plans the submission of one trace's form. An answer equal to the reviewer's own current label (value
 * and comment) is not logged again, so a retry after a failure in the middle logs only what is
 * missing; a changed answer overrides the reviewer's earlier label; unanswered questions log nothing.
 *
 * @example
 * const plan = planLabels(schemas, drafts, info.assessments ?? [], { traceId, reviewer: 'alice' });
 * if (Object.keys(plan.errors).length === 0) for (const body of plan.requests) await post(body);
 */
export function planLabels(
  schemas: readonly LabelSchema[],
  drafts: Readonly<Record<string, QuestionDraft>>,
  assessments: readonly Assessment[],
  { traceId, reviewer }: { traceId: string; reviewer: string },
): LabelPlan {
  const plan: LabelPlan = { requests: [], errors: {}, answered: 0 };
  for (const schema of schemas) {
    const draft = drafts[schema.schema_id] ?? emptyDraft(schema);
    const checked = checkAnswer(schema, draft.answer);
    if (checked.state === 'invalid') plan.errors[schema.schema_id] = checked.error;
    if (checked.state !== 'value') continue;
    plan.answered++;
    const comment = schema.enable_comment ? draft.comment : '';
    const own = existingLabel(schema, assessments, reviewer);
    const mine = own?.source.source_id === reviewer ? own : undefined;
    if (mine && sameValue(assessmentValue(mine), checked.value) && (mine.rationale ?? '') === comment.trim()) continue;
    plan.requests.push(labelAssessment(schema, checked.value, { traceId, reviewer, comment, overrides: mine?.assessment_id }));
  }
  return plan;
}

/**
 * A reviewer name as the server keeps user ids (`completed_by`, queue users): trimmed, lowercased, so
 * labels' `source_id`s match them.
 *
 * @example
 * normalizeReviewer('  Alice '); // 'alice'
 */
export function normalizeReviewer(name: string): string {
  return name.trim().toLowerCase();
}
