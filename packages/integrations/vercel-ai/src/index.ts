/**
 * `@loupe/vercel-ai`: the Vercel AI SDK (`ai`) recorded into Loupe through the AI SDK's own
 * telemetry: calls, model steps, tool executions, embeddings as spans with the chat format, token
 * usage and cost.
 */
export { wrapAISDK, loupeTelemetry, TRACED_FUNCTIONS, type AISDKTraceOptions, type WrappedAISDK } from './wrap-ai-sdk.js';
export { LoupeAiTracer, AiSdkSpan } from './loupe-ai-tracer.js';
export { aiSpanName, aiSpanRecord, aiSpanType, aiUsage, modelUsage, type AiAttributes, type AiSpanRecord } from './ai-span-mapping.js';
export { aiChatMessages, aiChatTools, type PromptMessage, type ResponseToolCall } from './ai-chat.js';
