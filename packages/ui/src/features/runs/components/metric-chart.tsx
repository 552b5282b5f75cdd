import type { Metric } from '@loupe/protocol';
import { useMemo } from 'react';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { CHART_COLORS, TimeSeriesChart } from '../../../shared/components/time-series-chart';
import { formatMetric } from '../../../shared/lib/format';
import { alignHistories, type MetricXAxis } from '../lib/run-values';

const yFormat = (v: number) => formatMetric(v);

/**
 * The x axis choices of metric charts.
 *
 * @example
 * X_AXES.map((a) => <option key={a.id} value={a.id}>{a.label}</option>);
 */
export const X_AXES: { id: MetricXAxis; label: string }[] = [
  { id: 'step', label: 'Step' },
  { id: 'time', label: 'Wall time' },
  { id: 'relative', label: 'Relative time (s)' },
];

/**
 * One metric of one or more runs as overlaid lines, by step, wall time or relative time.
 *
 * @example
 * <MetricChart metric="loss" histories={[points]} labels={['run-1']} axis="step" />
 */
export function MetricChart({
  metric,
  histories,
  labels,
  axis,
  loading,
  error,
}: {
  metric: string;
  histories: Metric[][] | undefined;
  labels: string[];
  axis: MetricXAxis;
  loading?: boolean;
  error?: unknown;
}) {
  const data = useMemo(() => (histories ? alignHistories(histories, axis) : undefined), [histories, axis]);
  const series = useMemo(
    () => (data ? data.series.map((values, i) => ({ label: labels[i] ?? `run ${i + 1}`, values, color: CHART_COLORS[i % CHART_COLORS.length]! })) : []),
    [data, labels],
  );
  if (error) return <ErrorBanner error={error} title={`${metric} could not be loaded`} />;
  if (loading || !data)
    return (
      <div className="rounded-lg border border-zinc-200 p-6 dark:border-zinc-800">
        <Spinner label={`Loading ${metric}`} />
      </div>
    );
  return (
    <TimeSeriesChart
      title={metric}
      x={data.x}
      series={series}
      xKind={axis === 'time' ? 'time' : 'number'}
      xLabel={X_AXES.find((a) => a.id === axis)?.label}
      xIntegers={axis === 'step'}
      yFormat={yFormat}
    />
  );
}
