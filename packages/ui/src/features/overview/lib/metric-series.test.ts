import { describe, expect, it } from 'vitest';
import { OVERVIEW_RANGES, bucketStarts, ratioSeries, seriesFor, sumSeries } from './metric-series';

describe('metric series', () => {
  const day = OVERVIEW_RANGES[0]!;
  it('lays buckets over the whole range, aligned to the interval', () => {
    const now = Date.UTC(2025, 0, 2, 0, 30);
    const buckets = bucketStarts(day, now);
    expect(buckets[0]).toBe(Date.UTC(2025, 0, 1, 0, 0));
    expect(buckets.at(-1)).toBe(Date.UTC(2025, 0, 2, 0, 0));
    expect(buckets).toHaveLength(25);
    expect(new Set(buckets.map((b, i) => (i ? b - buckets[i - 1]! : 3_600_000)))).toEqual(new Set([3_600_000]));
  });

  it('places server buckets by time and fills the gaps', () => {
    const buckets = [Date.UTC(2025, 0, 1, 0), Date.UTC(2025, 0, 1, 1), Date.UTC(2025, 0, 1, 2)];
    const points = [
      { metric_name: 'latency', dimensions: { time_bucket: '2025-01-01T02:00:00+00:00' }, values: { 'P50.0': 120, 'P95.0': 400 } },
      { metric_name: 'latency', dimensions: { time_bucket: '2025-01-01T00:00:00+00:00' }, values: { 'P50.0': 80, 'P95.0': 90 } },
    ];
    expect(seriesFor(points, buckets, 'P95.0', null)).toEqual([90, null, 400]);
    expect(seriesFor(points, buckets, 'P50.0', 0)).toEqual([80, 0, 120]);
    expect(seriesFor(points, buckets, 'COUNT', 0)).toEqual([0, 0, 0]);
  });

  it('computes rates and sums', () => {
    expect(ratioSeries([1, 0, 2], [4, 0, 2])).toEqual([25, null, 100]);
    expect(sumSeries([1, null, 2.5])).toBe(3.5);
  });
});
