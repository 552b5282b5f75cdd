import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** Everything the server needs to start, resolved from flags, then environment, then defaults. */
export interface ServerConfig {
  host: string;
  port: number;
  /** `sqlite:///relative.db`, `sqlite:////abs/path.db`, `sqlite://:memory:`, or `postgresql://...`. */
  backendStoreUri: string;
  /** Root URI new experiments get their artifact location under. */
  defaultArtifactRoot: string;
  /** Local folder behind the proxied artifact service (`mlflow-artifacts:/`). */
  artifactsDestination: string;
  serveArtifacts: boolean;
  /** Largest JSON request body, in bytes. */
  maxJsonBodyBytes: number;
  /** Milliseconds SIGTERM waits for in-flight requests before closing. */
  shutdownGraceMs: number;
  /** Days traces are kept when their experiment does not say (`loupe.trace.retentionDays`); undefined: forever. */
  traceRetentionDays?: number;
  /** Milliseconds between trace retention passes. */
  traceRetentionIntervalMs: number;
  /** Worker threads that decode OTLP bodies; 0 decodes on the request thread. */
  otlpDecodeThreads: number;
  /**
   * Folder of the built web UI served at `/` (a code option, for tests); unset: the `ui` folder beside
   * the server's entry point, where the build puts it; null: serve no UI.
   */
  uiRoot?: string | null;
}

/** Where a setting came from when it was not a flag: Loupe's own variable, then MLflow's. */
const ENV_NAMES = {
  host: ['LOUPE_HOST', 'MLFLOW_HOST'],
  port: ['LOUPE_PORT', 'MLFLOW_PORT'],
  backendStoreUri: ['LOUPE_BACKEND_STORE_URI', 'MLFLOW_BACKEND_STORE_URI'],
  defaultArtifactRoot: ['LOUPE_DEFAULT_ARTIFACT_ROOT', 'MLFLOW_DEFAULT_ARTIFACT_ROOT'],
  artifactsDestination: ['LOUPE_ARTIFACTS_DESTINATION', 'MLFLOW_ARTIFACTS_DESTINATION'],
  serveArtifacts: ['LOUPE_SERVE_ARTIFACTS', 'MLFLOW_SERVE_ARTIFACTS'],
  maxJsonBodyBytes: ['LOUPE_MAX_JSON_BODY_BYTES'],
  shutdownGraceMs: ['LOUPE_SHUTDOWN_GRACE_MS'],
  traceRetentionDays: ['LOUPE_TRACE_RETENTION_DAYS'],
  traceRetentionIntervalMs: ['LOUPE_TRACE_RETENTION_INTERVAL_MS'],
  otlpDecodeThreads: ['LOUPE_OTLP_DECODE_THREADS'],
} as const;

/** Settings a caller may give in code; unset ones fall back to the environment, then to defaults. */
export type ServerOptions = Partial<ServerConfig>;

const DEFAULT_DATA_DIR = './loupe-data';

/** Raised for a bad flag or environment value; the CLI prints its message and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function fromEnv(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function parseBool(name: string, raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
}

function parseIntSetting(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got '${raw}'`);
  return n;
}

/**
 * Resolves the server configuration: explicit options, then environment (`LOUPE_*`, then MLflow's
 * `MLFLOW_*` names), then defaults. The one function that decides precedence.
 *
 * @example
 * const config = resolveServerConfig({ port: 0 }, process.env);
 */
export function resolveServerConfig(options: ServerOptions, env: NodeJS.ProcessEnv): ServerConfig {
  const pick = <K extends keyof typeof ENV_NAMES>(key: K) => fromEnv(env, ENV_NAMES[key]);
  const envPort = pick('port');
  const envServe = pick('serveArtifacts');
  const envMaxBody = pick('maxJsonBodyBytes');
  const envGrace = pick('shutdownGraceMs');
  const envRetention = pick('traceRetentionDays');
  const envRetentionInterval = pick('traceRetentionIntervalMs');
  const envDecodeThreads = pick('otlpDecodeThreads');
  const traceRetentionDays =
    options.traceRetentionDays ?? (envRetention !== undefined ? parseIntSetting('trace-retention-days', envRetention, 1, 36_500) : undefined);

  const serveArtifacts = options.serveArtifacts ?? (envServe !== undefined ? parseBool('serve-artifacts', envServe) : true);
  const artifactsDestination = path.resolve(options.artifactsDestination ?? pick('artifactsDestination') ?? path.join(DEFAULT_DATA_DIR, 'artifacts'));
  const defaultArtifactRoot = options.defaultArtifactRoot ?? pick('defaultArtifactRoot') ?? (serveArtifacts ? 'mlflow-artifacts:/' : artifactsDestination);

  return {
    host: options.host ?? pick('host') ?? '127.0.0.1',
    port: options.port ?? (envPort !== undefined ? parseIntSetting('port', envPort, 0, 65535) : 5000),
    backendStoreUri: options.backendStoreUri ?? pick('backendStoreUri') ?? `sqlite:///${DEFAULT_DATA_DIR}/loupe.db`,
    defaultArtifactRoot,
    artifactsDestination,
    serveArtifacts,
    maxJsonBodyBytes:
      options.maxJsonBodyBytes ?? (envMaxBody !== undefined ? parseIntSetting('max-json-body-bytes', envMaxBody, 1024, 1 << 30) : 16 * 1024 * 1024),
    shutdownGraceMs: options.shutdownGraceMs ?? (envGrace !== undefined ? parseIntSetting('shutdown-grace-ms', envGrace, 0, 600_000) : 10_000),
    ...(traceRetentionDays !== undefined ? { traceRetentionDays } : {}),
    traceRetentionIntervalMs:
      options.traceRetentionIntervalMs ??
      (envRetentionInterval !== undefined ? parseIntSetting('trace-retention-interval-ms', envRetentionInterval, 1000, 86_400_000) : 15 * 60_000),
    otlpDecodeThreads:
      options.otlpDecodeThreads ?? (envDecodeThreads !== undefined ? parseIntSetting('otlp-decode-threads', envDecodeThreads, 0, 64) : defaultDecodeThreads()),
    ...(options.uiRoot !== undefined ? { uiRoot: options.uiRoot } : {}),
  };
}

