import { AssessmentMetadataKey } from '@loupe/protocol/attributes';

/**
 * The keys `evaluate()` writes, spelled as MLflow's `mlflow.genai.evaluate` spells them (spec §10.4;
 * `mlflow/tracing/constant.py`, `mlflow/utils/mlflow_tags.py`), so MLflow's UI and clients read an
 * evaluation made here as their own.
 *
 * @example
 * run.data.tags.find((t) => t.key === EvaluationKey.RUN_TYPE_TAG)?.value; // 'genai_evaluate'
 */
export const EvaluationKey = {
  /** Run tag saying what the run is; the UI lists `genai_evaluate` runs as evaluation runs. */
  RUN_TYPE_TAG: 'mlflow.runType',
  RUN_TYPE_GENAI_EVALUATE: 'genai_evaluate',
  /** Trace tag: the evaluation row a trace was made for (MLflow's cleanup keeps only traces that have it). */
  EVAL_REQUEST_ID_TAG: 'mlflow.eval.requestId',
  /** Assessment metadata: the run that produced the assessment. */
  SOURCE_RUN_ID: AssessmentMetadataKey.SOURCE_RUN_ID,
  /** Assessment metadata of LLM judges: USD cost and token counts of the judge call. */
  JUDGE_COST: AssessmentMetadataKey.JUDGE_COST,
  JUDGE_INPUT_TOKENS: AssessmentMetadataKey.JUDGE_INPUT_TOKENS,
  JUDGE_OUTPUT_TOKENS: AssessmentMetadataKey.JUDGE_OUTPUT_TOKENS,
  /** The error code of feedback from a scorer that threw. */
  SCORER_ERROR: 'SCORER_ERROR',
} as const;
