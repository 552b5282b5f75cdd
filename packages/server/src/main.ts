import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { ServerConfig } from './config/config.js';
import { fileURLToPath } from 'node:url';
import { createApp } from './http/app.js';
import { loadUiAssets, mountUiRoutes } from './http/ui/ui-routes.js';
import { randomIds, systemClock, type Clock, type IdGenerator } from './clock.js';
import { ArtifactService } from './services/artifact-service.js';
import { ExperimentService } from './services/experiment-service.js';
import { LoggedModelService } from './services/logged-model-service.js';
import { RunService } from './services/run-service.js';
import { ArtifactSpanImporter } from './services/traces/artifact-span-import.js';
import { LegacyTraceService } from './services/traces/legacy-trace-service.js';
import { TraceLinkService } from './services/traces/trace-link-service.js';
import { SqlTraceLinkStore } from './store/sql/sql-trace-link-store.js';
import { TraceService } from './services/trace-service.js';
import { AssessmentService } from './services/traces/assessment-service.js';
import { TraceRetention } from './services/traces/trace-retention.js';
import { OtlpDecodePool } from './ingest/otlp/otlp-decode-pool.js';
import { SpanTextIndexing } from './services/traces/span-text-indexing.js';
import type { Services } from './services/services.js';
import { createLocalArtifactRoots } from './store/artifacts/local/local-artifact-roots.js';
import { createDialect } from './store/sql/dialects/create-dialect.js';
import { migrateToLatest } from './store/sql/migrate.js';
import type { Database } from './store/sql/schema.js';
import { SqlExperimentStore } from './store/sql/sql-experiment-store.js';
import { SqlLoggedModelStore } from './store/sql/sql-logged-model-store.js';
import { SqlRunStore } from './store/sql/sql-run-store.js';
import { SqlTraceStore } from './store/sql/sql-trace-store.js';
import { SqlAssessmentStore } from './store/sql/sql-assessment-store.js';
import { SqlRegistryStore } from './store/sql/sql-registry-store.js';
import { RegistryService } from './services/registry/registry-service.js';

/** Loupe's own version (from package.json). */
export function loupeVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The built UI's folder: `ui/` beside this module (dist/loupe.js or dist/main.js; the build copies packages/ui/dist there). */
function defaultUiRoot(): string {
  return fileURLToPath(new URL('./ui/', import.meta.url));
}

/** Test seams: time and ids. */
export interface Dependencies {
  clock?: Clock;
  ids?: IdGenerator;
  /** Check every RPC reply against its response schema (tests). */
  checkResponses?: boolean;
  /** Called after a registry write committed webhook events (`registry_events` rows). */
  onRegistryEvents?: () => void;
}

