import { describe, expect, it } from 'vitest';
import { evalRow, matchesScoreFilter, scorerNames, sortRows, viewRows, type EvalRow } from './eval-rows';
import { assessment, traceInfo } from './test-builders';

describe('evalRow', () => {
  it('reads inputs, outputs, expectations, scores with rationale, errors and the request id', () => {
    const row = evalRow(
      traceInfo(
        'tr-1',
        '{"question":"What is MLflow?"}',
        [
          assessment('expected_response', { expectation: { value: 'A platform' } }),
          assessment('facts', { expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '["a","b"]' } } }),
          assessment('correctness', { feedback: { value: 'yes' }, rationale: 'Matches the expected answer.' }),
          assessment('relevance', { feedback: { value: 0.5 }, source: { source_type: 'CODE', source_id: 'relevance_fn' } }),
          assessment('safety', { feedback: { error: { error_code: 'SCORER_ERROR', error_message: 'judge timed out', stack_trace: 'Traceback…' } } }),
        ],
        { response_preview: '{"answer":"An ML platform"}', tags: { 'mlflow.eval.requestId': 'req-1' } },
      ),
      'run-1',
    );
    expect(row).toMatchObject({
      traceId: 'tr-1',
      inputs: 'What is MLflow?',
      outputs: 'An ML platform',
      requestId: 'req-1',
      expectations: [
        { name: 'expected_response', value: 'A platform' },
        { name: 'facts', value: '["a","b"]' },
      ],
    });
    expect(row.scores.correctness).toEqual({ score: { kind: 'pass', text: 'yes' }, rationale: 'Matches the expected answer.', source: 'LLM_JUDGE · judge' });
    expect(row.scores.relevance).toEqual({ score: { kind: 'number', value: 0.5 }, source: 'CODE · relevance_fn' });
    expect(row.scores.safety).toMatchObject({ score: { kind: 'error', message: 'judge timed out' }, rationale: 'Traceback…' });
  });

  it("keeps the latest valid feedback of this run or of no run, never another run's", () => {
    const row = evalRow(
      traceInfo('tr-1', '{}', [
        assessment('correctness', { feedback: { value: 'no' }, valid: false }),
        assessment('correctness', { feedback: { value: 'yes' } }),
        assessment('relevance', { feedback: { value: 1 }, metadata: { 'mlflow.assessment.sourceRunId': 'run-1' } }),
        assessment('relevance', { feedback: { value: 0 }, metadata: { 'mlflow.assessment.sourceRunId': 'run-2' } }),
      ]),
      'run-1',
    );
    expect(row.scores.correctness?.score).toEqual({ kind: 'pass', text: 'yes' });
    expect(row.scores.relevance?.score).toEqual({ kind: 'number', value: 1 });
  });
});

const row = (id: string, scores: Record<string, EvalRow['scores'][string]['score']>): EvalRow => ({
  traceId: id,
  requestTimeMs: 0,
  state: 'OK',
  request: '',
  response: '',
  inputs: '',
  outputs: '',
  expectations: [],
  scores: Object.fromEntries(Object.entries(scores).map(([k, score]) => [k, { score }])),
});

describe('filtering and sorting rows', () => {
  const rows = [
    row('a', { correctness: { kind: 'pass', text: 'yes' }, relevance: { kind: 'number', value: 0.2 } }),
    row('b', { correctness: { kind: 'fail', text: 'no' }, relevance: { kind: 'number', value: 0.9 } }),
    row('c', { correctness: { kind: 'error', message: 'x' } }),
    row('d', { relevance: { kind: 'number', value: 0.5 } }),
  ];
  it('lists scorers by name', () => {
    expect(scorerNames(rows)).toEqual(['correctness', 'relevance']);
  });
  it('filters by pass, fail, error and missing', () => {
    const ids = (value: 'pass' | 'fail' | 'error' | 'missing') =>
      rows.filter((r) => matchesScoreFilter(r, { scorer: 'correctness', value })).map((r) => r.traceId);
    expect([ids('pass'), ids('fail'), ids('error'), ids('missing')]).toEqual([['a'], ['b'], ['c'], ['d']]);
  });
  it('sorts by a scorer either way, rows without a comparable verdict last', () => {
    expect(sortRows(rows, { scorer: 'relevance', descending: false }).map((r) => r.traceId)).toEqual(['a', 'd', 'b', 'c']);
    expect(sortRows(rows, { scorer: 'relevance', descending: true }).map((r) => r.traceId)).toEqual(['b', 'd', 'a', 'c']);
    expect(sortRows(rows, { scorer: 'correctness', descending: false }).map((r) => r.traceId)).toEqual(['b', 'a', 'c', 'd']);
  });
  it('filters then sorts, and returns the rows as they are without either', () => {
    expect(viewRows(rows, undefined, undefined)).toBe(rows);
    expect(viewRows(rows, { scorer: 'correctness', value: 'fail' }, { scorer: 'relevance', descending: true }).map((r) => r.traceId)).toEqual(['b']);
  });
});
