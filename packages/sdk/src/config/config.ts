import fs from 'node:fs';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracerProvider } from '@opentelemetry/api';
import type { Transport } from '../client/transport.js';
import { DEFAULT_EXPORT_QUEUE_OPTIONS, type ExportQueueOptions } from '../export/export-queue.js';
import type { BuiltinRedaction, RedactOptions } from '../export/redaction.js';
import type { PricingOptions } from '../genai/pricing/pricing.js';
import type { Scheduler } from '../export/scheduler.js';
import type { TailSamplingRules } from '../export/tail-sampling.js';
import { consoleDiagnostics, silentDiagnostics, type Diagnostics } from '../tracing/diagnostics.js';

/** Export tuning: the queue, compression, flushing. */
export interface ExportOptions extends Partial<ExportQueueOptions> {
  /** gzip request bodies (default true). */
  gzip?: boolean;
  /** How long `flushTraces()` and the exit flush wait at most (ms, default 30,000). */
  flushTimeoutMs?: number;
  /** Flush when the process is about to exit (`beforeExit`; default true). */
  flushOnExit?: boolean;
  /** How long the exit flush may hold the process (ms, default 5,000), so a script does not hang on a dead server. */
  exitFlushTimeoutMs?: number;
}

/** Another OTLP/HTTP endpoint that gets the same spans (dual export). */
export interface OtlpEndpoint {
  /** Full URL of the traces endpoint, e.g. `http://collector:4318/v1/traces`. */
  url: string;
  headers?: Record<string, string>;
}

/**
 * Everything `init()` / `createLoupe()` accept. Each option falls back to an environment variable
 * (Loupe's `LOUPE_*` name first, then MLflow's), then to a default; see the package README's table.
 *
 * @example
 * init({ trackingUri: 'http://127.0.0.1:5000', experimentName: 'support-agent', sampling: { ratio: 0.5 } });
 */
export interface LoupeOptions {
  /** Server URL (`LOUPE_TRACKING_URI`, `MLFLOW_TRACKING_URI`; default `http://127.0.0.1:5000`). */
  trackingUri?: string;
  /** Experiment for traces (`LOUPE_EXPERIMENT_ID`, `MLFLOW_EXPERIMENT_ID`; default `0`). */
  experimentId?: string;
  /** Experiment by name, created if missing (`LOUPE_EXPERIMENT_NAME`, `MLFLOW_EXPERIMENT_NAME`). */
  experimentName?: string;
  /** Basic auth (`LOUPE_TRACKING_USERNAME` / `_PASSWORD`, `MLFLOW_TRACKING_USERNAME` / `_PASSWORD`). */
  username?: string;
  password?: string;
  /** Bearer token (`LOUPE_TRACKING_TOKEN`, `MLFLOW_TRACKING_TOKEN`); Basic wins when both are set. */
  token?: string;
  /** Sent as `X-MLFLOW-WORKSPACE` (`LOUPE_WORKSPACE`, `MLFLOW_WORKSPACE`). */
  workspace?: string;
  /** HTTP timeout per request in ms (`LOUPE_HTTP_REQUEST_TIMEOUT`, `MLFLOW_HTTP_REQUEST_TIMEOUT`; default 30,000). */
  requestTimeoutMs?: number;
  /** Tracing on or off (`LOUPE_TRACING_ENABLED`; default on). Off, traced functions run untouched. */
  tracingEnabled?: boolean;
  /** Head sampling ratio (`LOUPE_TRACE_SAMPLING_RATIO`, `MLFLOW_TRACE_SAMPLING_RATIO`; default 1) and tail rules. */
  sampling?: { ratio?: number; tail?: TailSamplingRules };
  /** Redaction before export (default: all built-in rules); `false` for none (`LOUPE_REDACT`: `false` or a comma list of built-ins). */
  redact?: RedactOptions | false;
  /** Queue and flush tuning (`LOUPE_EXPORT_MAX_QUEUE_SIZE`, `LOUPE_EXPORT_BATCH_SIZE`, `LOUPE_EXPORT_DELAY_MS`, `LOUPE_EXPORT_RETRY_WINDOW_MS`). */
  export?: ExportOptions;
  /** Dual export: OTLP endpoints that get the same spans (`LOUPE_OTLP_ENDPOINT`, one URL). */
  otlpEndpoints?: OtlpEndpoint[];
  /** Dual export: any OpenTelemetry exporters that get the same spans. */
  spanExporters?: SpanExporter[];
  /**
   * Which TracerProvider Loupe's `trace()` / `withSpan()` use: `'own'` (default; Loupe's, with its
   * processor and sampler), `'global'` (the app's registered provider, to which you add
   * `loupe.spanProcessor`), or a provider.
   */
  tracerProvider?: 'own' | 'global' | TracerProvider;
  /** `service.name` of Loupe's own provider (`LOUPE_SERVICE_NAME`, `OTEL_SERVICE_NAME`). */
  serviceName?: string;
  /**
   * The model price catalog that gives LLM spans their cost (`mlflow.llm.cost`): Loupe's defaults,
   * extended or replaced here; `false` for no cost (`LOUPE_PRICING`: `false`, or the path of a JSON
   * file shaped like the defaults' model-prices.json, merged over them).
   */
  pricing?: PricingOptions | false;
  /** Where SDK problems are reported (default silent; `LOUPE_DEBUG=true` prints them). */
  diagnostics?: Diagnostics;
  /** A custom transport (proxies, special networks); replaces the built-in HTTP one. */
  transport?: Transport;
  /** Clock and timers of the export worker (tests). */
  scheduler?: Scheduler;
}