/** One decode thread per core beyond the first (the request thread's), at most four. */
function defaultDecodeThreads(): number {
  return Math.max(0, Math.min(4, os.availableParallelism() - 1));
}

/**
 * {@link resolveServerConfig} against this process's environment.
 *
 * @example
 * const config = resolveServerConfigFromProcess({ port: 8080 });
 */
export function resolveServerConfigFromProcess(options: ServerOptions): ServerConfig {
  return resolveServerConfig(options, process.env);
}

/** A parsed command line. */
export type Command =
  | { kind: 'server'; options: ServerOptions }
  | { kind: 'db-upgrade'; options: ServerOptions }
  | { kind: 'db-index-text'; options: ServerOptions }
  | { kind: 'help'; text: string }
  | { kind: 'version' };

export const USAGE = `Usage: loupe <command> [options]

Commands:
  server        Start the tracking server (MLflow REST API, artifacts, UI)
  db upgrade    Apply database migrations and exit
  db index-text Fill the span text index now (the server otherwise fills it in the background), then exit

Options (server):
  --host HOST                    Interface to bind (env LOUPE_HOST / MLFLOW_HOST; default 127.0.0.1)
  --port PORT                    Port (env LOUPE_PORT / MLFLOW_PORT; default 5000)
  --backend-store-uri URI        sqlite:///path.db or postgresql://user@host/db
                                 (env LOUPE_BACKEND_STORE_URI / MLFLOW_BACKEND_STORE_URI;
                                 default sqlite:///./loupe-data/loupe.db)
  --default-artifact-root URI    Artifact root for new experiments (env LOUPE_DEFAULT_ARTIFACT_ROOT /
                                 MLFLOW_DEFAULT_ARTIFACT_ROOT; default mlflow-artifacts:/ when serving artifacts)
  --artifacts-destination PATH   Folder behind the proxied artifact service (env LOUPE_ARTIFACTS_DESTINATION /
                                 MLFLOW_ARTIFACTS_DESTINATION; default ./loupe-data/artifacts)
  --serve-artifacts, --no-serve-artifacts
                                 Proxy artifact uploads and downloads (env LOUPE_SERVE_ARTIFACTS; default on)
  --trace-retention-days DAYS    Delete traces older than DAYS, unless their experiment's tag
                                 loupe.trace.retentionDays says otherwise (env LOUPE_TRACE_RETENTION_DAYS;
                                 default: keep forever). Checked every 15 minutes
                                 (env LOUPE_TRACE_RETENTION_INTERVAL_MS)
  --otlp-decode-threads N        Worker threads decoding OTLP trace bodies; 0 decodes on the request
                                 thread (env LOUPE_OTLP_DECODE_THREADS; default: cores - 1, at most 4)
  -h, --help                     Show this help
  -v, --version                  Show the version
`;

/**
 * Parses `loupe` command-line arguments (without `node` and the script).
 *
 * @example
 * parseCommand(['server', '--port', '8080']); // { kind: 'server', options: { port: 8080 } }
 */
export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        'backend-store-uri': { type: 'string' },
        'default-artifact-root': { type: 'string' },
        'artifacts-destination': { type: 'string' },
        'serve-artifacts': { type: 'boolean' },
        'no-serve-artifacts': { type: 'boolean' },
        'trace-retention-days': { type: 'string' },
        'otlp-decode-threads': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.version) return { kind: 'version' };
  if (values.help || positionals.length === 0) return { kind: 'help', text: USAGE };
  if (values['serve-artifacts'] && values['no-serve-artifacts']) {
    throw new ConfigError('--serve-artifacts and --no-serve-artifacts are mutually exclusive');
  }
  const options: ServerOptions = {};
  if (values.host !== undefined) options.host = values.host;
  if (values.port !== undefined) options.port = parseIntSetting('--port', values.port, 0, 65535);
  if (values['backend-store-uri'] !== undefined) options.backendStoreUri = values['backend-store-uri'];
  if (values['default-artifact-root'] !== undefined) options.defaultArtifactRoot = values['default-artifact-root'];
  if (values['artifacts-destination'] !== undefined) options.artifactsDestination = values['artifacts-destination'];
  if (values['serve-artifacts']) options.serveArtifacts = true;
  if (values['no-serve-artifacts']) options.serveArtifacts = false;
  if (values['trace-retention-days'] !== undefined)
    options.traceRetentionDays = parseIntSetting('--trace-retention-days', values['trace-retention-days'], 1, 36_500);
  if (values['otlp-decode-threads'] !== undefined) options.otlpDecodeThreads = parseIntSetting('--otlp-decode-threads', values['otlp-decode-threads'], 0, 64);

  const command = positionals.join(' ');
  if (command === 'server') return { kind: 'server', options };
  if (command === 'db upgrade') return { kind: 'db-upgrade', options };
  if (command === 'db index-text') return { kind: 'db-index-text', options };
  throw new ConfigError(`Unknown command '${command}'.\n\n${USAGE}`);
}
