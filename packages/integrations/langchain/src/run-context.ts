import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import type { LoupeSpan } from '@loupe/sdk';
import { patchMethod, runInSpan } from '@loupe/sdk/genai';

/**
 * Makes a LangChain run's span the active OpenTelemetry span while LangChain runs user code for it,
 * so spans the user starts inside a tool's function (or a `RunnableLambda`, a LangGraph node) nest
 * under that TOOL / CHAIN span. Callbacks alone cannot do this: LangChain calls them beside the
 * user's function, not around it. But it runs every such function through
 * `AsyncLocalStorageProviderSingleton.runWithConfig(config, fn)`, with `config.callbacks` the run's
 * child callback manager (whose parent run is the tool's run), so wrapping that one method finds
 * the run, asks the Loupe handler among the manager's handlers for its span, and runs `fn` in it.
 */

/** What the wrapper needs from a Loupe handler (branded, so two copies of this package still match). */
export interface RunSpans {
  spanOfRun(runId: string): LoupeSpan | undefined;
}

/** The brand of a Loupe callback handler. */
export const LOUPE_HANDLER = Symbol.for('loupe.langchain.handler');

interface ManagerLike {
  getParentRunId?(): string | undefined;
  handlers?: unknown[];
}

function spanFor(config: unknown): LoupeSpan | undefined {
  const manager = (config as { callbacks?: ManagerLike } | undefined)?.callbacks;
  if (!manager || typeof manager.getParentRunId !== 'function' || !Array.isArray(manager.handlers)) return undefined;
  const runId = manager.getParentRunId();
  if (!runId) return undefined;
  for (const h of manager.handlers) {
    if (typeof h === 'object' && h !== null && (h as { [LOUPE_HANDLER]?: unknown })[LOUPE_HANDLER]) {
      const span = (h as RunSpans).spanOfRun(runId);
      if (span) return span;
    }
  }
  return undefined;
}

/**
 * Installs the wrapper once per copy of `@langchain/core` (patching twice is a no-op).
 *
 * @example
 * installRunContext(); // done by `new LoupeCallbackHandler()`
 */
export function installRunContext(): void {
  patchMethod(
    AsyncLocalStorageProviderSingleton,
    'runWithConfig',
    (original) =>
      function (this: unknown, config: unknown, callback: () => unknown, ...rest: unknown[]) {
        let span: LoupeSpan | undefined;
        try {
          span = spanFor(config);
        } catch {
          span = undefined;
        }
        const inner = span ? () => runInSpan(span, callback) : callback;
        return original.call(this, config, inner, ...rest);
      },
  );
}
