import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTheme } from '../hooks/use-theme';
import { INTEGER_INCREMENTS, spreadRange, yAxisSize } from '../lib/chart-range';
import { measureText } from '../lib/text-width';

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Bars instead of a line (counts per bucket). */
  bars?: boolean;
}

/**
 * Colors charts cycle through.
 *
 * @example
 * series.map((s, i) => ({ ...s, color: CHART_COLORS[i % CHART_COLORS.length]! }));
 */
export const CHART_COLORS = ['#6366f1', '#f59e0b', '#10b981', '#ef4444', '#0ea5e9', '#a855f7', '#ec4899', '#84cc16'];

function axisColors(dark: boolean) {
  return { stroke: dark ? '#a1a1aa' : '#52525b', grid: dark ? 'rgba(255,255,255,0.07)' : 'rgba(0,0,0,0.07)' };
}

/**
 * A uPlot chart over a shared x axis: time in epoch seconds (`xKind: 'time'`) or plain numbers
 * (`'number'`, e.g. steps). Fits its container's width and follows the theme.
 *
 * @example
 * <TimeSeriesChart title="Traces" x={times} series={[{ label: 'count', values: counts, color: CHART_COLORS[0] }]} />
 */
export function TimeSeriesChart({
  title,
  x,
  series,
  height = 180,
  xKind = 'time',
  yFormat = (v) => String(v),
  xLabel,
  xIntegers = false,
}: {
  title: string;
  x: number[];
  series: ChartSeries[];
  height?: number;
  xKind?: 'time' | 'number';
  yFormat?: (v: number) => string;
  /** The x value's name in the legend (default: Time or Step). */
  xLabel?: string;
  /** The x values are whole numbers (steps): ticks never fall between them. */
  xIntegers?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [theme] = useTheme();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { stroke, grid } = axisColors(theme === 'dark');
    const hasBars = series.some((s) => s.bars);
    const axis = { stroke, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      scales: {
        x: {
          time: xKind === 'time',
          // Bars are centred on their bucket: leave half a bucket on each side so the edge ones show whole.
          // A lone point gets a window around it instead of a range spanning years (chart-range.ts).
          range:
            hasBars && x.length > 1
              ? (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [min - (x[1]! - x[0]!) / 2, max + (x[1]! - x[0]!) / 2]
              : (_u: uPlot, min: number, max: number): uPlot.Range.MinMax =>
                  // uPlot widens a lone x itself before asking (by 1,000 days on a time axis): read the data instead.
                  x.length > 0 && x.every((v) => v === x[0]) ? spreadRange(xKind, x[0]!, x[0]!)! : [min, max],
        },
        y: {
          range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax =>
            min === max ? (spreadRange('y', min, max) ?? [min, max]) : uPlot.rangeNum(min, max, 0.1, true),
        },
      },
      legend: { show: series.length > 1 },
      cursor: { points: { size: 6 } },
      series: [
        { label: xLabel ?? (xKind === 'time' ? 'Time' : 'Step') },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          // Overlaid lines stay unfilled, so one run's area never hides another's.
          ...(s.bars ? { fill: `${s.color}55` } : series.length === 1 ? { fill: `${s.color}14` } : {}),
          spanGaps: false,
          points: { show: !s.bars && x.length < 60 },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : yFormat(v)),
          ...(s.bars ? { paths: uPlot.paths.bars?.({ size: [0.7, 40] }) } : {}),
        })),
      ],
      axes: [
        { ...axis, ...(xIntegers ? { incrs: INTEGER_INCREMENTS } : {}) },
        { ...axis, size: (_u, labels) => yAxisSize(labels, measureText), values: (_u, vals) => vals.map((v) => yFormat(v)) },
      ],
    };
    const plot = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, height, xKind, yFormat, theme, xLabel, xIntegers]);
  return (
    <figure className="min-w-0 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
      <figcaption className="mb-1 text-xs font-medium text-zinc-500 dark:text-zinc-400">{title}</figcaption>
      <div ref={ref} role="img" aria-label={`Chart: ${title}`} />
    </figure>
  );
}
