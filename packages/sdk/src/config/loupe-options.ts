import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracerProvider } from '@opentelemetry/api';
import type { Transport } from '../client/transport.js';
import type { ExportQueueOptions } from '../export/export-queue.js';
import type { RedactOptions } from '../export/redaction.js';
import type { PricingOptions } from '@loupe/protocol/pricing';
import type { Scheduler } from '../export/scheduler.js';
import type { TailSamplingRules } from '../export/tail-sampling.js';
import type { Diagnostics } from '../tracing/diagnostics.js';

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
  /** How long `loadPrompt` serves an alias (`@production`, `@latest`) from memory, in ms (`LOUPE_PROMPT_CACHE_TTL_MS`; default 60,000). Pinned versions are kept for good. */
  promptCacheTtlMs?: number;
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
  promptCacheTtlMs: number;
  pricing: PricingOptions | false;
  diagnostics: Diagnostics;
  transport?: Transport;
  scheduler?: Scheduler;
}
