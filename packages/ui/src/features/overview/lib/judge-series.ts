/**
 * Judge scores over time from QueryTraceMetrics' ASSESSMENTS view (assessment counts by time bucket,
 * assessment name and value): a pass rate for judges that say pass or fail, an average for judges
 * that give numbers.
 */
import { readVerdict, type Verdict } from '@loupe/protocol/monitors';
import type { MetricDataPoint } from './metric-series';

/** One judge's (assessment name's) scores over the buckets. */
export interface JudgeScoreSeries {
  name: string;
  /** `pass_rate`: percent of passing verdicts; `average`: the mean of numeric values. */
  kind: 'pass_rate' | 'average';
  /** Per bucket; null where the judge gave no verdict. */
  values: (number | null)[];
  /** Over the whole range; null without verdicts. */
  overall: number | null;
  /** Verdicts counted. */
  count: number;
}

interface Tally {
  pass: number;
  fail: number;
  sum: number;
  numbers: number;
  /** Numbers that are 1 or 0 (a pass or a fail when the judge is otherwise pass/fail). */
  ones: number;
  zeros: number;
}

const emptyTally = (): Tally => ({ pass: 0, fail: 0, sum: 0, numbers: 0, ones: 0, zeros: 0 });

function add(t: Tally, v: Verdict, n: number): void {
  if (v.kind === 'pass') t.pass += n;
  else if (v.kind === 'fail') t.fail += n;
  else {
    t.sum += v.value * n;
    t.numbers += n;
    if (v.value === 1) t.ones += n;
    if (v.value === 0) t.zeros += n;
  }
}

function valueOf(t: Tally, kind: JudgeScoreSeries['kind']): { value: number | null; count: number } {
  if (kind === 'average') return { value: t.numbers ? t.sum / t.numbers : null, count: t.numbers };
  const passed = t.pass + t.ones;
  const total = passed + t.fail + t.zeros;
  return { value: total ? (100 * passed) / total : null, count: total };
}

/**
 * Each judge's series from assessment counts grouped by `time_bucket`, `assessment_name` and
 * `assessment_value` (`COUNT`): a pass rate (percent) when the judge mostly says pass/fail (then 1
 * and 0 count as pass and fail too, as monitors read them), else the average of its numbers; judges
 * with neither (options, text) are left out. Sorted by name.
 *
 * @example
 * judgeScoreSeries([{ metric_name: 'assessment_count', dimensions: { time_bucket: '2025-01-01T00:00:00+00:00', assessment_name: 'polite', assessment_value: 'yes' }, values: { COUNT: 3 } }], [Date.UTC(2025, 0, 1)]);
 * // [{ name: 'polite', kind: 'pass_rate', values: [100], overall: 100, count: 3 }]
 */
export function judgeScoreSeries(points: readonly MetricDataPoint[], buckets: readonly number[]): JudgeScoreSeries[] {
  const byName = new Map<string, { total: Tally; byBucket: Map<number, Tally> }>();
  for (const p of points) {
    const name = p.dimensions?.assessment_name;
    const verdict = readVerdict(p.dimensions?.assessment_value);
    const n = p.values.COUNT ?? 0;
    const bucket = p.dimensions?.time_bucket;
    if (name === undefined || verdict === undefined || !n || bucket === undefined) continue;
    let judge = byName.get(name);
    if (!judge) byName.set(name, (judge = { total: emptyTally(), byBucket: new Map() }));
    const t = Date.parse(bucket);
    let tally = judge.byBucket.get(t);
    if (!tally) judge.byBucket.set(t, (tally = emptyTally()));
    add(tally, verdict, n);
    add(judge.total, verdict, n);
  }
  const out: JudgeScoreSeries[] = [];
  for (const [name, { total, byBucket }] of byName) {
    const passFail = total.pass + total.fail;
    const kind = passFail > 0 && passFail >= total.numbers - total.ones - total.zeros ? 'pass_rate' : total.numbers > 0 ? 'average' : undefined;
    if (!kind) continue;
    const overall = valueOf(total, kind);
    out.push({
      name,
      kind,
      values: buckets.map((b) => {
        const tally = byBucket.get(b);
        return tally ? valueOf(tally, kind).value : null;
      }),
      overall: overall.value,
      count: overall.count,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
