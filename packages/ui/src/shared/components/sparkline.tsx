/**
 * A tiny line of values over evenly spaced buckets, for a table cell: gaps (null) break the line, and
 * every value gets a dot, so a lone one shows too. The y range is fixed (`min`..`max`) so lines in
 * one column compare.
 *
 * @example
 * <Sparkline label="Pass rate of polite over 7 days" values={[80, null, 75]} min={0} max={100} />
 */
export function Sparkline({
  values,
  label,
  min,
  max,
  width = 96,
  height = 24,
  color = '#6366f1',
}: {
  values: readonly (number | null)[];
  label: string;
  min: number;
  max: number;
  width?: number;
  height?: number;
  color?: string;
}) {
  const pad = 2;
  const x = (i: number) => pad + (values.length > 1 ? (i * (width - 2 * pad)) / (values.length - 1) : (width - 2 * pad) / 2);
  const y = (v: number) => {
    const span = max - min || 1;
    const clamped = Math.min(max, Math.max(min, v));
    return height - pad - ((clamped - min) * (height - 2 * pad)) / span;
  };
  // Runs of consecutive values, one polyline each.
  const runs: { i: number; v: number }[][] = [];
  let run: { i: number; v: number }[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push({ i, v });
  });
  if (run.length) runs.push(run);
  return (
    <svg role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="overflow-visible">
      <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} stroke="currentColor" strokeOpacity={0.15} />
      {runs.map((r) => (
        <polyline key={r[0]!.i} points={r.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} fill="none" stroke={color} strokeWidth={1.5} strokeLinejoin="round" />
      ))}
      {runs.flat().map((p) => (
        <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={1.75} fill={color} />
      ))}
    </svg>
  );
}
