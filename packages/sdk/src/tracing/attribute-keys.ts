/**
 * Span attribute keys MLflow's clients and server agree on (spec §4.7). Values set through Loupe's
 * span API are JSON-encoded, as MLflow's SDKs write them, so a string `"123"` never reads back as a number.
 *
 * @example
 * span.setAttribute(SpanAttributeKey.SPAN_TYPE, 'LLM');
 */
export const SpanAttributeKey = {
  TRACE_ID: 'mlflow.traceRequestId',
  SPAN_TYPE: 'mlflow.spanType',
  INPUTS: 'mlflow.spanInputs',
  OUTPUTS: 'mlflow.spanOutputs',
  FUNCTION_NAME: 'mlflow.spanFunctionName',
  TOKEN_USAGE: 'mlflow.chat.tokenUsage',
  LLM_COST: 'mlflow.llm.cost',
  LLM_MODEL: 'mlflow.llm.model',
  LLM_PROVIDER: 'mlflow.llm.provider',
  /** The conversation of an LLM call in Loupe's one chat format (`ChatMessage[]` of `@loupe/protocol`). */
  CHAT_MESSAGES: 'mlflow.chat.messages',
  /** The tools offered to the model (`ChatTool[]`). */
  CHAT_TOOLS: 'mlflow.chat.tools',
  TRACE_TAG_PREFIX: 'mlflow.traceTag.',
} as const;

/**
 * Trace metadata keys (spec §4.7).
 *
 * @example
 * info.trace_metadata[TraceMetadataKey.MODEL_ID]; // 'm-...'
 */
export const TraceMetadataKey = {
  SCHEMA_VERSION: 'mlflow.trace_schema.version',
  MODEL_ID: 'mlflow.modelId',
  SOURCE_RUN: 'mlflow.sourceRun',
  SESSION: 'mlflow.trace.session',
  USER: 'mlflow.trace.user',
  TOKEN_USAGE: 'mlflow.trace.tokenUsage',
  COST: 'mlflow.trace.cost',
  SOURCE_NAME: 'mlflow.source.name',
  SOURCE_TYPE: 'mlflow.source.type',
} as const;

/**
 * Trace tag keys (spec §4.7).
 *
 * @example
 * info.tags[TraceTagKey.TRACE_NAME]; // 'predict'
 */
export const TraceTagKey = {
  TRACE_NAME: 'mlflow.traceName',
  SPANS_LOCATION: 'mlflow.trace.spansLocation',
} as const;

/** The prefix of MLflow trace ids: `tr-` + the 32-hex OpenTelemetry trace id (spec §1.6). */
export const TRACE_ID_PREFIX = 'tr-';
