import fs from 'node:fs';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracerProvider } from '@opentelemetry/api';
import { DEFAULT_EXPORT_QUEUE_OPTIONS } from '../export/export-queue.js';
import type { BuiltinRedaction, RedactOptions } from '../export/redaction.js';
import { pricingOptionsFromJson, type PricingOptions } from '@loupe/protocol/pricing';
import type { LoupeOptions, OtlpEndpoint } from './loupe-options.js';

/**
 * Reads an environment variable's text: its value, or what is wrong with it. Small functions, as
 * OpenTelemetry JS reads its environment, rather than zod schemas: zod would be the SDK's only reason
 * to load zod, which adds about half to the time `import '@loupe/sdk'` takes.
 */
export type EnvParser<T> = (text: string) => { value: T } | { problem: string };

/**
 * One setting of the SDK: the option that sets it, the environment variables that stand in for the
 * option (Loupe's name first, then MLflow's or OpenTelemetry's), how a variable's text is read, and
 * the default. `resolveConfig` takes the first of option, variable, default that is set.
 */
export interface Setting<T> {
  option: (options: LoupeOptions) => T | undefined;
  env: readonly string[];
  /** Reads a variable's text; text it rejects is reported through diagnostics and the default is used. */
  fromEnv?: EnvParser<T>;
  /** A caveat about text `fromEnv` accepted (reported, and the value kept). */
  caveat?: (text: string) => string | undefined;
  default: T;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;

const TRUTHY = ['1', 'true', 'yes', 'on'];
const FALSY = ['0', 'false', 'no', 'off'];
const BUILTINS: BuiltinRedaction[] = ['apiKeys', 'emails', 'cardNumbers', 'secretKeys'];
const isBuiltin = (name: string): name is BuiltinRedaction => (BUILTINS as string[]).includes(name);
const oneOf = (words: string[], text: string) => words.includes(text.toLowerCase());
const listed = (raw: string) => raw.split(',').map((s) => s.trim());

const text: EnvParser<string> = (value) => ({ value });
const flag: EnvParser<boolean> = (raw) => (oneOf(TRUTHY, raw) ? { value: true } : oneOf(FALSY, raw) ? { value: false } : { problem: 'is not true or false' });
function numberIn(min: number, max: number): EnvParser<number> {
  return (raw) => {
    const n = Number(raw);
    return Number.isFinite(n) && n >= min && n <= max ? { value: n } : { problem: `is not a number in [${min}, ${max}]` };
  };
}

/** `LOUPE_REDACT`: `false`/`none` for no redaction, `true`/`all` for every built-in, or a comma list of built-ins (unknown names dropped). */
const redactList: EnvParser<RedactOptions | false> = (raw) => {
  if (oneOf([...FALSY, 'none'], raw)) return { value: false };
  if (oneOf([...TRUTHY, 'all'], raw)) return { value: { builtins: true } };
  return { value: { builtins: listed(raw).filter(isBuiltin) } };
};
function unknownRedactions(raw: string): string | undefined {
  if (oneOf([...FALSY, 'none', ...TRUTHY, 'all'], raw)) return undefined;
  const unknown = listed(raw).filter((name) => !isBuiltin(name));
  return unknown.length ? `LOUPE_REDACT lists unknown rules (${unknown.join(', ')}); known: ${BUILTINS.join(', ')}` : undefined;
}

/** `LOUPE_PRICING`: `false` turns cost off; anything else is the path of a price file merged over the defaults. */
const priceFile: EnvParser<PricingOptions | false> = (raw) => {
  if (oneOf(FALSY, raw)) return { value: false };
  try {
    const options = pricingOptionsFromJson(JSON.parse(fs.readFileSync(raw, 'utf8')) as unknown);
    if (typeof options === 'string') throw new Error(options);
    return { value: options };
  } catch (err) {
    return { problem: `is not a readable price file (${(err as Error).message})` };
  }
};

/**
 * Every setting with an environment variable or a default, in the order of the README's table.
 * The experiment (`experimentId` / `experimentName`) is read from here too, but decided as a whole
 * (see `resolveConfig`).
 *
 * @example
 * SETTINGS.requestTimeoutMs.env; // ['LOUPE_HTTP_REQUEST_TIMEOUT', 'MLFLOW_HTTP_REQUEST_TIMEOUT']
 */
export const SETTINGS = {
  trackingUri: setting<string>({
    option: (o) => o.trackingUri,
    env: ['LOUPE_TRACKING_URI', 'MLFLOW_TRACKING_URI'],
    fromEnv: text,
    default: 'http://127.0.0.1:5000',
  }),
  experimentId: setting<string>({ option: (o) => o.experimentId, env: ['LOUPE_EXPERIMENT_ID', 'MLFLOW_EXPERIMENT_ID'], fromEnv: text, default: '0' }),
  experimentName: setting<string | undefined>({
    option: (o) => o.experimentName,
    env: ['LOUPE_EXPERIMENT_NAME', 'MLFLOW_EXPERIMENT_NAME'],
    fromEnv: text,
    default: undefined,
  }),
  username: setting<string | undefined>({
    option: (o) => o.username,
    env: ['LOUPE_TRACKING_USERNAME', 'MLFLOW_TRACKING_USERNAME'],
    fromEnv: text,
    default: undefined,
  }),
  password: setting<string | undefined>({
    option: (o) => o.password,
    env: ['LOUPE_TRACKING_PASSWORD', 'MLFLOW_TRACKING_PASSWORD'],
    fromEnv: text,
    default: undefined,
  }),
  token: setting<string | undefined>({ option: (o) => o.token, env: ['LOUPE_TRACKING_TOKEN', 'MLFLOW_TRACKING_TOKEN'], fromEnv: text, default: undefined }),
  workspace: setting<string | undefined>({ option: (o) => o.workspace, env: ['LOUPE_WORKSPACE', 'MLFLOW_WORKSPACE'], fromEnv: text, default: undefined }),
  requestTimeoutMs: setting<number>({
    option: (o) => o.requestTimeoutMs,
    env: ['LOUPE_HTTP_REQUEST_TIMEOUT', 'MLFLOW_HTTP_REQUEST_TIMEOUT'],
    fromEnv: numberIn(1, 3_600_000),
    default: 30_000,
  }),
  tracingEnabled: setting<boolean>({ option: (o) => o.tracingEnabled, env: ['LOUPE_TRACING_ENABLED'], fromEnv: flag, default: true }),
  sampleRatio: setting<number>({
    option: (o) => o.sampling?.ratio,
    env: ['LOUPE_TRACE_SAMPLING_RATIO', 'MLFLOW_TRACE_SAMPLING_RATIO'],
    fromEnv: numberIn(0, 1),
    default: 1,
  }),
  redact: setting<RedactOptions | false>({ option: (o) => o.redact, env: ['LOUPE_REDACT'], fromEnv: redactList, caveat: unknownRedactions, default: {} }),
  maxQueueSize: setting<number>({
    option: (o) => o.export?.maxQueueSize,
    env: ['LOUPE_EXPORT_MAX_QUEUE_SIZE'],
    fromEnv: numberIn(1, 10_000_000),
    default: DEFAULT_EXPORT_QUEUE_OPTIONS.maxQueueSize,
  }),
  maxBatchSize: setting<number>({
    option: (o) => o.export?.maxBatchSize,
    env: ['LOUPE_EXPORT_BATCH_SIZE'],
    fromEnv: numberIn(1, 100_000),
    default: DEFAULT_EXPORT_QUEUE_OPTIONS.maxBatchSize,
  }),
  scheduleDelayMs: setting<number>({
    option: (o) => o.export?.scheduleDelayMs,
    env: ['LOUPE_EXPORT_DELAY_MS'],
    fromEnv: numberIn(0, 3_600_000),
    default: DEFAULT_EXPORT_QUEUE_OPTIONS.scheduleDelayMs,
  }),
  retryWindowMs: setting<number>({
    option: (o) => o.export?.retryWindowMs,
    env: ['LOUPE_EXPORT_RETRY_WINDOW_MS'],
    fromEnv: numberIn(0, 86_400_000),
    default: DEFAULT_EXPORT_QUEUE_OPTIONS.retryWindowMs,
  }),
  initialBackoffMs: setting<number>({ option: (o) => o.export?.initialBackoffMs, env: [], default: DEFAULT_EXPORT_QUEUE_OPTIONS.initialBackoffMs }),
  maxBackoffMs: setting<number>({ option: (o) => o.export?.maxBackoffMs, env: [], default: DEFAULT_EXPORT_QUEUE_OPTIONS.maxBackoffMs }),
  gzip: setting<boolean>({ option: (o) => o.export?.gzip, env: [], default: true }),
  flushTimeoutMs: setting<number>({ option: (o) => o.export?.flushTimeoutMs, env: [], default: 30_000 }),
  flushOnExit: setting<boolean>({ option: (o) => o.export?.flushOnExit, env: [], default: true }),
  exitFlushTimeoutMs: setting<number>({ option: (o) => o.export?.exitFlushTimeoutMs, env: [], default: 5_000 }),
  otlpEndpoints: setting<OtlpEndpoint[]>({
    option: (o) => o.otlpEndpoints,
    env: ['LOUPE_OTLP_ENDPOINT'],
    fromEnv: (url) => ({ value: [{ url }] }),
    default: [],
  }),
  spanExporters: setting<SpanExporter[]>({ option: (o) => o.spanExporters, env: [], default: [] }),
  tracerProvider: setting<'own' | 'global' | TracerProvider>({ option: (o) => o.tracerProvider, env: [], default: 'own' }),
  promptCacheTtlMs: setting<number>({
    option: (o) => o.promptCacheTtlMs,
    env: ['LOUPE_PROMPT_CACHE_TTL_MS'],
    fromEnv: numberIn(0, 86_400_000),
    default: 60_000,
  }),
  serviceName: setting<string>({ option: (o) => o.serviceName, env: ['LOUPE_SERVICE_NAME', 'OTEL_SERVICE_NAME'], fromEnv: text, default: 'loupe-app' }),
  pricing: setting<PricingOptions | false>({ option: (o) => o.pricing, env: ['LOUPE_PRICING'], fromEnv: priceFile, default: {} }),
  /** Whether SDK problems are printed when no `diagnostics` option is given. */
  debug: setting<boolean>({ option: () => undefined, env: ['LOUPE_DEBUG'], fromEnv: flag, default: false }),
};
