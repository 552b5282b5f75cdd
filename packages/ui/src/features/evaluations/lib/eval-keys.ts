/**
 * The keys `mlflow.genai.evaluate` writes, spelled as MLflow spells them (`mlflow/utils/mlflow_tags.py`
 * MLFLOW_RUN_TYPE / MLFLOW_RUN_TYPE_GENAI_EVALUATE, `mlflow/tracing/constant.py` TraceTagKey,
 * TraceMetadataKey, AssessmentMetadataKey). Plain strings: the UI takes only types from `@loupe/protocol`.
 *
 * @example
 * run.data.tags?.some((t) => t.key === EvalKey.RUN_TYPE_TAG && t.value === EvalKey.GENAI_EVALUATE);
 */
export const EvalKey = {
  /** Run tag saying what a run is; evaluation runs carry `genai_evaluate`. */
  RUN_TYPE_TAG: 'mlflow.runType',
  GENAI_EVALUATE: 'genai_evaluate',
  /** Run tag MLflow 3.0-3.4's `evaluate()` set instead of the run type (`mlflow.run.isEval = true`). */
  LEGACY_IS_EVAL_TAG: 'mlflow.run.isEval',
  /** Trace tag: the evaluation row (dataset record id, or a hash of the row's inputs) a trace was made for. */
  EVAL_REQUEST_ID_TAG: 'mlflow.eval.requestId',
  /** Trace metadata: the run that produced the trace. */
  SOURCE_RUN_METADATA: 'mlflow.sourceRun',
  /** Assessment metadata: the run whose scorer produced the assessment. */
  ASSESSMENT_SOURCE_RUN: 'mlflow.assessment.sourceRunId',
} as const;

/**
 * The `runs/search` filters of evaluation runs: MLflow 3.5+ tags them with the run type, earlier 3.x
 * clients with `mlflow.run.isEval`. The grammar has no OR, so the list runs one search per filter.
 *
 * @example
 * EVALUATION_RUNS_FILTERS.map((filter) => ({ experiment_ids: ['1'], filter }));
 */
export const EVALUATION_RUNS_FILTERS = [
  `tags.\`${EvalKey.RUN_TYPE_TAG}\` = '${EvalKey.GENAI_EVALUATE}'`,
  `tags.\`${EvalKey.LEGACY_IS_EVAL_TAG}\` = 'true'`,
] as const;

/**
 * Evaluation runs found by several searches as one list: each run once, newest first.
 *
 * @example
 * mergeEvaluationRuns([[b, a], [c, a]]); // [c, b, a] when c started last
 */
export function mergeEvaluationRuns<R extends { info: { run_id: string; start_time?: number | string | undefined } }>(lists: R[][]): R[] {
  const byId = new Map<string, R>();
  for (const list of lists) for (const run of list) if (!byId.has(run.info.run_id)) byId.set(run.info.run_id, run);
  return [...byId.values()].sort((a, b) => Number(b.info.start_time ?? 0) - Number(a.info.start_time ?? 0));
}

const quoted = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The `traces/search` filter of a run's traces: `run_id` matches the `mlflow.sourceRun` metadata or a
 * `link-to-run` link (spec §9.5), as MLflow's search does.
 *
 * @example
 * runTracesFilter('abc'); // "trace.run_id = 'abc'"
 */
export function runTracesFilter(runId: string): string {
  return `trace.run_id = ${quoted(runId)}`;
}

/**
 * The QueryTraceMetrics filter counting the traces a run produced (`mlflow.sourceRun`; metrics
 * filters are exact matches on metadata, so traces only linked with `link-to-run` are not counted).
 *
 * @example
 * sourceRunMetricFilter('abc'); // "trace.metadata.`mlflow.sourceRun` = 'abc'"
 */
export function sourceRunMetricFilter(runId: string): string {
  return `trace.metadata.\`${EvalKey.SOURCE_RUN_METADATA}\` = ${quoted(runId)}`;
}
