/**
 * `@loupe/bedrock`: Loupe auto-tracing for Amazon Bedrock Runtime (AWS SDK v3). One line,
 * `traceBedrock(new BedrockRuntimeClient())`, records Converse, ConverseStream, InvokeModel and
 * InvokeModelWithResponseStream calls as spans with chat, token usage and cost.
 */
export { traceBedrock, type TraceBedrockOptions, type BedrockClientLike } from './trace-bedrock.js';
export { converseRequestMessages, converseAnswer, converseTools, converseUsage, ConverseStreamAccumulator } from './converse.js';
export { decodeBody, familyOf, InvokeStreamAccumulator, type BodyFamily } from './invoke-model.js';