/** The resolved configuration: every value decided. */
export interface LoupeConfig {
  trackingUri: string;
  experimentId?: string;
  experimentName?: string;
  auth: { username?: string; password?: string; token?: string };
  workspace?: string;
  requestTimeoutMs: number;
  tracingEnabled: boolean;
  sampleRatio: number;
  tail?: TailSamplingRules;
  redact: RedactOptions | false;
  queue: ExportQueueOptions;
  gzip: boolean;
  flushTimeoutMs: number;
  flushOnExit: boolean;
  exitFlushTimeoutMs: number;
  otlpEndpoints: OtlpEndpoint[];
  spanExporters: SpanExporter[];
  tracerProvider: 'own' | 'global' | TracerProvider;
  serviceName: string;
  pricing: PricingOptions | false;
  diagnostics: Diagnostics;
  transport?: Transport;
  scheduler?: Scheduler;
}

type Env = Record<string, string | undefined>;

const BUILTINS: BuiltinRedaction[] = ['apiKeys', 'emails', 'cardNumbers', 'secretKeys'];

function pick(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** Reads environment values, warning (not throwing) on bad ones, as OpenTelemetry's config does. */
class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly diagnostics: Diagnostics,
  ) {}

  text(...names: string[]): string | undefined {
    return pick(this.env, ...names);
  }

  number(min: number, max: number, ...names: string[]): number | undefined {
    const raw = pick(this.env, ...names);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= min && n <= max) return n;
    this.diagnostics.warn(`${names[0]}='${raw}' is not a number in [${min}, ${max}]; using the default`);
    return undefined;
  }

  bool(...names: string[]): boolean | undefined {
    const raw = pick(this.env, ...names);
    if (raw === undefined) return undefined;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    this.diagnostics.warn(`${names[0]}='${raw}' is not true or false; using the default`);
    return undefined;
  }

  /** `LOUPE_PRICING`: `false` turns cost off; anything else is the path of a price file merged over the defaults. */
  pricing(): PricingOptions | false | undefined {
    const raw = pick(this.env, 'LOUPE_PRICING');
    if (raw === undefined) return undefined;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    try {
      const parsed = JSON.parse(fs.readFileSync(raw, 'utf8')) as { models?: unknown; replaceDefaults?: unknown };
      const models = parsed.models ?? parsed;
      if (typeof models !== 'object' || models === null || Array.isArray(models))
        throw new Error('expected {"models": {"<model>": {"input": ..., "output": ...}}}');
      return { models: models as PricingOptions['models'] & object, replaceDefaults: parsed.replaceDefaults === true };
    } catch (err) {
      this.diagnostics.warn(`LOUPE_PRICING: cannot read prices from '${raw}'; using the default catalog`, err);
      return undefined;
    }
  }

  redact(): RedactOptions | false | undefined {
    const raw = pick(this.env, 'LOUPE_REDACT');
    if (raw === undefined) return undefined;
    if (/^(0|false|no|off|none)$/i.test(raw)) return false;
    if (/^(1|true|yes|on|all)$/i.test(raw)) return { builtins: true };
    const names = raw.split(',').map((s) => s.trim());
    const known = names.filter((n): n is BuiltinRedaction => (BUILTINS as string[]).includes(n));
    if (known.length !== names.length)
      this.diagnostics.warn(
        `LOUPE_REDACT lists unknown rules (${names.filter((n) => !known.includes(n as BuiltinRedaction)).join(', ')}); known: ${BUILTINS.join(', ')}`,
      );
    return { builtins: known };
  }
}

function clampRatio(ratio: number, diagnostics: Diagnostics): number {
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  diagnostics.warn(`sampling.ratio must be in [0, 1], got ${ratio}; using 1`);
  return 1;
}

/**
 * Resolves the SDK configuration: options, then environment (`LOUPE_*`, then `MLFLOW_*`), then
 * defaults. The one function that decides precedence; a bad environment value is reported and
 * ignored. The experiment is taken as a whole from the first layer that names one.
 *
 * @example
 * const config = resolveConfig({ experimentName: 'agent' }, process.env);
 */
