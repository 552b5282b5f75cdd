/**
 * `@loupe/openai-agents`: one line to record OpenAI Agents SDK runs (`@openai/agents`) in Loupe.
 *
 * @example
 * import { init } from '@loupe/sdk';
 * import { traceOpenAIAgents } from '@loupe/openai-agents';
 * init();
 * traceOpenAIAgents({ exclusive: true });
 */
export { traceOpenAIAgents, type TraceOpenAIAgentsOptions } from './trace-openai-agents.js';
export { LoupeTracingProcessor } from './loupe-tracing-processor.js';
