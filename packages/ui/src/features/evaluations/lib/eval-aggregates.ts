import type { Run } from '@loupe/protocol';
import type { EvalRow } from './eval-rows';
import { scoreNumber } from './score-value';

/**
 * An evaluation's aggregate scores: those `evaluate()` logged on the run as metrics
 * (`<scorer>/<aggregation>`, e.g. `correctness/mean`), and those counted from its rows.
 */

/** Aggregations MLflow's harness logs per scorer (`mlflow/genai/evaluation/utils.py`), and a few common others. */
const AGGREGATIONS = new Set(['mean', 'median', 'min', 'max', 'variance', 'std', 'sum', 'p50', 'p90', 'p95', 'p99']);

/** A run metric read as `<scorer>/<aggregation>`. */
export interface ScorerMetric {
  key: string;
  scorer: string;
  aggregation: string;
}

/**
 * A metric key as a scorer aggregate, or undefined for other metrics.
 *
 * @example
 * parseScorerMetric('retrieval/relevance/mean'); // { key: 'retrieval/relevance/mean', scorer: 'retrieval/relevance', aggregation: 'mean' }
 */
export function parseScorerMetric(key: string): ScorerMetric | undefined {
  const at = key.lastIndexOf('/');
  if (at <= 0) return undefined;
  const aggregation = key.slice(at + 1);
  return AGGREGATIONS.has(aggregation) ? { key, scorer: key.slice(0, at), aggregation } : undefined;
}

/**
 * The scorer aggregate metric keys logged on any of the runs: `mean` first, then by scorer and aggregation.
 *
 * @example
 * scorerMetricKeys(runs); // ['correctness/mean', 'relevance/mean', 'relevance/p90']
 */
export function scorerMetricKeys(runs: readonly Run[]): ScorerMetric[] {
  const found = new Map<string, ScorerMetric>();
  for (const r of runs) {
    for (const m of r.data.metrics ?? []) {
      const parsed = found.has(m.key) ? undefined : parseScorerMetric(m.key);
      if (parsed) found.set(m.key, parsed);
    }
  }
  const rank = (a: string) => (a === 'mean' ? 0 : 1);
  return [...found.values()].sort(
    (a, b) => a.scorer.localeCompare(b.scorer) || rank(a.aggregation) - rank(b.aggregation) || a.aggregation.localeCompare(b.aggregation),
  );
}

/**
 * One metric of a run.
 *
 * @example
 * runMetric(run, 'correctness/mean'); // 0.8
 */
export function runMetric(run: Run | undefined, key: string): number | undefined {
  return run?.data.metrics?.find((m) => m.key === key)?.value;
}

/** One scorer's results over some rows. */
export interface ScorerSummary {
  scorer: string;
  /** The run's `<scorer>/mean` metric when logged, else the mean of the rows' verdicts as numbers. */
  mean?: number;
  /** Whether `mean` is the logged metric. */
  logged: boolean;
  pass: number;
  fail: number;
  errors: number;
  /** Rows with a verdict of this scorer (any kind). */
  scored: number;
}

/**
 * Per scorer: the mean (logged or counted), pass, fail and error counts.
 *
 * @example
 * summarizeScorers(rows, ['correctness'], run)[0]; // { scorer: 'correctness', mean: 0.75, logged: true, pass: 3, fail: 1, errors: 0, scored: 4 }
 */
export function summarizeScorers(rows: readonly EvalRow[], scorers: readonly string[], run?: Run): ScorerSummary[] {
  return scorers.map((scorer) => {
    let pass = 0;
    let fail = 0;
    let errors = 0;
    let scored = 0;
    let sum = 0;
    let numbers = 0;
    for (const r of rows) {
      const score = r.scores[scorer]?.score;
      if (!score || score.kind === 'none') continue;
      scored++;
      if (score.kind === 'pass') pass++;
      else if (score.kind === 'fail') fail++;
      else if (score.kind === 'error') errors++;
      const n = scoreNumber(score);
      if (n !== undefined) {
        sum += n;
        numbers++;
      }
    }
    const logged = runMetric(run, `${scorer}/mean`);
    const summary: ScorerSummary = { scorer, logged: logged !== undefined, pass, fail, errors, scored };
    const mean = logged ?? (numbers ? sum / numbers : undefined);
    if (mean !== undefined) summary.mean = mean;
    return summary;
  });
}

/**
 * A mean for display: a percentage when the scorer is pass/fail, else the number.
 *
 * @example
 * formatMean({ mean: 0.75, pass: 3, fail: 1 } as ScorerSummary); // '75%'
 */
export function formatMean(s: Pick<ScorerSummary, 'mean' | 'pass' | 'fail' | 'scored' | 'errors'>): string {
  if (s.mean === undefined) return '–';
  const binary = s.pass + s.fail > 0 && s.pass + s.fail + s.errors === s.scored;
  return binary ? `${Math.round(s.mean * 1000) / 10}%` : String(Number(s.mean.toPrecision(3)));
}

/**
 * The name of the dataset(s) a run evaluated (its run inputs), or undefined.
 *
 * @example
 * runDataset(run); // 'support-qa (3f2a91c0)'
 */
export function runDataset(run: Run): string | undefined {
  const names = (run.inputs?.dataset_inputs ?? []).map((d) => (d.dataset.digest ? `${d.dataset.name} (${d.dataset.digest.slice(0, 8)})` : d.dataset.name));
  return names.length ? names.join(', ') : undefined;
}
