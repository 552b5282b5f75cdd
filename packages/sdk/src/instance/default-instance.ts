import type { LoggedModel } from '@loupe/protocol';
import type { LoupeClient } from '../client/loupe-client.js';
import { processEnv, type LoupeOptions } from '../config/config.js';
import type { ProcessorStats } from '../export/loupe-span-processor.js';
import type { LoupeSpan } from '../tracing/loupe-span.js';
import type { AnyFunction, TraceOptions } from '../tracing/traced-function.js';
import type { TraceUpdate } from '../tracing/trace-registry.js';
import type { StartSpanOptions } from '../tracing/tracing.js';
import type { ActiveModelTarget } from './active-model.js';
import { createLoupe, type LoadPromptOptions, type Loupe } from './loupe.js';
import type { Page } from '../client/experiments.js';
import type { Prompt, RegisterPromptOptions } from '../client/prompts.js';
import type { PromptTemplate, PromptVersion } from '../prompts/prompt-version.js';
import type { EvaluateOptions, EvaluationResult } from '../evaluation/evaluate.js';

// The instance behind the top-level functions, as `console.log` has one console. Explicit instances
// (`createLoupe`) need none of it.
let defaultInstance: Loupe | undefined;

function current(): Loupe {
  defaultInstance ??= createLoupe({}, processEnv());
  return defaultInstance;
}

/**
 * Configures the SDK: options, then environment variables (`LOUPE_*`, `MLFLOW_*`), then defaults.
 * The top-level functions (`trace`, `withSpan`, ...) use this instance; calling `init` again replaces
 * it (the old one flushes and stops). Without `init`, the first use configures from the environment.
 *
 * @example
 * import { init, trace } from '@loupe/sdk';
 * init({ trackingUri: 'http://127.0.0.1:5000', experimentName: 'support-agent' });
 */
export function init(options: LoupeOptions = {}): Loupe {
  const previous = defaultInstance;
  defaultInstance = createLoupe(options, processEnv());
  if (previous) void previous.shutdown();
  return defaultInstance;
}

/**
 * The instance `init()` made (creating one from the environment if needed).
 *
 * @example
 * getLoupe().exportStats();
 */
export function getLoupe(): Loupe {
  return current();
}

/**
 * Wraps `fn` so every call is a span: named-argument inputs, outputs, exceptions (ERROR status and an
 * exception event) and timing, for sync, async, generator and async generator functions. Keeps
 * `fn`'s type. Never throws on its own, and costs ~1 us per call.
 *
 * @example
 * const retrieve = trace(async (query: string, k = 5) => search(query, k), { name: 'retrieve', spanType: 'RETRIEVER' });
 * const docs = await retrieve('refund policy'); // typed as search()'s result
 */
export function trace<F extends AnyFunction>(fn: F, options?: TraceOptions<F>): F {
  // Resolve the instance per call (cheaply), so `trace()` at import time follows a later `init()`.
  let boundTo: Loupe | undefined;
  let wrapped: F = fn;
  const traced = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    const loupe = current();
    if (loupe !== boundTo) {
      boundTo = loupe;
      wrapped = loupe.trace(fn, options);
    }
    return wrapped.apply(this, args) as ReturnType<F>;
  };
  Object.defineProperty(traced, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  return traced as F;
}

/**
 * Runs `callback` inside a new active span and returns its result; the span ends when it returns or
 * its promise settles. Set inputs, outputs and attributes through the span.
 *
 * @example
 * const answer = await withSpan(async (span) => {
 *   span.setInputs({ question });
 *   return llm(question);
 * }, { name: 'answer', spanType: 'LLM' });
 */
export function withSpan<T>(callback: (span: LoupeSpan) => T, options?: StartSpanOptions): T {
  return current().withSpan(callback, options);
}

/**
 * Starts a span that is not made active; end it with `span.end({ outputs })`.
 *
 * @example
 * const span = startSpan({ name: 'stream', spanType: 'LLM', inputs: { prompt } });
 * stream.on('end', () => span.end({ outputs: text }));
 */
export function startSpan(options?: StartSpanOptions): LoupeSpan {
  return current().startSpan(options);
}

/**
 * The active span, if any.
 *
 * @example
 * getCurrentActiveSpan()?.setAttribute('cache.hit', true);
 */
