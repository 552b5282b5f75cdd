/**
 * `@loupe/sdk`: tracing on OpenTelemetry, version tracking and a tracking client for Loupe (and any
 * MLflow 3 server). Start with `init()` and `trace()`; see the package README.
 */
export {
  init,
  getLoupe,
  trace,
  withSpan,
  startSpan,
  getCurrentActiveSpan,
  updateCurrentTrace,
  getLastActiveTraceId,
  flushTraces,
  setActiveModel,
  getClient,
  exportStats,
  registerPrompt,
  loadPrompt,
  setPromptAlias,
  deletePromptAlias,
  searchPrompts,
  evaluate,
} from './instance/default-instance.js';
export { Loupe, createLoupe, type LoadPromptOptions } from './instance/loupe.js';
export {
  PromptVersion,
  PromptFormatError,
  PromptTagKey,
  parsePromptUri,
  type PromptTemplate,
  type ChatPromptMessage,
  type PromptVariables,
  type PromptRef,
} from './prompts/prompt-version.js';
export { PromptCache, DEFAULT_PROMPT_CACHE_TTL_MS, type PromptCacheOptions } from './prompts/prompt-cache.js';
export type { RegisterPromptOptions, Prompt } from './client/prompts.js';
export type { ActiveModelTarget } from './instance/active-model.js';
export { resolveConfig, type LoupeOptions, type LoupeConfig, type ExportOptions, type OtlpEndpoint } from './config/config.js';

export { SpanType, type SpanTypeName } from './tracing/span-types.js';
export { SpanAttributeKey, TraceMetadataKey, TraceTagKey } from '@loupe/protocol/attributes';
export { LoupeSpan, type EndSpanOptions, type TokenUsage, type LlmCost } from './tracing/loupe-span.js';
export type { TraceOptions, AnyFunction } from './tracing/traced-function.js';
export type { SpanOptions } from './tracing/span-factory.js';
export type { StartSpanOptions } from './tracing/tracing.js';
export type { TraceUpdate } from './tracing/trace-registry.js';
export { LoupeSampler } from './tracing/sampler.js';
export { injectTraceContext, extractTraceContext, withTraceContext, type HeaderCarrier } from './tracing/propagation.js';
export { bindContext } from './tracing/context-manager.js';
export { consoleDiagnostics, silentDiagnostics, type Diagnostics } from './tracing/diagnostics.js';

export { LoupeSpanProcessor, type ProcessorStats } from './export/loupe-span-processor.js';
export { LoupeSpanExporter, type LoupeSpanExporterOptions } from './export/loupe-span-exporter.js';
export type { ExportQueueOptions, ExportQueueStats } from './export/export-queue.js';
export type { Scheduler } from './export/scheduler.js';
export type { TailSamplingRules } from './export/tail-sampling.js';
export { Redactor, createRedactor, type RedactOptions, type RedactionRule, type RedactionContext, type BuiltinRedaction } from './export/redaction.js';

export { LoupeClient, createClient, type ClientOptions } from './client/loupe-client.js';
export { LoupeApiError } from './client/api-error.js';
export {
  createHttpTransport,
  withHeaders,
  authHeaders,
  type Transport,
  type TransportRequest,
  type HttpTransportOptions,
  type Query,
  type RequestBody,
} from './client/transport.js';
export { traceRows, traceExpectations, type Trace, type TraceSpan, type TraceRow } from './client/trace-model.js';
export type { Page, SearchOptions } from './client/experiments.js';
export type { StartRunOptions, MetricOptions } from './client/runs.js';
export type { CreateLoggedModelOptions } from './client/logged-models.js';
export type { SearchTracesOptions } from './client/traces.js';
export type { DatasetMethods, EvaluationDataset, DatasetRecord, DatasetRecordInput, DatasetRecordSourceType, CreateDatasetOptions } from './client/datasets.js';
export { traceToDatasetRecord } from './client/datasets.js';
export type { ScorerMethods, RegisteredScorer, OnlineScoringConfig, JudgeRegistration } from './client/scorers.js';
export { serializeJudge } from './client/scorers.js';
export type { FeedbackInput, ExpectationInput, AssessmentUpdate, AssessmentSource } from './client/assessments.js';
export type {
  Experiment,
  Run,
  RunInfo,
  LoggedModel,
  TraceInfoV3,
  Assessment,
  FileInfo,
  ChatMessage,
  ChatToolCall,
  ChatTool,
  ChatContentPart,
} from '@loupe/protocol';

export * as judges from './evaluation/judges/index.js';
export {
  Correctness,
  RelevanceToQuery,
  Safety,
  Guidelines,
  ExpectationsGuidelines,
  RetrievalGroundedness,
  RetrievalRelevance,
  RetrievalSufficiency,
  ToolCallCorrectness,
  ToolCallEfficiency,
  UserFrustration,
  ConversationCompleteness,
  KnowledgeRetention,
  makeJudge,
  judgeModel,
  DEFAULT_JUDGE_MODEL,
  JudgeErrorCode,
  JudgeModelError,
  type JudgeOptions,
  type GuidelinesOptions,
  type MakeJudgeOptions,
  type JudgeModel,
  type JudgeModelOptions,
} from './evaluation/judges/index.js';
export { scorer, validateScorerName, type CodeScorerFunction, type CodeScorerOptions, type CodeScorerResult } from './evaluation/code-scorer.js';
export type { Scorer, ScorerInput, ScorerFeedback, FeedbackValue, ConversationTurn, JudgeUsage } from './evaluation/scorer-types.js';
export type { EvaluateOptions, EvaluationResult, EvaluationRowResult, FeedbackResult } from './evaluation/evaluate.js';
export {
  EvaluationInputError,
  datasetRunInput,
  EVALUATION_DATASET_SOURCE_TYPE,
  type EvaluationRow,
  type EvaluationData,
} from './evaluation/evaluation-data.js';
export { EvaluationKey } from './evaluation/evaluation-keys.js';
export type { ReportStream } from './evaluation/evaluation-report.js';
