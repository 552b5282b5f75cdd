/**
 * Tail sampling: decided when a trace's root span ends, with the whole trace known. A trace is kept
 * when any rule keeps it; the rest are sampled at `sampleRest`.
 *
 * @example
 * init({ sampling: { tail: { keepErrors: true, slowerThanMs: 2000, costlierThanUsd: 0.05, sampleRest: 0.1 } } });
 */
export interface TailSamplingRules {
  /** Keep every trace with an error in any span (default true). */
  keepErrors?: boolean;
  /** Keep traces whose root span took longer than this. */
  slowerThanMs?: number;
  /** Keep traces whose spans' `mlflow.llm.cost.total_cost` sum to more than this (USD). */
  costlierThanUsd?: number;
  /** Share of the other traces to keep, 0 to 1 (default 0.1), by trace id (deterministic). */
  sampleRest?: number;
}

/** What tail sampling knows of a finished trace. */
export interface FinishedTraceStats {
  traceId: string;
  hasError: boolean;
  durationMs: number;
  costUsd: number;
}

/** Why a trace was kept, or `null` when it was dropped. */
export type TailDecision = 'error' | 'slow' | 'costly' | 'sampled' | null;

/**
 * A trace id's place in [0, 1) for tail sampling, from its first 8 hex digits: independent of the
 * head sampler's (which reads the last 8), so the two ratios multiply instead of overlapping.
 *
 * @example
 * tailSamplePoint('80000000000000000000000000000000'); // 0.5
 */
export function tailSamplePoint(traceId: string): number {
  return parseInt(traceId.slice(0, 8), 16) / 0x1_0000_0000;
}

/**
 * Applies tail rules to one finished trace.
 *
 * @example
 * decideTail({ slowerThanMs: 1000 }, { traceId, hasError: false, durationMs: 1500, costUsd: 0 }); // 'slow'
 */
export function decideTail(rules: TailSamplingRules, stats: FinishedTraceStats): TailDecision {
  if ((rules.keepErrors ?? true) && stats.hasError) return 'error';
  if (rules.slowerThanMs !== undefined && stats.durationMs > rules.slowerThanMs) return 'slow';
  if (rules.costlierThanUsd !== undefined && stats.costUsd > rules.costlierThanUsd) return 'costly';
  const rest = rules.sampleRest ?? 0.1;
  return rest >= 1 || (rest > 0 && tailSamplePoint(stats.traceId) < rest) ? 'sampled' : null;
}
