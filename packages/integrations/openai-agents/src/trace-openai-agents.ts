import type { IntegrationOptions } from '@loupe/sdk/genai';
import { addTraceProcessor, getGlobalTraceProvider, setTraceProcessors } from '@openai/agents';
import { LoupeTracingProcessor } from './loupe-tracing-processor.js';

/** Options of {@link traceOpenAIAgents}. */
export interface TraceOpenAIAgentsOptions extends IntegrationOptions {
  /**
   * Replace the Agents SDK's trace processors with Loupe's, which stops its default export of
   * traces to OpenAI's servers (default false: Loupe's processor is added next to them).
   */
  exclusive?: boolean;
}

// Kept on the SDK's global trace provider (itself a global), so registering twice, even from two
// copies of this package, adds one processor per Loupe instance.
const REGISTERED = Symbol.for('loupe.openai-agents.processors');
const DEFAULT_INSTANCE = Symbol('default Loupe instance');

/**
 * Records every OpenAI Agents SDK run as Loupe spans by registering a {@link LoupeTracingProcessor}
 * on the SDK's tracing: the workflow, its agents, model calls (with model, token usage, cost and
 * chat), tool calls, handoffs and guardrails, nested under the Loupe span active when `run()`
 * starts. Calling it again returns the processor already registered for that Loupe instance.
 * The Agents SDK turns its tracing off when `NODE_ENV=test` or `OPENAI_AGENTS_DISABLE_TRACING` is
 * set, and `setTracingDisabled(true)` stops every processor, Loupe's too: to keep traces away from
 * OpenAI's servers, pass `exclusive: true` instead.
 *
 * @example
 * import { Agent, run } from '@openai/agents';
 * import { traceOpenAIAgents } from '@loupe/openai-agents';
 * traceOpenAIAgents({ exclusive: true });
 * await run(new Agent({ name: 'Assistant', instructions: 'Be brief.' }), 'Hello');
 */
export function traceOpenAIAgents(options: TraceOpenAIAgentsOptions = {}): LoupeTracingProcessor {
  const provider = getGlobalTraceProvider() as unknown as { [REGISTERED]?: Map<unknown, LoupeTracingProcessor> };
  const registered = (provider[REGISTERED] ??= new Map());
  const key = options.loupe ?? DEFAULT_INSTANCE;
  let processor = registered.get(key);
  const fresh = !processor;
  if (!processor) {
    processor = new LoupeTracingProcessor(options.loupe ? { loupe: options.loupe } : {});
    registered.set(key, processor);
  }
  if (options.exclusive) setTraceProcessors([processor]);
  else if (fresh) addTraceProcessor(processor);
  return processor;
}
