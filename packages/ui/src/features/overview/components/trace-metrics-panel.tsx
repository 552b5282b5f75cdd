import { useMemo, useState } from 'react';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { CHART_COLORS, TimeSeriesChart } from '../../../shared/components/time-series-chart';
import { formatCost, formatCount, formatDuration, formatTokens, formatTokenSplit, sumKnown, tokenCounts } from '../../../shared/lib/format';
import { useJudgeScores } from '../hooks/use-judge-scores';
import { useTraceMetric, type TraceMetricQuery } from '../hooks/use-trace-metrics';
import type { JudgeScoreSeries } from '../lib/judge-series';
import { OVERVIEW_RANGES, bucketStarts, ratioSeries, seriesFor, sumSeries, type OverviewRange } from '../lib/metric-series';

const COUNT: TraceMetricQuery['aggregations'] = [{ aggregation_type: 'COUNT' }];
const SUM: TraceMetricQuery['aggregations'] = [{ aggregation_type: 'SUM' }];
const PERCENTILES: TraceMetricQuery['aggregations'] = [
  { aggregation_type: 'PERCENTILE', percentile_value: 50 },
  { aggregation_type: 'PERCENTILE', percentile_value: 95 },
];

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div role="group" aria-label={label} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</div>
      <div className="mt-1 text-xl font-semibold tabular-nums">{value}</div>
      {hint ? <div className="text-xs text-zinc-400">{hint}</div> : null}
    </div>
  );
}

const fmtInt = (v: number) => formatCount(v, true);
const fmtMs = (v: number) => formatDuration(v);
const fmtPct = (v: number) => `${Number(v.toFixed(1))}%`;
const fmtUsd = (v: number) => formatCost(v);
const fmtScore = (v: number) => String(Number(v.toFixed(2)));

/** Judges' line colors: the chart colors from green on, without red (a judge's line is not an alarm). */
const JUDGE_COLORS = [...CHART_COLORS.slice(2), ...CHART_COLORS.slice(0, 2)].filter((c) => c !== CHART_COLORS[3]);

/** The chart of one kind of judge score: a line per judge (its name in the title when it is the only one). */
function judgeChart(series: readonly JudgeScoreSeries[], kind: JudgeScoreSeries['kind'], title: string) {
  const shown = series.filter((s) => s.kind === kind);
  return {
    title: shown.length === 1 ? `${title} (${shown[0]!.name})` : title,
    series: shown.map((s, i) => ({ label: s.name, values: s.values, color: JUDGE_COLORS[i % JUDGE_COLORS.length]! })),
  };
}

/** A tile per judge: its pass rate or average score over the range, and how many verdicts. */
function JudgeTiles({ series }: { series: readonly JudgeScoreSeries[] }) {
  if (series.length === 0) return null;
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
      {series.map((j) => (
        <Stat
          key={j.name}
          label={j.kind === 'pass_rate' ? `${j.name} pass rate` : `${j.name} average`}
          value={j.overall === null ? '—' : j.kind === 'pass_rate' ? fmtPct(j.overall) : fmtScore(j.overall)}
          hint={`${formatCount(j.count)} verdict${j.count === 1 ? '' : 's'}`}
        />
      ))}
    </div>
  );
}

/** The judges' charts (pass rates, averages), as grid items of the panel's chart grid. */
function JudgeCharts({ series, x }: { series: readonly JudgeScoreSeries[]; x: number[] }) {
  const charts = useMemo(() => [judgeChart(series, 'pass_rate', 'Judge pass rate'), judgeChart(series, 'average', 'Judge score (average)')], [series]);
  const [passRate, average] = charts;
  return (
    <>
      {passRate!.series.length ? <TimeSeriesChart title={passRate!.title} x={x} series={passRate!.series} yFormat={fmtPct} /> : null}
      {average!.series.length ? <TimeSeriesChart title={average!.title} x={x} series={average!.series} yFormat={fmtScore} /> : null}
    </>
  );
}

function useTraceMetricsData(experimentId: string, range: OverviewRange, now: number) {
  const buckets = useMemo(() => bucketStarts(range, now), [range, now]);
  const start = buckets[0] ?? now - range.rangeMs;
  const interval = range.intervalSeconds;
  const q = (metricName: string, aggregations: TraceMetricQuery['aggregations'], extra: Partial<TraceMetricQuery> = {}) => ({
    metricName,
    aggregations,
    intervalSeconds: interval,
    ...extra,
  });
  const traces = useTraceMetric(experimentId, q('trace_count', COUNT), start, now);
  const errors = useTraceMetric(experimentId, q('trace_count', COUNT, { filters: ["trace.status = 'ERROR'"] }), start, now);
  const latency = useTraceMetric(experimentId, q('latency', PERCENTILES), start, now);
  const latencyAll = useTraceMetric(experimentId, { metricName: 'latency', aggregations: PERCENTILES }, start, now);
  const inputTokens = useTraceMetric(experimentId, q('input_tokens', SUM), start, now);
  const outputTokens = useTraceMetric(experimentId, q('output_tokens', SUM), start, now);
  const cost = useTraceMetric(experimentId, q('total_cost', SUM), start, now);
  const error = [traces, errors, latency, latencyAll, inputTokens, outputTokens, cost].find((x) => x.error)?.error;
  const data = useMemo(() => {
    const count = seriesFor(traces.data ?? [], buckets, 'COUNT', 0);
    const errorCount = seriesFor(errors.data ?? [], buckets, 'COUNT', 0);
    return {
      x: buckets.map((b) => b / 1000),
      count,
      errorCount,
      errorRate: ratioSeries(errorCount, count),
      p50: seriesFor(latency.data ?? [], buckets, 'P50.0', null),
      p95: seriesFor(latency.data ?? [], buckets, 'P95.0', null),
      overallP50: latencyAll.data?.[0]?.values['P50.0'],
      overallP95: latencyAll.data?.[0]?.values['P95.0'],
      inputTokens: seriesFor(inputTokens.data ?? [], buckets, 'SUM', 0),
      outputTokens: seriesFor(outputTokens.data ?? [], buckets, 'SUM', 0),
      cost: seriesFor(cost.data ?? [], buckets, 'SUM', 0),
      // The tiles' totals stay unknown ('—') when no trace in the range reports any, rather than 0.
      totalCost: sumKnown((cost.data ?? []).map((p) => p.values.SUM)),
      tokens: tokenCounts({
        input_tokens: sumKnown((inputTokens.data ?? []).map((p) => p.values.SUM)),
        output_tokens: sumKnown((outputTokens.data ?? []).map((p) => p.values.SUM)),
      }),
    };
  }, [buckets, traces.data, errors.data, latency.data, latencyAll.data, inputTokens.data, outputTokens.data, cost.data]);
  return { ...data, buckets, error, loaded: traces.data !== undefined };
}

