/**
 * `@loupe/sdk/genai`: what Loupe's auto-tracing integrations are built from: the integration kit
 * (patch a method, trace a call, observe a stream, record an LLM call), the model price catalog,
 * and the one chat format's types. Use it to trace a library Loupe has no package for.
 */
export {
  loupeOf,
  runInSpan,
  patchMethod,
  originalOf,
  isThenable,
  startCall,
  traceCall,
  observeStream,
  errorStatus,
  recordError,
  recordLlm,
  count,
  isObject,
  asText,
  type IntegrationOptions,
  type CallSpec,
  type CallOutcome,
  type StreamEnd,
  type ChunkOf,
  type LlmDetails,
} from './kit.js';
export {
  openAIChatMessage,
  openAIChatCompletionMessages,
  openAITools,
  openAIUsage,
  openAIResponseItems,
  openAIResponseAnswer,
  openAIResponsesMessages,
} from './openai-chat-format.js';
export { anthropicRequestMessages, anthropicAnswerMessage, anthropicTools, anthropicUsage, AnthropicMessageAccumulator } from './anthropic-chat-format.js';
export { decodeJson } from '../tracing/json-encoding.js';
export { PriceCatalog, normalizeModelName, type ModelPrice, type PricingOptions } from '@loupe/protocol/pricing';
export type { ChatMessage, ChatToolCall, ChatTool, ChatContentPart } from '@loupe/protocol';
export { CHAT_ATTRIBUTES } from '@loupe/protocol/attributes';
