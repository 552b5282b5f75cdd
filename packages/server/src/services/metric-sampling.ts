import type { RunMetricRecord } from '../store/tracking-store.js';

/**
 * Picks at most `maxResults` steps spread evenly over `steps` (sorted, unique), always keeping the
 * first and last, plus every step in `mustKeep`.
 *
 * @example
 * sampleSteps([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4, []); // [0, 3, 6, 9]
 */
export function sampleSteps(steps: number[], maxResults: number, mustKeep: Iterable<number>): Set<number> {
  const keep = new Set<number>(mustKeep);
  if (steps.length <= maxResults) {
    for (const s of steps) keep.add(s);
    return keep;
  }
  if (maxResults === 1) {
    keep.add(steps[0] as number);
    return keep;
  }
  const stride = (steps.length - 1) / (maxResults - 1);
  for (let i = 0; i < maxResults; i++) keep.add(steps[Math.round(i * stride)] as number);
  return keep;
}

/**
 * MLflow's get-history-bulk-interval: samples steps evenly across the union of all runs' steps,
 * keeping each run's first and last step, and returns every point at a sampled step, grouped by run
 * in the order the runs were asked for.
 *
 * @example
 * sampleMetricHistories(['r1'], points, 2500);
 */
export function sampleMetricHistories(runIds: string[], points: RunMetricRecord[], maxResults: number): RunMetricRecord[] {
  const byRun = new Map<string, RunMetricRecord[]>();
  const allSteps = new Set<number>();
  const edges: number[] = [];
  for (const p of points) {
    const list = byRun.get(p.runId) ?? [];
    list.push(p);
    byRun.set(p.runId, list);
    allSteps.add(p.step);
  }
  for (const list of byRun.values()) {
    let min = Infinity;
    let max = -Infinity;
    for (const p of list) {
      if (p.step < min) min = p.step;
      if (p.step > max) max = p.step;
    }
    edges.push(min, max);
  }
  const sampled = sampleSteps(
    [...allSteps].sort((a, b) => a - b),
    maxResults,
    edges,
  );
  const out: RunMetricRecord[] = [];
  for (const runId of runIds) {
    const list = (byRun.get(runId) ?? []).filter((p) => sampled.has(p.step));
    list.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp || a.value - b.value);
    out.push(...list);
  }
  return out;
}
