import { describe, expect, it } from 'vitest';
import { aggregateMetrics, feedbackScore } from './aggregate.js';
import { forEachBounded } from './bounded-pool.js';
import { scorer, toFeedbackList } from './code-scorer.js';
import { checkScorers, evalItems, rowsFromRecords } from './evaluation-data.js';
import { runScorer } from './row-runner.js';

describe('code scorers', () => {
  const input = { inputs: { q: 'hi' }, outputs: 'hello', expectations: {} };

  it('turn values, feedback and lists into feedback, as MLflow standardizes scorer results', async () => {
    expect(toFeedbackList(true)).toEqual([{ value: true }]);
    expect(toFeedbackList(0.5)).toEqual([{ value: 0.5 }]);
    expect(toFeedbackList('yes')).toEqual([{ value: 'yes' }]);
    expect(toFeedbackList(undefined)).toEqual([]);
    expect(toFeedbackList({ value: 1, rationale: 'r' })).toEqual([{ value: 1, rationale: 'r' }]);
    expect(
      toFeedbackList([
        { name: 'a', value: 1 },
        { name: 'b', error: { code: 'X', message: 'm' } },
      ]),
    ).toHaveLength(2);
    expect(() => toFeedbackList({ score: 1 })).toThrow('Unsupported scorer result {"score":1}');
    const s = scorer(async function polite({ outputs }) {
      return String(outputs).startsWith('hello');
    });
    expect(s).toMatchObject({ name: 'polite', sourceType: 'CODE', level: 'trace' });
    expect(await s.score(input)).toEqual([{ value: true }]);
    expect(scorer(() => 1, { name: 'turns', level: 'session' }).level).toBe('session');
  });

  it('runScorer names feedback after the scorer and turns throws and bad results into SCORER_ERROR feedback', async () => {
    const named = await runScorer(
      scorer(() => [{ name: 'a', value: 1 }, { value: 2 }], { name: 'multi' }),
      input,
    );
    expect(named.map((f) => [f.name, f.feedback.value])).toEqual([
      ['a', 1],
      ['multi', 2],
    ]);
    const bad = await runScorer(
      scorer(() => ({ nonsense: true }) as never, { name: 'bad' }),
      input,
    );
    expect(bad[0]!.feedback.error).toMatchObject({ code: 'SCORER_ERROR', message: expect.stringContaining('Unsupported scorer result') });
    const dotted = await runScorer(
      scorer(() => ({ name: 'x.y', value: 1 }), { name: 'dotted' }),
      input,
    );
    expect(dotted[0]).toMatchObject({ name: 'dotted', feedback: { error: { message: "Invalid scorer name 'x.y': assessment names cannot contain '.'" } } });
  });

  it('aggregates like MLflow: numbers, booleans and yes/no; other values and errors left out', () => {
    expect([1.5, true, false, 'YES', ' no ', 'maybe', null, ['a']].map((v) => feedbackScore(v))).toEqual([1.5, 1, 0, 1, 0, undefined, undefined, undefined]);
    expect(
      aggregateMetrics([
        { name: 'a', value: 'yes' },
        { name: 'a', value: 'no' },
        { name: 'a', error: { code: 'SCORER_ERROR' } },
        { name: 'b', value: 'free text' },
      ]),
    ).toEqual({ 'a/mean': 0.5 });
  });
});

describe('evaluation data', () => {
  it('takes traces and trace rows: inputs and outputs from the root span, expectations and session from the trace', () => {
    const trace = {
      info: { trace_id: 'tr-1', trace_metadata: { 'mlflow.trace.session': 's' }, assessments: [{ assessment_name: 'expected', expectation: { value: 'A' } }] },
      spans: [{ parentId: null, inputs: { q: 1 }, outputs: 'A' }],
    };
    const [fromTrace, withOverride] = evalItems([trace, { trace, expectations: { other: 1 }, tags: { t: 'v' } }]);
    expect(fromTrace).toMatchObject({ index: 0, inputs: { q: 1 }, outputs: 'A', expectations: { expected: 'A' }, sessionId: 's', tags: {} });
    expect(withOverride).toMatchObject({ index: 1, expectations: { other: 1 }, tags: { t: 'v' } });
  });

  it('takes dataset records as rows, with the session of the trace they came from', () => {
    const rows = rowsFromRecords([
      {
        dataset_record_id: 'dr-1',
        dataset_id: 'd-1',
        inputs: { q: 1 },
        outputs: 'x',
        expectations: { e: 1 },
        tags: {},
        source: { source_type: 'TRACE', source_data: { trace_id: 'tr-1', session_id: 's-1' } },
      },
      { dataset_record_id: 'dr-2', dataset_id: 'd-1', inputs: { q: 2 }, expectations: {}, tags: {} },
    ]);
    expect(rows).toEqual([
      { inputs: { q: 1 }, outputs: 'x', expectations: { e: 1 }, sessionId: 's-1' },
      { inputs: { q: 2 }, expectations: {} },
    ]);
  });

  it('refuses what is not a scorer', () => {
    expect(() => checkScorers([(() => 1) as never])).toThrow('scorers[0] is not a scorer: wrap functions with scorer(fn)');
    expect(() => checkScorers([{ name: 'a', level: 'row', score: () => [] } as never])).toThrow("level must be 'trace' or 'session'");
  });
});

describe('forEachBounded', () => {
  it('stops starting work after an abort and reports the first failure after the rest settle', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await forEachBounded(
      [0, 1, 2, 3],
      1,
      async (n) => {
        seen.push(n);
        if (n === 1) controller.abort();
      },
      controller.signal,
    );
    expect(seen).toEqual([0, 1]);
    await expect(
      forEachBounded([0, 1, 2], 2, async (n) => {
        if (n === 0) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
