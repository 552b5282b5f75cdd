import type { Assessment, LabelSchema } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { checkAnswer, existingLabel, labelAssessment, labelKind, normalizeReviewer, planLabels, prefillDrafts, type QuestionDraft } from './label-values';

const schema = (name: string, input: LabelSchema['input'], extra: Partial<LabelSchema> = {}): LabelSchema => ({
  schema_id: `s-${name}`,
  experiment_id: '1',
  name,
  type: 'FEEDBACK',
  enable_comment: false,
  input,
  created_at: 0,
  last_updated_at: 0,
  ...extra,
});
const correct = schema('correct', { pass_fail: { positive_label: 'Pass', negative_label: 'Fail' } }, { enable_comment: true });
const score = schema('score', { numeric: { min_value: 1, max_value: 5 } });
const topic = schema('topic', { categorical: { options: ['billing', 'shipping', 'other'] } });
const tags = schema('tags', { categorical: { options: ['rude', 'slow', 'wrong'], multi_select: true } });
const answer = schema('answer', { text: { max_length: 10 } }, { type: 'EXPECTATION' });

let n = 0;
const label = (name: string, value: unknown, extra: Partial<Assessment> = {}): Assessment => ({
  assessment_id: `a-${++n}`,
  assessment_name: name,
  trace_id: 'tr-1',
  source: { source_type: 'HUMAN', source_id: 'alice' },
  create_time: `2026-01-01T00:00:0${n % 10}Z`,
  last_update_time: '2026-01-01T00:00:00Z',
  feedback: { value },
  valid: true,
  ...extra,
});

describe('labelKind and checkAnswer', () => {
  it('reads the widget and checks bounds', () => {
    expect([correct, score, topic, answer].map(labelKind)).toEqual(['pass_fail', 'numeric', 'categorical', 'text']);
    expect(checkAnswer(score, { kind: 'numeric', value: '' })).toEqual({ state: 'empty' });
    expect(checkAnswer(score, { kind: 'numeric', value: '4.5' })).toEqual({ state: 'value', value: 4.5 });
    expect(checkAnswer(score, { kind: 'numeric', value: '0' })).toEqual({ state: 'invalid', error: 'Must be at least 1.' });
    expect(checkAnswer(score, { kind: 'numeric', value: '6' })).toEqual({ state: 'invalid', error: 'Must be at most 5.' });
    expect(checkAnswer(score, { kind: 'numeric', value: 'x' })).toEqual({ state: 'invalid', error: 'Must be a number.' });
    expect(checkAnswer(topic, { kind: 'categorical', value: ['shipping'] })).toEqual({ state: 'value', value: 'shipping' });
    expect(checkAnswer(tags, { kind: 'categorical', value: ['rude', 'slow'] })).toEqual({ state: 'value', value: ['rude', 'slow'] });
    expect(checkAnswer(answer, { kind: 'text', value: 'far too long here' }).state).toBe('invalid');
    expect(checkAnswer(answer, { kind: 'text', value: '   ' })).toEqual({ state: 'empty' });
  });
});

describe('labelAssessment', () => {
  it('makes a HUMAN feedback or expectation with the comment as rationale', () => {
    expect(labelAssessment(correct, false, { traceId: 'tr-1', reviewer: 'alice', comment: ' wrong order ' })).toEqual({
      assessment: {
        assessment_name: 'correct',
        trace_id: 'tr-1',
        source: { source_type: 'HUMAN', source_id: 'alice' },
        feedback: { value: false },
        rationale: 'wrong order',
      },
    });
    expect(labelAssessment(answer, 'Shipped.', { traceId: 'tr-1', reviewer: 'bob', comment: '', overrides: 'a-9' }).assessment).toEqual({
      assessment_name: 'answer',
      trace_id: 'tr-1',
      source: { source_type: 'HUMAN', source_id: 'bob' },
      expectation: { value: 'Shipped.' },
      overrides: 'a-9',
    });
  });
});

describe('prefillDrafts and existingLabel', () => {
  it("prefills from the reviewer's own newest valid HUMAN label, else anyone's, ignoring judges and overridden ones", () => {
    const assessments = [
      label('correct', true, { source: { source_type: 'HUMAN', source_id: 'bob' } }),
      label('correct', 'Fail', { rationale: 'no' }),
      label('score', 3, { source: { source_type: 'LLM_JUDGE', source_id: 'gpt' } }),
      label('topic', 'shipping', { valid: false }),
      label('tags', ['slow', 'nope']),
      label('answer', undefined, { feedback: undefined, expectation: { value: 'Shipped.' } }),
    ];
    const drafts = prefillDrafts([correct, score, topic, tags, answer], assessments, 'alice');
    expect(drafts['s-correct']).toEqual({ answer: { kind: 'pass_fail', value: false }, comment: 'no' });
    expect(drafts['s-score']!.answer).toEqual({ kind: 'numeric', value: '' });
    expect(drafts['s-topic']!.answer).toEqual({ kind: 'categorical', value: [] });
    expect(drafts['s-tags']!.answer).toEqual({ kind: 'categorical', value: ['slow'] });
    expect(drafts['s-answer']!.answer).toEqual({ kind: 'text', value: 'Shipped.' });
    expect(existingLabel(correct, assessments, 'carol')?.source.source_id).toBe('alice');
  });
});

describe('planLabels', () => {
  const drafts = (values: Record<string, QuestionDraft['answer']>, comments: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(values).map(([id, answer]) => [id, { answer, comment: comments[id] ?? '' }]));

  it('logs answered questions only, keeps comments of schemas that take them, and reports invalid answers', () => {
    const plan = planLabels(
      [correct, score, topic, answer],
      drafts(
        { 's-correct': { kind: 'pass_fail', value: true }, 's-score': { kind: 'numeric', value: '9' }, 's-topic': { kind: 'categorical', value: [] } },
        {
          's-correct': 'good',
          's-score': 'ignored',
        },
      ),
      [],
      { traceId: 'tr-1', reviewer: 'alice' },
    );
    expect(plan.errors).toEqual({ 's-score': 'Must be at most 5.' });
    expect(plan.answered).toBe(1);
    expect(plan.requests.map((r) => [r.assessment.assessment_name, r.assessment.feedback?.value, r.assessment.rationale])).toEqual([['correct', true, 'good']]);
  });

  it("skips the reviewer's unchanged labels (a retry logs only what is missing) and overrides changed ones", () => {
    const mine = label('correct', true, { rationale: 'good' });
    const theirs = label('score', 4, { source: { source_type: 'HUMAN', source_id: 'bob' } });
    const d = drafts({ 's-correct': { kind: 'pass_fail', value: true }, 's-score': { kind: 'numeric', value: '4' } }, { 's-correct': 'good' });
    const unchanged = planLabels([correct, score], d, [mine, theirs], { traceId: 'tr-1', reviewer: 'alice' });
    expect(unchanged.answered).toBe(2);
    // Bob's score is Bob's: Alice agreeing logs her own.
    expect(unchanged.requests.map((r) => [r.assessment.assessment_name, r.assessment.overrides])).toEqual([['score', undefined]]);
    const changed = planLabels([correct], drafts({ 's-correct': { kind: 'pass_fail', value: false } }), [mine], { traceId: 'tr-1', reviewer: 'alice' });
    expect(changed.requests[0]!.assessment).toMatchObject({ feedback: { value: false }, overrides: mine.assessment_id });
  });

  it('normalizes reviewer names as the server keeps user ids', () => {
    expect(normalizeReviewer('  Alice ')).toBe('alice');
  });
});
