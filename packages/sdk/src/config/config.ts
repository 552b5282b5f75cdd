import { consoleDiagnostics, silentDiagnostics, type Diagnostics } from '../tracing/diagnostics.js';
import type { LoupeConfig, LoupeOptions } from './loupe-options.js';
import { SETTINGS, type Setting } from './settings.js';

export type { ExportOptions, LoupeConfig, LoupeOptions, OtlpEndpoint } from './loupe-options.js';

type Env = Record<string, string | undefined>;

/**
 * Reads settings from their environment variables (the first one set and not empty), warning instead
 * of throwing on text a setting's parser rejects, as OpenTelemetry's configuration does.
 */
function envReader(env: Env, diagnostics: Diagnostics) {
  return <T>(s: Setting<T>): T | undefined => {
    const name = s.env.find((n) => env[n] !== undefined && env[n] !== '');
    if (name === undefined || !s.fromEnv) return undefined;
    const raw = env[name] as string;
    const read = s.fromEnv(raw);
    if ('problem' in read) {
      diagnostics.warn(`${name}='${raw}' ${read.problem}; using the default`);
      return undefined;
    }
    const caveat = s.caveat?.(raw);
    if (caveat) diagnostics.warn(caveat);
    return read.value;
  };
}

function clampRatio(ratio: number, diagnostics: Diagnostics): number {
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  diagnostics.warn(`sampling.ratio must be in [0, 1], got ${ratio}; using 1`);
  return 1;
}

/**
 * Resolves the SDK configuration: each setting of {@link SETTINGS} from its option, else its
 * environment variable (`LOUPE_*`, then `MLFLOW_*`), else its default. The one function that decides
 * precedence; a bad environment value is reported through the diagnostics and ignored. The
 * experiment is taken as a whole from the first layer that names one.
 *
 * @example
 * const config = resolveConfig({ experimentName: 'agent' }, process.env);
 */
export function resolveConfig(options: LoupeOptions, env: Env): LoupeConfig {
  const diagnostics = options.diagnostics ?? (envReader(env, silentDiagnostics)(SETTINGS.debug) ? consoleDiagnostics : silentDiagnostics);
  const fromEnv = envReader(env, diagnostics);
  const value = <T>(s: Setting<T>): T => s.option(options) ?? fromEnv(s) ?? s.default;
  const named = <T>(s: Setting<T>) => s.option(options) !== undefined;
  const experiment =
    named(SETTINGS.experimentId) || named(SETTINGS.experimentName)
      ? { experimentId: options.experimentId, experimentName: options.experimentName }
      : { experimentId: fromEnv(SETTINGS.experimentId), experimentName: fromEnv(SETTINGS.experimentName) };
  const config: LoupeConfig = {
    trackingUri: value(SETTINGS.trackingUri).replace(/\/+$/, ''),
    ...(experiment.experimentId === undefined && experiment.experimentName !== undefined
      ? { experimentName: experiment.experimentName }
      : { experimentId: experiment.experimentId ?? SETTINGS.experimentId.default }),
    auth: { username: value(SETTINGS.username), password: value(SETTINGS.password), token: value(SETTINGS.token) },
    requestTimeoutMs: value(SETTINGS.requestTimeoutMs),
    tracingEnabled: value(SETTINGS.tracingEnabled),
    sampleRatio: clampRatio(value(SETTINGS.sampleRatio), diagnostics),
    redact: value(SETTINGS.redact),
    queue: {
      maxQueueSize: value(SETTINGS.maxQueueSize),
      maxBatchSize: value(SETTINGS.maxBatchSize),
      scheduleDelayMs: value(SETTINGS.scheduleDelayMs),
      retryWindowMs: value(SETTINGS.retryWindowMs),
      initialBackoffMs: value(SETTINGS.initialBackoffMs),
      maxBackoffMs: value(SETTINGS.maxBackoffMs),
    },
    gzip: value(SETTINGS.gzip),
    flushTimeoutMs: value(SETTINGS.flushTimeoutMs),
    flushOnExit: value(SETTINGS.flushOnExit),
    exitFlushTimeoutMs: value(SETTINGS.exitFlushTimeoutMs),
    otlpEndpoints: value(SETTINGS.otlpEndpoints),
    spanExporters: value(SETTINGS.spanExporters),
    tracerProvider: value(SETTINGS.tracerProvider),
    serviceName: value(SETTINGS.serviceName),
    promptCacheTtlMs: value(SETTINGS.promptCacheTtlMs),
    pricing: value(SETTINGS.pricing),
    diagnostics,
  };
  const workspace = value(SETTINGS.workspace);
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
