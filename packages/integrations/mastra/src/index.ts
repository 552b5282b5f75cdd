/**
 * `@loupe/mastra`: Loupe auto-tracing for Mastra. One AI-tracing exporter records Mastra's agent
 * runs, model generations and tool calls as nested Loupe spans with chat, usage and cost.
 */
export { LoupeExporter, type LoupeExporterOptions } from './loupe-exporter.js';
export { toChatMessages } from './to-chat-messages.js';
