/**
 * `@loupe/langchain`: Loupe auto-tracing for LangChain.js and LangGraph.js. One callback handler
 * turns LangChain's run tree (chains, graphs and their nodes, chat models, text LLMs, tools,
 * retrievers, agents) into nested Loupe spans with chat, tools, model, token usage and cost.
 */
export { LoupeCallbackHandler, type LoupeCallbackHandlerOptions } from './loupe-callback-handler.js';
export { registerLoupeHandler } from './register-loupe-handler.js';
export { toChatMessage, toChatMessages, toChatTools } from './to-chat-messages.js';
