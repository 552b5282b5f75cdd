import { describe, expect, it } from 'vitest';
import { canonicalJson, compareRuns, matchBy } from './eval-compare';
import { evalRow } from './eval-rows';
import { assessment, traceInfo } from './test-builders';

const judged = (id: string, request: string, verdicts: Record<string, unknown>, tags: Record<string, string> = {}, time = '2026-01-01T00:00:00.000Z') =>
  evalRow(
    traceInfo(
      id,
      request,
      Object.entries(verdicts).map(([name, value]) => assessment(name, { feedback: { value } })),
      { tags, request_time: time },
    ),
    'run',
  );

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson('{ "b": 1, "a": [2, {"d": 3, "c": 4}] }')).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });
  it('keeps text that is not JSON (a preview cut short) as it is, trimmed', () => {
    expect(canonicalJson(' {"question": "Wha')).toBe('{"question": "Wha');
  });
});

describe('compareRuns', () => {
  it('matches by inputs whatever their key order, and marks regressions and improvements per scorer', () => {
    const before = [
      judged('a1', '{"q":"one","lang":"en"}', { correctness: 'yes', relevance: 0.9 }),
      judged('a2', '{"q":"two"}', { correctness: 'no', relevance: 0.5 }),
      judged('a3', '{"q":"gone"}', { correctness: 'yes' }),
    ];
    const after = [
      judged('b2', '{"q": "two"}', { correctness: 'yes', relevance: 0.5 }),
      judged('b1', '{"lang":"en","q":"one"}', { correctness: 'no', relevance: 0.95 }),
      judged('b4', '{"q":"new"}', { correctness: 'yes' }),
    ];
    const { rows, by } = compareRuns(before, after, ['correctness', 'relevance']);
    expect(by).toBe('inputs');
    expect(rows.map((r) => [r.before?.traceId, r.after?.traceId, r.changes, r.regressions, r.improvements])).toEqual([
      ['a1', 'b1', { correctness: 'regression', relevance: 'improvement' }, 1, 1],
      ['a2', 'b2', { correctness: 'improvement', relevance: 'same' }, 0, 1],
      ['a3', undefined, { correctness: undefined, relevance: undefined }, 0, 0],
      [undefined, 'b4', { correctness: undefined, relevance: undefined }, 0, 0],
    ]);
  });

  it('matches by mlflow.eval.requestId when every row has one, and pairs repeated examples in time order', () => {
    const id = (v: string) => ({ 'mlflow.eval.requestId': v });
    const before = [
      judged('a1', '{"q":"x"}', { c: 'yes' }, id('r1'), '2026-01-01T00:00:01Z'),
      judged('a2', '{"q":"x (reworded)"}', { c: 'yes' }, id('r1'), '2026-01-01T00:00:02Z'),
    ];
    const after = [
      judged('b2', '{"q":"y"}', { c: 'no' }, id('r1'), '2026-01-01T00:00:09Z'),
      judged('b1', '{"q":"z"}', { c: 'yes' }, id('r1'), '2026-01-01T00:00:08Z'),
    ];
    expect(matchBy(before, after)).toBe('requestId');
    const { rows } = compareRuns(before, after, ['c']);
    expect(rows.map((r) => [r.key, r.before?.traceId, r.after?.traceId, r.changes.c])).toEqual([
      ['id:r1#0', 'a1', 'b1', 'same'],
      ['id:r1#1', 'a2', 'b2', 'regression'],
    ]);
  });

  it('falls back to inputs when one row lacks a request id', () => {
    expect(matchBy([judged('a', '{}', {}, { 'mlflow.eval.requestId': 'r' })], [judged('b', '{}', {})])).toBe('inputs');
  });
});