export function getCurrentActiveSpan(): LoupeSpan | undefined {
  return current().getCurrentActiveSpan();
}

/**
 * Adds tags, metadata, session id, user id or client request id to the running trace.
 *
 * @example
 * updateCurrentTrace({ tags: { env: 'prod' }, sessionId: req.session.id, userId: user.id, clientRequestId: req.id });
 */
export function updateCurrentTrace(update: TraceUpdate): boolean {
  return current().updateCurrentTrace(update);
}

/**
 * The id (`tr-...`) of the trace that finished last in this process.
 *
 * @example
 * await answer('hi');
 * const traceId = getLastActiveTraceId();
 */
export function getLastActiveTraceId(): string | undefined {
  return current().getLastActiveTraceId();
}

/**
 * Sends every finished span and trace now; resolves once delivered (or after the flush timeout).
 * Never rejects. Call it before a short-lived process (a script, a serverless handler) ends.
 *
 * @example
 * await flushTraces();
 */
export function flushTraces(): Promise<void> {
  return current().flushTraces();
}

/**
 * Makes a logged model active: every later trace carries `mlflow.modelId`.
 *
 * @example
 * await setActiveModel({ name: 'support-agent', autoVersion: 'git' });
 */
export function setActiveModel(target: ActiveModelTarget): Promise<LoggedModel> {
  return current().setActiveModel(target);
}

/**
 * The tracking client of the default instance.
 *
 * @example
 * const runs = await getClient().searchRuns({ experimentIds: ['1'], filter: 'metrics.acc > 0.9' });
 */
export function getClient(): LoupeClient {
  return current().client;
}

/**
 * Export counters of the default instance: queued, exported, dropped, retried, sampled out.
 *
 * @example
 * const { loupe } = exportStats(); // loupe.droppedQueueFull
 */
export function exportStats(): ProcessorStats {
  return current().exportStats();
}

/**
 * Registers a new version of a prompt, creating the prompt on its first version (MLflow's
 * `mlflow.genai.register_prompt`): a text template with `{{ variables }}` or chat messages.
 *
 * @example
 * const v = await registerPrompt({ name: 'support-qa', template: 'Answer {{ question }} politely.', commitMessage: 'first' });
 * v.uri; // 'prompts:/support-qa/1'
 */
export function registerPrompt<T extends PromptTemplate>(options: RegisterPromptOptions<T>): Promise<PromptVersion<T>> {
  return current().registerPrompt(options);
}

/**
 * Loads a prompt version: `prompts:/name/3`, `prompts:/name@alias`, `prompts:/name@latest`, or a name
 * with `{ version }`. Cached (aliases for `promptCacheTtlMs`, versions for good; the last good
 * version is served when the server is down), and linked to the trace running here, if any.
 *
 * @example
 * const prompt = await loadPrompt('prompts:/support-qa@production');
 * const text = prompt.format({ question });
 */
export function loadPrompt(nameOrUri: string, options?: LoadPromptOptions): Promise<PromptVersion> {
  return current().loadPrompt(nameOrUri, options);
}

/**
 * Points an alias at a prompt version.
 *
 * @example
 * await setPromptAlias('support-qa', 'production', 2);
 */
export function setPromptAlias(name: string, alias: string, version: number): Promise<void> {
  return current().setPromptAlias(name, alias, version);
}

/**
 * Removes a prompt alias.
 *
 * @example
 * await deletePromptAlias('support-qa', 'staging');
 */
export function deletePromptAlias(name: string, alias: string): Promise<void> {
  return current().deletePromptAlias(name, alias);
}

/**
 * Prompts matching an MLflow registry filter (models never show up).
 *
 * @example
 * const { items } = await searchPrompts({ filter: "name LIKE 'support%'" });
 */
export function searchPrompts(options?: { filter?: string; maxResults?: number; pageToken?: string }): Promise<Page<Prompt>> {
  return current().searchPrompts(options);
}

/**
 * Evaluates an app with scorers on the default instance (see `Loupe.evaluate`).
 *
 * @example
 * const { metrics } = await evaluate({ data: rows, predict: answer, scorers: [exactMatch] });
 */
export function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  return current().evaluate(options);
}