export function resolveConfig(options: LoupeOptions, env: Env): LoupeConfig {
  const envDebug = /^(1|true|yes|on)$/i.test(env.LOUPE_DEBUG ?? '');
  const diagnostics = options.diagnostics ?? (envDebug ? consoleDiagnostics : silentDiagnostics);
  const read = new EnvReader(env, diagnostics);
  const experiment =
    options.experimentId !== undefined || options.experimentName !== undefined
      ? { experimentId: options.experimentId, experimentName: options.experimentName }
      : {
          experimentId: read.text('LOUPE_EXPERIMENT_ID', 'MLFLOW_EXPERIMENT_ID'),
          experimentName: read.text('LOUPE_EXPERIMENT_NAME', 'MLFLOW_EXPERIMENT_NAME'),
        };
  if (experiment.experimentId === undefined && experiment.experimentName === undefined) experiment.experimentId = '0';
  const queue: ExportQueueOptions = {
    maxQueueSize: options.export?.maxQueueSize ?? read.number(1, 10_000_000, 'LOUPE_EXPORT_MAX_QUEUE_SIZE') ?? DEFAULT_EXPORT_QUEUE_OPTIONS.maxQueueSize,
    maxBatchSize: options.export?.maxBatchSize ?? read.number(1, 100_000, 'LOUPE_EXPORT_BATCH_SIZE') ?? DEFAULT_EXPORT_QUEUE_OPTIONS.maxBatchSize,
    scheduleDelayMs: options.export?.scheduleDelayMs ?? read.number(0, 3_600_000, 'LOUPE_EXPORT_DELAY_MS') ?? DEFAULT_EXPORT_QUEUE_OPTIONS.scheduleDelayMs,
    retryWindowMs: options.export?.retryWindowMs ?? read.number(0, 86_400_000, 'LOUPE_EXPORT_RETRY_WINDOW_MS') ?? DEFAULT_EXPORT_QUEUE_OPTIONS.retryWindowMs,
    initialBackoffMs: options.export?.initialBackoffMs ?? DEFAULT_EXPORT_QUEUE_OPTIONS.initialBackoffMs,
    maxBackoffMs: options.export?.maxBackoffMs ?? DEFAULT_EXPORT_QUEUE_OPTIONS.maxBackoffMs,
  };
  const envEndpoint = read.text('LOUPE_OTLP_ENDPOINT');
  const config: LoupeConfig = {
    trackingUri: (options.trackingUri ?? read.text('LOUPE_TRACKING_URI', 'MLFLOW_TRACKING_URI') ?? 'http://127.0.0.1:5000').replace(/\/+$/, ''),
    ...(experiment.experimentId !== undefined ? { experimentId: experiment.experimentId } : { experimentName: experiment.experimentName as string }),
    auth: {
      username: options.username ?? read.text('LOUPE_TRACKING_USERNAME', 'MLFLOW_TRACKING_USERNAME'),
      password: options.password ?? read.text('LOUPE_TRACKING_PASSWORD', 'MLFLOW_TRACKING_PASSWORD'),
      token: options.token ?? read.text('LOUPE_TRACKING_TOKEN', 'MLFLOW_TRACKING_TOKEN'),
    },
    requestTimeoutMs: options.requestTimeoutMs ?? read.number(1, 3_600_000, 'LOUPE_HTTP_REQUEST_TIMEOUT', 'MLFLOW_HTTP_REQUEST_TIMEOUT') ?? 30_000,
    tracingEnabled: options.tracingEnabled ?? read.bool('LOUPE_TRACING_ENABLED') ?? true,
    sampleRatio: clampRatio(options.sampling?.ratio ?? read.number(0, 1, 'LOUPE_TRACE_SAMPLING_RATIO', 'MLFLOW_TRACE_SAMPLING_RATIO') ?? 1, diagnostics),
    redact: options.redact ?? read.redact() ?? {},
    queue,
    gzip: options.export?.gzip ?? true,
    flushTimeoutMs: options.export?.flushTimeoutMs ?? 30_000,
    flushOnExit: options.export?.flushOnExit ?? true,
    exitFlushTimeoutMs: options.export?.exitFlushTimeoutMs ?? 5_000,
    otlpEndpoints: options.otlpEndpoints ?? (envEndpoint ? [{ url: envEndpoint }] : []),
    spanExporters: options.spanExporters ?? [],
    tracerProvider: options.tracerProvider ?? 'own',
    serviceName: options.serviceName ?? read.text('LOUPE_SERVICE_NAME', 'OTEL_SERVICE_NAME') ?? 'loupe-app',
    pricing: options.pricing ?? read.pricing() ?? {},
    diagnostics,
  };
  const workspace = options.workspace ?? read.text('LOUPE_WORKSPACE', 'MLFLOW_WORKSPACE');
  if (workspace !== undefined) config.workspace = workspace;
  if (options.sampling?.tail) config.tail = options.sampling.tail;
  if (options.transport) config.transport = options.transport;
  if (options.scheduler) config.scheduler = options.scheduler;
  return config;
}

/**
 * The process environment: the SDK's only read of `process.env`, so everything else takes `env` as an argument.
 *
 * @example
 * resolveConfig({}, processEnv());
 */
export function processEnv(): Env {
  return process.env;
}