/**
 * The time range picker of the metric panels (its value is an {@link OVERVIEW_RANGES} id).
 *
 * @example
 * <TimeRangeSelect value={range.id} onChange={(id) => setParams({ range: id })} />
 */
export function TimeRangeSelect({ value, onChange }: { value: OverviewRange['id']; onChange: (id: string) => void }) {
  return (
    <label className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
      Time range
      <select
        aria-label="Time range"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {OVERVIEW_RANGES.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * An experiment's traces over a time range, from QueryTraceMetrics: tiles (count, error rate, latency
 * p50/p95, tokens, cost) and charts of each over time. `countLabel` names what a trace is here
 * (`Calls` for a gateway endpoint's usage traces), `empty` is shown when the range holds none. Key it
 * by the range: the range's end is taken once, on mount.
 *
 * @example
 * <TraceMetricsPanel key={range.id} experimentId="12" range={range} countLabel="Calls" volumeTitle="Calls" empty={<p>No calls yet.</p>} />
 */
export function TraceMetricsPanel({
  experimentId,
  range,
  countLabel = 'Traces',
  volumeTitle = 'Trace volume',
  empty,
  judges = false,
}: {
  experimentId: string;
  range: OverviewRange;
  countLabel?: string;
  volumeTitle?: string;
  empty: React.ReactNode;
  /** Also the judges' scores (feedback by name: pass rates, averages), tiles and charts beside latency. */
  judges?: boolean;
}) {
  // Taken once per chosen range (the parent keys this component by it), rounded to the minute, so
  // query keys and charts stay put between renders.
  const [now] = useState(() => Math.ceil(Date.now() / 60_000) * 60_000);
  const d = useTraceMetricsData(experimentId, range, now);
  const judgeScores = useJudgeScores(experimentId, d.buckets, range.intervalSeconds, now, { enabled: judges });
  const judgeSeries = judges ? judgeScores.series : [];
  const total = sumSeries(d.count);
  const totalErrors = sumSeries(d.errorCount);
  const series = useMemo(
    () => ({
      volume: [
        { label: countLabel, values: d.count, color: CHART_COLORS[0]!, bars: true },
        { label: 'Errors', values: d.errorCount, color: CHART_COLORS[3]!, bars: true },
      ],
      latency: [
        { label: 'p50', values: d.p50, color: CHART_COLORS[0]! },
        { label: 'p95', values: d.p95, color: CHART_COLORS[1]! },
      ],
      errorRate: [{ label: 'Error rate', values: d.errorRate, color: CHART_COLORS[3]! }],
      tokens: [
        { label: 'Input tokens', values: d.inputTokens, color: CHART_COLORS[4]!, bars: true },
        { label: 'Output tokens', values: d.outputTokens, color: CHART_COLORS[5]!, bars: true },
      ],
      cost: [{ label: 'Cost (USD)', values: d.cost, color: CHART_COLORS[2]! }],
    }),
    [countLabel, d.count, d.errorCount, d.p50, d.p95, d.errorRate, d.inputTokens, d.outputTokens, d.cost],
  );
  return (
    <>
      {(d.error ?? judgeScores.error) ? <ErrorBanner error={d.error ?? judgeScores.error} title="Metrics could not be loaded" /> : null}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label={countLabel} value={formatCount(total)} />
        <Stat label="Error rate" value={total ? fmtPct((100 * totalErrors) / total) : '—'} hint={`${formatCount(totalErrors)} errors`} />
        <Stat label="Latency p50 / p95" value={`${formatDuration(d.overallP50)} / ${formatDuration(d.overallP95)}`} />
        <Stat label="Tokens" value={formatTokens(d.tokens, true)} hint={formatTokenSplit(d.tokens, true)} />
        <Stat label="Cost" value={formatCost(d.totalCost)} />
      </div>
      <JudgeTiles series={judgeSeries} />
      {!d.error && d.loaded && total === 0 ? empty : null}
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
        <TimeSeriesChart title={volumeTitle} x={d.x} series={series.volume} yFormat={fmtInt} />
        <TimeSeriesChart title="Latency (p50, p95)" x={d.x} series={series.latency} yFormat={fmtMs} />
        {/* The judges' scores sit beside latency, the first things to look at when quality moves. */}
        <JudgeCharts series={judgeSeries} x={d.x} />
        <TimeSeriesChart title="Error rate" x={d.x} series={series.errorRate} yFormat={fmtPct} />
        <TimeSeriesChart title="Tokens" x={d.x} series={series.tokens} yFormat={fmtInt} />
        <TimeSeriesChart title="Cost" x={d.x} series={series.cost} yFormat={fmtUsd} />
      </div>
    </>
  );
}