/** A wired Loupe instance, not yet listening. */
export interface Loupe {
  app: Hono;
  services: Services;
  db: Kysely<Database>;
  /** Deletes expired traces; `startServer` runs it in the background. */
  retention: TraceRetention;
  /** Fills the span text index behind ingest; `startServer` runs it in the background. */
  textIndexing: SpanTextIndexing;
  /** Stops the background work and closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), builds stores, services and the HTTP app. The composition root:
 * the only place that picks implementations.
 *
 * @example
 * const loupe = await createLoupe(resolveServerConfig({ backendStoreUri: 'sqlite://:memory:' }, {}));
 * const res = await loupe.app.request('/health');
 */
export async function createLoupe(config: ServerConfig, deps: Dependencies = {}): Promise<Loupe> {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const dialect = createDialect(config.backendStoreUri, { clock });
  const db = dialect.createKysely();
  try {
    await migrateToLatest(db, dialect);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const experimentStore = new SqlExperimentStore(db, dialect);
  const experiments = new ExperimentService(experimentStore, clock, config.defaultArtifactRoot);
  const loggedModels = new LoggedModelService(new SqlLoggedModelStore(db, dialect), experiments, clock, ids);
  const runs = new RunService(new SqlRunStore(db, dialect), experiments, clock, ids, (run, metrics) => loggedModels.logRunMetrics(run, metrics));
  const { destination, localRoots } = createLocalArtifactRoots(config);
  const artifacts = new ArtifactService({ runs, proxied: config.serveArtifacts ? destination : null, localRoots });
  const traceStore = new SqlTraceStore(db, dialect);
  const textIndexing = new SpanTextIndexing(traceStore, clock, { batchSize: 500, pauseMs: 2, idleMs: 500, busyIntervalMs: 250, busyShare: 0.05 });
  const decodePool = config.otlpDecodeThreads > 0 ? new OtlpDecodePool(config.otlpDecodeThreads) : undefined;
  const traces = new TraceService(traceStore, experiments, clock, new ArtifactSpanImporter(traceStore, artifacts), () => textIndexing.noteIngest());
  const legacyTraces = new LegacyTraceService(traceStore, traces, experiments, clock, ids);
  const traceLinks = new TraceLinkService(new SqlTraceLinkStore(db), traceStore, runs);
  const retention = new TraceRetention(traceStore, experimentStore, clock, {
    ...(config.traceRetentionDays !== undefined ? { defaultDays: config.traceRetentionDays } : {}),
    batchSize: 500,
    pauseMs: 5,
  });
  const assessments = new AssessmentService(new SqlAssessmentStore(db), clock, ids);
  // Seam 1 of issue 16: registry writes store their webhook events in `registry_events` with the change;
  // this listener hears of each commit that stored some (the webhook dispatcher wakes on it).
  const registry = new RegistryService(new SqlRegistryStore(db, dialect), clock, {
    runs,
    loggedModels,
    sourceValidationRegex: config.modelVersionSourceRegex === undefined ? undefined : new RegExp(config.modelVersionSourceRegex),
    onRegistryEvents: () => deps.onRegistryEvents?.(),
  });
  const services: Services = { experiments, runs, artifacts, loggedModels, traces, assessments, legacyTraces, traceLinks, registry };
  const uiRoot = config.uiRoot === undefined ? defaultUiRoot() : config.uiRoot;
  const ui = uiRoot === null ? null : loadUiAssets(uiRoot);
  const app = createApp({
    services,
    loupeVersion: loupeVersion(),
    maxJsonBodyBytes: config.maxJsonBodyBytes,
    checkResponses: deps.checkResponses ?? false,
    extraRoutes: ui ? [(a) => mountUiRoutes(a, ui)] : [],
    ...(decodePool ? { decodeOtlp: (body, contentType, encoding) => decodePool.decode(body, contentType, encoding) } : {}),
  });
  return {
    app,
    services,
    db,
    retention,
    textIndexing,
    close: async () => {
      await retention.stop();
      await textIndexing.stop();
      await decodePool?.close();
      await db.destroy();
    },
  };
}

/**
 * Applies migrations and exits (`loupe db upgrade`).
 *
 * @example
 * const applied = await upgradeDatabase('sqlite:///./loupe-data/loupe.db');
 */
export async function upgradeDatabase(backendStoreUri: string): Promise<string[]> {
  const dialect = createDialect(backendStoreUri);
  const db = dialect.createKysely();
  try {
    return await migrateToLatest(db, dialect);
  } finally {
    await db.destroy();
  }
}

/**
 * Brings the span text index up to date now (`loupe db index-text`), after migrating: what the
 * server's background indexer would do over the next minutes, at full speed. Safe while servers run.
 * Calls `onProgress` with the running total every 100,000 spans.
 *
 * @example
 * const indexed = await indexSpanText('postgresql://postgres@127.0.0.1:5432/loupe');
 */
export async function indexSpanText(backendStoreUri: string, onProgress?: (indexed: number) => void): Promise<number> {
  const dialect = createDialect(backendStoreUri);
  const db = dialect.createKysely();
  try {
    await migrateToLatest(db, dialect);
    const store = new SqlTraceStore(db, dialect);
    let total = 0;
    let reported = 0;
    for (let n; (n = await store.indexSpanText(5_000)) > 0;) {
      total += n;
      if (total - reported >= 100_000) {
        reported = total;
        onProgress?.(total);
      }
    }
    return total;
  } finally {
    await db.destroy();
  }
}

/** A listening server. */
export interface RunningServer {
  url: string;
  loupe: Loupe;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the database. */
  close(): Promise<void>;
}

/**
 * Starts Loupe on `config.host:config.port`.
 *
 * @example
 * const server = await startServer(config);
 * console.log(server.url);
 */
export async function startServer(config: ServerConfig, deps: Dependencies = {}): Promise<RunningServer> {
  const loupe = await createLoupe(config, deps);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: loupe.app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', reject);
  });
  loupe.retention.start(config.traceRetentionIntervalMs);
  loupe.textIndexing.start();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      const http = server as Server;
      const force = setTimeout(() => http.closeAllConnections(), config.shutdownGraceMs);
      // A request that finishes during shutdown leaves a keep-alive connection behind: close it as soon as it idles.
      const reap = setInterval(() => http.closeIdleConnections(), 50);
      force.unref();
      reap.unref();
      http.close(() => {
        clearTimeout(force);
        clearInterval(reap);
        resolve();
      });
      http.closeIdleConnections();
    }).then(() => loupe.close()));
  return { url: `http://${host}:${address.port}`, loupe, close };
}
