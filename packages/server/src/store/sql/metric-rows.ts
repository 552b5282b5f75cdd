import type { MetricRecord } from '../tracking-store.js';

/** The columns a stored metric point is read from (`metrics`, `latest_metrics`, `logged_model_metrics`). */
export interface MetricRow {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

/**
 * A stored metric row as a record: NaN restored (SQLite cannot store it), empty model and dataset
 * columns left out.
 *
 * @example
 * toMetricRecord({ key: 'loss', value: 0, timestamp: 1, step: 0, is_nan: 1 }); // { key: 'loss', value: NaN, timestamp: 1, step: 0 }
 */
export function toMetricRecord(r: MetricRow): MetricRecord {
  const m: MetricRecord = {
    key: r.key,
    value: Number(r.is_nan) ? NaN : Number(r.value),
    timestamp: Number(r.timestamp),
    step: Number(r.step),
  };
  if (r.model_id) m.modelId = r.model_id;
  if (r.dataset_name) m.datasetName = r.dataset_name;
  if (r.dataset_digest) m.datasetDigest = r.dataset_digest;
  return m;
}
