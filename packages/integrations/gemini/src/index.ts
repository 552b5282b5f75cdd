/**
 * `@loupe/gemini`: one line traces Google Gen AI (`@google/genai`): Gemini content generation,
 * streaming, chats, function calls and embeddings as Loupe spans with the chat format, token usage
 * and cost.
 */
export { traceGemini, type GeminiTraceOptions } from './trace-gemini.js';
export { geminiMessages, geminiTools, geminiUsage, mergeGeminiChunks, normalizeContents } from './gemini-chat.js';
