import type { Run } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { formatMean, parseScorerMetric, runDataset, scorerMetricKeys, summarizeScorers } from './eval-aggregates';
import { evalRow } from './eval-rows';
import { assessment, traceInfo } from './test-builders';

const run = (metrics: Record<string, number>, datasets: { name: string; digest: string }[] = []): Run => ({
  info: {
    run_id: 'r',
    run_uuid: 'r',
    run_name: 'eval',
    experiment_id: '1',
    user_id: '',
    status: 'FINISHED',
    start_time: 0,
    artifact_uri: '',
    lifecycle_stage: 'active',
  },
  data: { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })) },
  inputs: { dataset_inputs: datasets.map((d) => ({ dataset: { ...d, source_type: 'code', source: '{}' } })) },
  outputs: {},
});

describe('scorer metrics', () => {
  it('reads <scorer>/<aggregation> keys, scorer names with slashes included, and nothing else', () => {
    expect(parseScorerMetric('retrieval/relevance/mean')).toEqual({ key: 'retrieval/relevance/mean', scorer: 'retrieval/relevance', aggregation: 'mean' });
    expect(parseScorerMetric('accuracy')).toBeUndefined();
    expect(parseScorerMetric('loss/train')).toBeUndefined();
  });
  it('lists the keys of all runs once, by scorer, mean first', () => {
    const keys = scorerMetricKeys([run({ 'safety/mean': 1, 'correctness/p90': 1, loss: 2 }), run({ 'correctness/mean': 0.5, 'safety/mean': 0 })]);
    expect(keys.map((k) => k.key)).toEqual(['correctness/mean', 'correctness/p90', 'safety/mean']);
  });
});

describe('summarizeScorers', () => {
  const rows = ['yes', 'no', 'yes', undefined].map((value, i) =>
    evalRow(
      traceInfo(`t${i}`, '{}', [
        assessment('correctness', value ? { feedback: { value } } : { feedback: { error: { error_message: 'timeout' } } }),
        assessment('relevance', { feedback: { value: i } }),
      ]),
      'r',
    ),
  );
  it('counts pass, fail and errors, with the logged mean when there is one', () => {
    const [c, r] = summarizeScorers(rows, ['correctness', 'relevance'], run({ 'correctness/mean': 0.6667 }));
    expect(c).toEqual({ scorer: 'correctness', mean: 0.6667, logged: true, pass: 2, fail: 1, errors: 1, scored: 4 });
    expect(r).toEqual({ scorer: 'relevance', mean: 1.5, logged: false, pass: 0, fail: 0, errors: 0, scored: 4 });
    expect(formatMean(c!)).toBe('66.7%');
    expect(formatMean(r!)).toBe('1.5');
  });
  it('computes the mean from the rows without a logged metric', () => {
    expect(summarizeScorers(rows, ['correctness'])[0]?.mean).toBeCloseTo(2 / 3);
  });
});

describe('runDataset', () => {
  it('names the datasets with a short digest', () => {
    expect(runDataset(run({}, [{ name: 'qa', digest: '3f2a91c0ffee' }]))).toBe('qa (3f2a91c0)');
    expect(runDataset(run({}))).toBeUndefined();
  });
});
