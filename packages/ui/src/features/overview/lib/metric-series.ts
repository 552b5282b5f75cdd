/**
 * QueryTraceMetrics answers as chart series: buckets laid out over the whole range (empty buckets
 * included, so a quiet hour shows as zero, not as a line drawn across it).
 */

/** One data point as QueryTraceMetrics returns it (a SUM over values that are all unknown is null). */
export interface MetricDataPoint {
  metric_name: string;
  dimensions?: Record<string, string>;
  values: Record<string, number | null>;
}

/** A time range the overview offers, with its bucket size. */
export interface OverviewRange {
  id: '24h' | '7d' | '30d';
  label: string;
  rangeMs: number;
  intervalSeconds: number;
}

/**
 * The overview's time ranges.
 *
 * @example
 * OVERVIEW_RANGES.find((r) => r.id === '7d')?.intervalSeconds; // 21600
 */
export const OVERVIEW_RANGES: readonly OverviewRange[] = [
  { id: '24h', label: 'Last 24 hours', rangeMs: 86_400_000, intervalSeconds: 3600 },
  { id: '7d', label: 'Last 7 days', rangeMs: 7 * 86_400_000, intervalSeconds: 6 * 3600 },
  { id: '30d', label: 'Last 30 days', rangeMs: 30 * 86_400_000, intervalSeconds: 86_400 },
];

/**
 * The bucket start times (epoch ms) covering `[now - range, now]`, aligned to the interval as the
 * server aligns its time buckets.
 *
 * @example
 * bucketStarts(OVERVIEW_RANGES[0], Date.UTC(2025, 0, 2, 0, 30)).length; // 25
 */
export function bucketStarts(range: OverviewRange, now: number): number[] {
  const step = range.intervalSeconds * 1000;
  const first = Math.floor((now - range.rangeMs) / step) * step;
  const out: number[] = [];
  for (let t = first; t <= now; t += step) out.push(t);
  return out;
}

/**
 * One series: the value `valueKey` (`COUNT`, `SUM`, `P95.0`...) of each bucket, `fill` where the
 * server sent nothing (0 for counts and sums, null for latencies).
 *
 * @example
 * seriesFor([{ metric_name: 'trace_count', dimensions: { time_bucket: '2025-01-01T00:00:00+00:00' }, values: { COUNT: 3 } }], [Date.UTC(2025, 0, 1)], 'COUNT', 0); // [3]
 */
export function seriesFor(points: readonly MetricDataPoint[], buckets: readonly number[], valueKey: string, fill: number | null): (number | null)[] {
  const byTime = new Map<number, number | null>();
  for (const p of points) {
    const bucket = p.dimensions?.time_bucket;
    const v = p.values[valueKey];
    if (bucket === undefined || v === undefined) continue;
    byTime.set(Date.parse(bucket), v);
  }
  return buckets.map((t) => byTime.get(t) ?? fill);
}

/**
 * Per-bucket ratio of two series in percent (errors / traces); null where the denominator is 0.
 *
 * @example
 * ratioSeries([1, 0], [4, 0]); // [25, null]
 */
export function ratioSeries(numerator: readonly (number | null)[], denominator: readonly (number | null)[]): (number | null)[] {
  return denominator.map((d, i) => (d ? (100 * (numerator[i] ?? 0)) / d : null));
}

/**
 * The sum of a series, nulls skipped.
 *
 * @example
 * sumSeries([1, null, 2]); // 3
 */
export function sumSeries(values: readonly (number | null)[]): number {
  return values.reduce<number>((a, v) => a + (v ?? 0), 0);
}
