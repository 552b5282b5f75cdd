import { describe, expect, it } from 'vitest';
import { judgeScoreSeries } from './judge-series';
import type { MetricDataPoint } from './metric-series';

const H0 = Date.UTC(2025, 0, 1, 0);
const H1 = Date.UTC(2025, 0, 1, 1);
const H2 = Date.UTC(2025, 0, 1, 2);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
const point = (bucket: number, name: string, value: string | undefined, count: number): MetricDataPoint => ({
  metric_name: 'assessment_count',
  dimensions: { time_bucket: iso(bucket), assessment_name: name, ...(value === undefined ? {} : { assessment_value: value }) },
  values: { COUNT: count },
});

describe('judge series', () => {
  it('gives pass/fail judges a pass rate per bucket, with gaps where they gave no verdict', () => {
    const points = [point(H0, 'polite', 'yes', 3), point(H0, 'polite', 'no', 1), point(H2, 'polite', 'no', 2), point(H2, 'polite', undefined, 5)];
    expect(judgeScoreSeries(points, [H0, H1, H2])).toEqual([{ name: 'polite', kind: 'pass_rate', values: [75, null, 0], overall: 50, count: 6 }]);
  });

  it('averages numeric judges, counts 1 and 0 as pass and fail beside pass/fail verdicts, and leaves option judges out', () => {
    const points = [
      point(H0, 'stars', '5', 1),
      point(H0, 'stars', '2', 1),
      point(H1, 'stars', '4', 2),
      point(H0, 'ok', 'true', 1),
      point(H0, 'ok', '0', 1),
      point(H1, 'tone', 'warm', 4),
    ];
    expect(judgeScoreSeries(points, [H0, H1])).toEqual([
      { name: 'ok', kind: 'pass_rate', values: [50, null], overall: 50, count: 2 },
      { name: 'stars', kind: 'average', values: [3.5, 4], overall: 3.75, count: 4 },
    ]);
  });

  it('ignores points outside the buckets for the series but counts them in the total', () => {
    const points = [point(H0, 'polite', 'yes', 1), point(H0 - 3_600_000, 'polite', 'no', 1)];
    expect(judgeScoreSeries(points, [H0])).toEqual([{ name: 'polite', kind: 'pass_rate', values: [100], overall: 50, count: 2 }]);
  });
});
