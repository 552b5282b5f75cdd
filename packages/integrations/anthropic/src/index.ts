/**
 * `@loupe/anthropic`: Loupe auto-tracing for the Anthropic TypeScript SDK. One line,
 * `traceAnthropic(new Anthropic())`, records every Messages call (streaming, tool use, thinking,
 * cache tokens, errors) as a CHAT_MODEL span with chat, usage and cost.
 */
export { traceAnthropic, type TraceAnthropicOptions } from './trace-anthropic.js';
