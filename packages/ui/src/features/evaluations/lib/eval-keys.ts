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
  /** Trace tag: the evaluation row (dataset record id, or a hash of the row's inputs) a trace was made for. */
  EVAL_REQUEST_ID_TAG: 'mlflow.eval.requestId',
  /** Trace metadata: the run that produced the trace. */
  SOURCE_RUN_METADATA: 'mlflow.sourceRun',
  /** Assessment metadata: the run whose scorer produced the assessment. */
  ASSESSMENT_SOURCE_RUN: 'mlflow.assessment.sourceRunId',
} as const;

/**
 * The `runs/search` filter of evaluation runs.
 *
 * @example
 * body: { experiment_ids: ['1'], filter: EVALUATION_RUNS_FILTER }
 */
export const EVALUATION_RUNS_FILTER = `tags.\`${EvalKey.RUN_TYPE_TAG}\` = '${EvalKey.GENAI_EVALUATE}'`;

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
