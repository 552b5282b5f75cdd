/**
 * LLM judges (issue 17): built-in judges under MLflow's assessment names, `makeJudge` for your own,
 * and `judgeModel` for the model behind them. Every judge is a `Scorer` of source type `LLM_JUDGE`.
 */
export { Correctness, RelevanceToQuery, Safety, Guidelines, ExpectationsGuidelines, type GuidelinesOptions } from './response-judges.js';
export { RetrievalGroundedness, RetrievalRelevance, RetrievalSufficiency } from './retrieval-judges.js';
export { ToolCallCorrectness, ToolCallEfficiency } from './tool-call-judges.js';
export { UserFrustration, ConversationCompleteness, KnowledgeRetention } from './session-judges.js';
export { makeJudge, templateVariables, TEMPLATE_VARIABLES, type MakeJudgeOptions, type TemplateVariable } from './make-judge.js';
export { createLlmJudge, JudgeErrorCode, type JudgeOptions, type JudgeContext, type JudgePrompt, type LlmJudgeDefinition } from './llm-judge.js';
export { parseVerdict, verdictSchema, type VerdictType, type Verdict } from './verdict.js';
export { judgeModel, parseModelUri, DEFAULT_JUDGE_MODEL, type JudgeModelOptions } from './model/judge-model.js';
export { JudgeModelError, DEFAULT_RETRY_POLICY, type RetryPolicy, type HttpDeps } from './model/http.js';
export { DEFAULT_MAX_CONCURRENCY, type RateLimitOptions } from './model/rate-limiter.js';
export type { ProviderOptions, Env } from './model/provider-settings.js';
export type { AwsCredentials } from '@loupe/llm';
export type {
  JudgeModel,
  JudgeProvider,
  JudgeChatRequest,
  JudgeChatResponse,
  JudgeMessage,
  JudgeTool,
  JudgeToolCall,
  JudgeCallUsage,
  JsonSchema,
} from './model/types.js';
export { DEFAULT_TRACE_TOOL_LIMITS, type TraceToolLimits } from './trace-tools.js';
