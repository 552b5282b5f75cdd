import type { TraceMetricsPage } from '../../services/traces/trace-metrics.js';

const TIME_BUCKET = 'time_bucket';

/** A QueryTraceMetrics reply (spec §4.2). */
export interface TraceMetricsJson {
  data_points: { metric_name: string; dimensions: Record<string, string>; values: Record<string, number> }[];
  next_page_token?: string;
}

/** A bucket start as Python's `datetime.isoformat()` writes a UTC time, as MLflow's `time_bucket`. */
function bucketLabel(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}+00:00` : iso.replace('Z', '+00:00');
}

/**
 * Metric points as MLflow answers them: the bucket as a `time_bucket` dimension, groups without a
 * dimension value or an aggregate (null) leaving it out.
 *
 * @example
 * traceMetricsJson('latency', page).data_points[0]; // { metric_name: 'latency', dimensions: { time_bucket: '2025-06-15T14:00:00+00:00' }, values: { AVG: 150 } }
 */
export function traceMetricsJson(metricName: string, page: TraceMetricsPage): TraceMetricsJson {
  const data_points = page.points.map((p) => {
    const dimensions: Record<string, string> = {};
    if (p.bucketStartMs !== undefined) dimensions[TIME_BUCKET] = bucketLabel(p.bucketStartMs);
    for (const [k, v] of Object.entries(p.dimensions)) if (v !== null) dimensions[k] = v;
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(p.values)) if (v !== null) values[k] = v;
    return { metric_name: metricName, dimensions, values };
  });
  return page.nextPageToken !== undefined ? { data_points, next_page_token: page.nextPageToken } : { data_points };
}
