import path from 'node:path';
import { trace as otelTrace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { LoggedModel } from '@loupe/protocol';
import { TraceMetadataKey } from '@loupe/protocol/attributes';
import { clientTransport, LoupeClient } from '../client/loupe-client.js';
import { RestClient } from '../client/rest-client.js';
import { resolveConfig, type LoupeConfig, type LoupeOptions } from '../config/config.js';
import { experimentResolver } from '../export/experiment-resolver.js';
import type { LoupeSpanProcessor, ProcessorStats } from '../export/loupe-span-processor.js';
import { ensureContextManager } from '../tracing/context-manager.js';
import type { LoupeSpan } from '../tracing/loupe-span.js';
import { LoupeSampler } from '../tracing/sampler.js';
import type { TracingEnv } from '../tracing/span-factory.js';
import type { AnyFunction, TraceOptions } from '../tracing/traced-function.js';
import { TraceRegistry, type TraceUpdate } from '../tracing/trace-registry.js';
import { Tracing, type StartSpanOptions } from '../tracing/tracing.js';
import { resolveActiveModel, type ActiveModelTarget } from './active-model.js';
import { createSpanProcessor } from './export-wiring.js';
import type { Prompt, RegisterPromptOptions } from '../client/prompts.js';
import type { Page } from '../client/experiments.js';
import { PromptCache } from '../prompts/prompt-cache.js';
import { parsePromptUri, type PromptTemplate, type PromptVersion } from '../prompts/prompt-version.js';
import { systemScheduler } from '../export/scheduler.js';
import { evaluate, type EvaluateOptions, type EvaluationResult } from '../evaluation/evaluate.js';

const SDK_NAME = '@loupe/sdk';
const SDK_VERSION = '0.1.0';

/**
 * One configured SDK: a tracking client, tracing with its own span processor and export queue, and
 * version tracking. Several can live in one process (different servers or experiments); the
 * package's top-level functions use the one `init()` made.
 *
 * @example
 * const loupe = createLoupe({ trackingUri: 'http://127.0.0.1:5000', experimentName: 'agent' });
 * const answer = loupe.trace(async (q: string) => llm(q), { name: 'answer', spanType: 'CHAIN' });
 * await answer('hi');
 * await loupe.flushTraces();
 */
export class Loupe {
  readonly config: LoupeConfig;
  /** The tracking client for the same server. */
  readonly client: LoupeClient;
  /** Loupe's span processor: add it to your own TracerProvider when `tracerProvider: 'global'`. */
  readonly spanProcessor: LoupeSpanProcessor;
  /** Loupe's own provider (undefined when using yours). */
  readonly tracerProvider: BasicTracerProvider | undefined;
  private readonly registry = new TraceRegistry();
  private readonly tracing: Tracing;
  private readonly resolveExperimentId: () => Promise<string>;
  private readonly onBeforeExit: (() => void) | undefined;
  private readonly prompts: PromptCache;
  private enabled: boolean;
  private closed = false;

  constructor(config: LoupeConfig) {
    this.config = config;
    this.enabled = config.tracingEnabled;
    const { diagnostics } = config;
    const transport = clientTransport({
      ...config.auth,
      trackingUri: config.trackingUri,
      requestTimeoutMs: config.requestTimeoutMs,
      ...(config.workspace ? { workspace: config.workspace } : {}),
      ...(config.transport ? { transport: config.transport } : {}),
    });
    const rest = new RestClient(transport);
    this.client = new LoupeClient(rest);
    this.resolveExperimentId = experimentResolver(rest, config);
    this.spanProcessor = createSpanProcessor(config, this.registry, transport, rest, this.resolveExperimentId);
    ensureContextManager();
    let tracer: Tracer;
    if (config.tracerProvider === 'own') {
      this.tracerProvider = new BasicTracerProvider({
        sampler: new LoupeSampler(config.sampleRatio),
        spanProcessors: [this.spanProcessor],
        resource: resourceFromAttributes({ 'service.name': config.serviceName }),
      });
      tracer = this.tracerProvider.getTracer(SDK_NAME, SDK_VERSION);
    } else {
      this.tracerProvider = undefined;
      const provider: TracerProvider = config.tracerProvider === 'global' ? otelTrace.getTracerProvider() : config.tracerProvider;
      tracer = provider.getTracer(SDK_NAME, SDK_VERSION);
    }
    const isEnabled = () => this.enabled;
    const env: TracingEnv = {
      get enabled() {
        return isEnabled();
      },
      tracer,
      diagnostics,
    };
    this.tracing = new Tracing(env, this.registry);
    this.prompts = new PromptCache({
      fetch: (ref) => this.client.getPromptVersion(ref),
      now: (config.scheduler ?? systemScheduler).now,
      ttlMs: config.promptCacheTtlMs,
      diagnostics,
    });
    const script = process.argv[1];
    if (script) this.registry.setDefaultMetadata(TraceMetadataKey.SOURCE_NAME, path.basename(script));
    this.registry.setDefaultMetadata(TraceMetadataKey.SOURCE_TYPE, 'LOCAL');
    if (config.flushOnExit) {
      this.onBeforeExit = () => void this.flushBeforeExit();
      process.once('beforeExit', this.onBeforeExit);
    }
  }

  /** Wraps a function so every call is a span (see the package's `trace`). */
  trace<F extends AnyFunction>(fn: F, options?: TraceOptions<F>): F {
    return this.tracing.trace(fn, options);
  }

  /** Runs a callback in a new active span (see the package's `withSpan`). */
  withSpan<T>(callback: (span: LoupeSpan) => T, options?: StartSpanOptions): T {
    return this.tracing.withSpan(callback, options);
  }

  /** Starts a span that you end (see the package's `startSpan`). */
  startSpan(options?: StartSpanOptions): LoupeSpan {
    return this.tracing.startSpan(options);
  }

  getCurrentActiveSpan(): LoupeSpan | undefined {
    return this.tracing.getCurrentActiveSpan();
  }

  updateCurrentTrace(update: TraceUpdate): boolean {
    return this.tracing.updateCurrentTrace(update);
  }

  getLastActiveTraceId(): string | undefined {
    return this.tracing.getLastActiveTraceId();
  }

  getCurrentTraceId(): string | undefined {
    return this.tracing.getCurrentTraceId();
  }

  /** Turns tracing on or off at run time. */
  setTracingEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  /** The experiment traces go to (looked up or created by name once). */
  experimentId(): Promise<string> {
    return this.resolveExperimentId();
  }

  /**
   * Makes a logged model the active one: every trace started afterwards carries its id in metadata
   * `mlflow.modelId`. By name it is reused when the experiment has one, else created.
   */
  async setActiveModel(target: ActiveModelTarget): Promise<LoggedModel> {
    if ('modelId' in target) this.registry.setDefaultMetadata(TraceMetadataKey.MODEL_ID, target.modelId);
    const model = await resolveActiveModel(this.client, await this.experimentId(), target);
    this.registry.setDefaultMetadata(TraceMetadataKey.MODEL_ID, model.info.model_id);
    return model;
  }

  /** The active model's id, if any. */
  getActiveModelId(): string | undefined {
    return this.registry.defaultMetadataValue(TraceMetadataKey.MODEL_ID);
  }

  /** Later traces carry no model id. */
  clearActiveModel(): void {
    this.registry.setDefaultMetadata(TraceMetadataKey.MODEL_ID, undefined);
  }

  /** Registers a new version of a prompt (see the package's `registerPrompt`). */
  registerPrompt<T extends PromptTemplate>(options: RegisterPromptOptions<T>): Promise<PromptVersion<T>> {
    return this.client.registerPrompt(options);
  }

  /** Loads a prompt version through the cache and links it to the current trace (see the package's `loadPrompt`). */
  async loadPrompt(nameOrUri: string, options: LoadPromptOptions = {}): Promise<PromptVersion> {
    const ref = options.version !== undefined ? { name: nameOrUri, version: options.version } : parsePromptUri(nameOrUri);
    const prompt = await this.prompts.get(ref, options.cacheTtlMs);
    // Only bookkeeping on the running trace: the link travels with the trace when it ends.
    this.tracing.linkPromptToCurrentTrace(prompt.name, String(prompt.version));
    return prompt;
  }

  /** Points an alias at a prompt version; this instance's cached aliases of the prompt are dropped. */
  async setPromptAlias(name: string, alias: string, version: number): Promise<void> {
    await this.client.setPromptAlias(name, alias, version);
    this.prompts.invalidate(name);
  }

  /** Removes a prompt alias; this instance's cached aliases of the prompt are dropped. */
  async deletePromptAlias(name: string, alias: string): Promise<void> {
    await this.client.deletePromptAlias(name, alias);
    this.prompts.invalidate(name);
  }

  /** Prompts matching an MLflow filter (see the package's `searchPrompts`). */
  searchPrompts(options?: { filter?: string; maxResults?: number; pageToken?: string }): Promise<Page<Prompt>> {
    return this.client.searchPrompts(options);
  }

  /**
   * Evaluates an app (or stored outputs or traces) with code scorers and LLM judges, as MLflow's
   * `mlflow.genai.evaluate`: one run of this instance's experiment, one trace per row with the scorers'
   * feedback on it, `<name>/mean` run metrics. Bad input throws before the run starts; a failing app or
   * scorer is recorded on its row, never thrown.
   *
   * @example
   * const result = await loupe.evaluate({
   *   data: [{ inputs: { question: 'Where is A1001?' }, expectations: { expected_response: 'shipped' } }],
   *   predict: ({ question }) => agent.ask(String(question)),
   *   scorers: [scorer(({ outputs, expectations }) => JSON.stringify(outputs).includes(String(expectations.expected_response)), { name: 'mentions' })],
   * });
   */
  evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
    return evaluate(this, options);
  }

  /** Sends every finished span and trace now; resolves when delivered or after `flushTimeoutMs`. Never rejects. */
  async flushTraces(): Promise<void> {
    try {
      await this.spanProcessor.forceFlush();
    } catch (err) {
      this.config.diagnostics.warn('flushTraces failed', err);
    }
  }

  /** Counters: what was queued, sent, dropped (queue full, failed, sampled out) and retried. */
  exportStats(): ProcessorStats {
    return this.spanProcessor.stats();
  }

  /** Flushes and stops this instance (its provider, queues and exit hook). Never rejects. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.onBeforeExit) process.removeListener('beforeExit', this.onBeforeExit);
    try {
      if (this.tracerProvider) await this.tracerProvider.shutdown();
      else await this.spanProcessor.shutdown();
    } catch (err) {
      this.config.diagnostics.warn('shutdown failed', err);
    }
  }

  private async flushBeforeExit(): Promise<void> {
    // The flush's own timeout timer holds the process open until it is done (ExportQueue.flush), for
    // at most the exit timeout: a script must not hang on a dead server.
    try {
      await this.spanProcessor.forceFlush(this.config.exitFlushTimeoutMs);
    } catch (err) {
      this.config.diagnostics.warn('exit flush failed', err);
    }
  }
}

/** Options of `loadPrompt`. */
export interface LoadPromptOptions {
  /** A version number, when the first argument is a bare name. */
  version?: number;
  /** How long an alias answer may be served from memory for this call (ms; default the instance's `promptCacheTtlMs`). */
  cacheTtlMs?: number;
}

/**
 * Creates an SDK instance from options, the environment, then defaults (`resolveConfig`).
 *
 * @example
 * const prod = createLoupe({ trackingUri: 'https://loupe.internal', experimentName: 'prod' }, process.env);
 */
export function createLoupe(options: LoupeOptions = {}, env: Record<string, string | undefined> = {}): Loupe {
  return new Loupe(resolveConfig(options, env));
}
