import { registerConfigureHook, setContextVariable } from '@langchain/core/context';
import { LoupeCallbackHandler, type LoupeCallbackHandlerOptions } from './loupe-callback-handler.js';

const CONTEXT_VARIABLE = 'loupe_callback_handler';

/**
 * Traces every LangChain run without passing `callbacks`: registers a Loupe handler through
 * LangChain's own configure hook (`registerConfigureHook` + `setContextVariable` from
 * `@langchain/core/context`), which adds it to each run's callbacks. LangChain keeps that variable
 * in its async context: call this once at startup, before the code that starts runs (it applies
 * to what runs after it in the same async flow and everything that flow starts). Returns the handler.
 *
 * @example
 * import { registerLoupeHandler } from '@loupe/langchain';
 * registerLoupeHandler();
 * await agent.invoke({ messages: [{ role: 'user', content: 'hi' }] }); // traced
 */
export function registerLoupeHandler(options: LoupeCallbackHandlerOptions = {}): LoupeCallbackHandler {
  const handler = new LoupeCallbackHandler(options);
  registerConfigureHook({ contextVar: CONTEXT_VARIABLE, inheritable: true });
  setContextVariable(CONTEXT_VARIABLE, handler);
  return handler;
}
