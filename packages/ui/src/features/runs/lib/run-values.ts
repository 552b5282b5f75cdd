import { MLFLOW_KEY_PREFIX, RunTagKey, type Metric, type Run } from '@loupe/protocol';

/**
 * Reading runs for tables and comparisons: the metric, param and tag keys in use, one value of a
 * run, param differences, and metric histories aligned on one x axis for overlaid charts.
 */

/**
 * Tags MLflow writes itself; shown as run facts, not as editable tags.
 *
 * @example
 * isSystemTag('mlflow.runName'); // true
 */
export const isSystemTag = (key: string) => key.startsWith(MLFLOW_KEY_PREFIX);

/** The metric, param and user tag keys of some runs, sorted. */
export interface RunKeys {
  metrics: string[];
  params: string[];
  tags: string[];
}

/**
 * Every metric, param and (non-system) tag key of the runs.
 *
 * @example
 * runKeys(runs).metrics; // ['accuracy', 'loss']
 */
export function runKeys(runs: readonly Run[]): RunKeys {
  const metrics = new Set<string>();
  const params = new Set<string>();
  const tags = new Set<string>();
  for (const r of runs) {
    for (const m of r.data.metrics ?? []) metrics.add(m.key);
    for (const p of r.data.params ?? []) params.add(p.key);
    for (const t of r.data.tags ?? []) if (!isSystemTag(t.key)) tags.add(t.key);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(metrics), params: sorted(params), tags: sorted(tags) };
}

/**
 * A run's latest metric, param or tag value.
 *
 * @example
 * runValue(run, 'metrics', 'loss'); // 0.12
 */
export function runValue(run: Run, kind: 'metrics' | 'params' | 'tags', key: string): number | string | undefined {
  const list = (kind === 'metrics' ? run.data.metrics : kind === 'params' ? run.data.params : run.data.tags) as
    { key: string; value: number | string }[] | undefined;
  return list?.find((x) => x.key === key)?.value;
}

/**
 * Who ran it: the `mlflow.user` tag MLflow's clients set, else the (deprecated) `user_id` attribute;
 * undefined when neither says.
 *
 * @example
 * runUser(run); // 'alice'
 */
export function runUser(run: Run): string | undefined {
  return (run.data.tags ?? []).find((t) => t.key === RunTagKey.USER)?.value || run.info.user_id || undefined;
}

/**
 * The `order_by` key of the runs' User column: MLflow's UI sorts it by the `mlflow.user` tag too.
 *
 * @example
 * `${RUN_USER_SORT_KEY} DESC`; // 'tags.`mlflow.user` DESC'
 */
export const RUN_USER_SORT_KEY = `tags.\`${RunTagKey.USER}\``;

/** One row of a param comparison. */
export interface ParamDiffRow {
  key: string;
  values: (string | undefined)[];
  differs: boolean;
}

/**
 * Params of several runs side by side, the differing ones first.
 *
 * @example
 * paramDiff([runA, runB]).filter((r) => r.differs).map((r) => r.key); // ['lr']
 */
export function paramDiff(runs: readonly Run[]): ParamDiffRow[] {
  const keys = runKeys(runs).params;
  const rows = keys.map((key) => {
    const values = runs.map((r) => runValue(r, 'params', key) as string | undefined);
    return { key, values, differs: new Set(values).size > 1 };
  });
  return [...rows.filter((r) => r.differs), ...rows.filter((r) => !r.differs)];
}

/** What a metric chart's x axis shows. */
export type MetricXAxis = 'step' | 'time' | 'relative';

/**
 * Metric histories of several runs on one x axis: steps, wall time (epoch seconds, for uPlot's time
 * scale) or seconds since each run's first point. Values are null where a run has no point.
 *
 * @example
 * alignHistories([[{ key: 'loss', value: 1, step: 0, timestamp: 0 }]], 'step'); // { x: [0], series: [[1]] }
 */
export function alignHistories(histories: readonly (readonly Metric[])[], axis: MetricXAxis): { x: number[]; series: (number | null)[][] } {
  const xOf = (m: Metric, first: number) => (axis === 'step' ? m.step : axis === 'time' ? m.timestamp / 1000 : (m.timestamp - first) / 1000);
  const maps = histories.map((h) => {
    const sorted = [...h].sort((a, b) => a.timestamp - b.timestamp || a.step - b.step);
    const first = sorted[0]?.timestamp ?? 0;
    const map = new Map<number, number>();
    for (const m of sorted) map.set(xOf(m, first), typeof m.value === 'number' ? m.value : Number(m.value));
    return map;
  });
  const x = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  return { x, series: maps.map((m) => x.map((v) => m.get(v) ?? null)) };
}

/**
 * How long a run took (or has been running), in ms.
 *
 * @example
 * runDuration(run, Date.now());
 */
export function runDuration(run: Run, now: number): number | undefined {
  if (!run.info.start_time) return undefined;
  return (run.info.end_time ?? (run.info.status === 'RUNNING' ? now : run.info.start_time)) - run.info.start_time;
}
