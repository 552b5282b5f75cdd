/**
 * `@loupe/llm`: the provider layer of Loupe's AI gateway. One request and answer shape (OpenAI Chat
 * Completions), adapters for OpenAI (and compatible servers), Anthropic, Bedrock and Gemini with
 * streaming, and an engine that routes an endpoint's traffic by weight, falls back on retryable
 * failures, applies the endpoint's rate limit and prices each answer. The HTTP client and the clock
 * are injected.
 */
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatContentPart,
  ChatMessage,
  ChatRequest,
  ChatResponseFormat,
  ChatTool,
  ChatToolCall,
  ChatToolCallDelta,
  ChatToolChoice,
  ChatUsage,
  EmbeddingsRequest,
  EmbeddingsResponse,
  FinishReason,
} from './types.js';
export { LlmError, errorFromStatus, providerErrorMessage, type LlmErrorKind } from './errors.js';
export { systemLlmClock, type LlmClock, type LlmFetch, type LlmFetchInit, type LlmFetchResponse } from './transport.js';
export { readServerSentEvents, type ServerSentEvent } from './sse.js';
export { readEventStream, EventStreamFramingError, type EventStreamMessage } from './event-stream.js';
export { signAwsRequest, type AwsCredentials } from './sigv4.js';
export {
  isProviderName,
  PROVIDER_NAMES,
  type AnswerMeta,
  type ProviderAdapter,
  type ProviderCall,
  type ProviderModel,
  type ProviderName,
} from './providers/provider-adapter.js';
export { openaiAdapter } from './providers/openai.js';
export { anthropicAdapter, anthropicBody, anthropicFinishReason, ANTHROPIC_DEFAULT_MAX_TOKENS } from './providers/anthropic.js';
export { bedrockAdapter, converseBody, converseFinishReason } from './providers/bedrock.js';
export { geminiAdapter, geminiBody, geminiFinishReason } from './providers/gemini.js';
export { TokenBucket, EndpointRateLimiters, type RateLimit } from './engine/rate-limiter.js';
export { routeOrder, type EndpointModel, type ResolvedEndpoint } from './engine/routing.js';
export {
  createLlmEngine,
  LlmInvocationError,
  type ChatInvocation,
  type EmbeddingsInvocation,
  type LlmAttempt,
  type LlmEngine,
  type LlmEngineOptions,
  type ServedModel,
  type StreamInvocation,
  type StreamSummary,
} from './engine/llm-engine.js';
export { parseVerdict, verdictInstructions, verdictSchema, type Verdict, type VerdictJsonSchema, type VerdictType, type VerdictValue } from './verdict.js';
export { BUILTIN_JUDGE_INSTRUCTIONS, guidelinesSection, judgeGuidelines, judgeSection, type BuiltinJudgeClass } from './judges/builtin-judge-instructions.js';
