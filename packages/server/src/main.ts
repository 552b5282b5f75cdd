import { ApiError } from '@loupe/protocol';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { sql, type Kysely } from 'kysely';
import type { ServerConfig } from './config/config.js';
import { fileURLToPath } from 'node:url';
import { createApp } from './http/app.js';
import { createNodeServer } from './http/node-server.js';
import { describeCause, StartupError } from './startup-error.js';
import { prepareSchema } from './prepare-schema.js';
import { Readiness } from './readiness.js';
import { TrustedProxies } from './http/client-address.js';
import { loadUiAssets, mountUiRoutes } from './http/ui/ui-routes.js';
import { randomIds, sleep, systemClock, type Clock, type IdGenerator } from './clock.js';
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
import { inlineOtlpDecoder } from './ingest/otlp/decode-otlp.js';
import { PriceCatalog } from '@loupe/protocol/pricing';
import { pricingFromSetting } from './config/price-file.js';
import { SpanTextIndexing } from './services/traces/span-text-indexing.js';
import type { Services } from './services/services.js';
import { ArtifactLocationError, createArtifactRoots, type ArtifactRoots } from './store/artifacts/artifact-roots.js';
import { quietAwsSdkNodeWarning } from './config/aws-sdk-env.js';
import { BackendStoreUriError } from './store/sql/dialects/backend-store-uri-error.js';
import { createDialect } from './store/sql/dialects/create-dialect.js';
import type { SqlDialect } from './store/sql/dialects/sql-dialect.js';
import { migrateToLatest } from './store/sql/migrate.js';
import type { Database } from './store/sql/schema.js';
import { SqlExperimentStore } from './store/sql/sql-experiment-store.js';
import { SqlLoggedModelStore } from './store/sql/sql-logged-model-store.js';
import { SqlRunStore } from './store/sql/sql-run-store.js';
import { SqlTraceStore } from './store/sql/sql-trace-store.js';
import { SqlAssessmentStore } from './store/sql/sql-assessment-store.js';
import { SqlRegistryStore } from './store/sql/sql-registry-store.js';
import { RegistryService } from './services/registry/registry-service.js';
import { ModelVersionTraceService } from './services/registry/model-version-trace-service.js';
import { SqlDatasetStore } from './store/sql/sql-dataset-store.js';
import { DatasetService } from './services/datasets/dataset-service.js';
import { randomUUID } from 'node:crypto';
import { SqlJobStore } from './store/sql/sql-job-store.js';
import { SqlExclusiveWork } from './store/sql/sql-exclusive-work.js';
import { SqlWebhookStore } from './store/sql/sql-webhook-store.js';
import { SqlGatewayStore } from './store/sql/sql-gateway-store.js';
import { GatewayService } from './services/gateway/gateway-service.js';
import { GatewayInvoker } from './services/gateway/gateway-invoker.js';
import { SqlGatewayUsageStore } from './store/sql/sql-gateway-usage-store.js';
import { createLlmEngine } from '@loupe/llm';
import { SqlReviewStore } from './store/sql/sql-review-store.js';
import { LabelSchemaService } from './services/review/label-schema-service.js';
import { ReviewQueueService } from './services/review/review-queue-service.js';
import { SqlScorerStore } from './store/sql/sql-scorer-store.js';
import { ScorerService } from './services/scorers/scorer-service.js';
import type { JudgeModelClient } from './services/scorers/online/judge-model-client.js';
import { OnlineScoringHandler } from './services/scorers/online/online-scoring-handler.js';
import { EventLoopLoad, type LoadGauge } from './services/jobs/event-loop-load.js';
import { OnlineScoringScheduler } from './services/scorers/online/online-scoring-scheduler.js';
import { OnlineScoringService } from './services/scorers/online/online-scoring-service.js';
import { SqlOnlineScoringStore } from './store/sql/sql-online-scoring-store.js';
import { sqliteFilePath } from './store/sql/dialects/sqlite/sqlite-dialect.js';
import { backoffDelay, JobRunner } from './services/jobs/job-runner.js';
import { SecretCipher } from './services/webhooks/secret-cipher.js';
import { WebhookDeliveryHandler } from './services/webhooks/webhook-delivery-handler.js';
import { WebhookDispatcher } from './services/webhooks/webhook-dispatcher.js';
import { WebhookService } from './services/webhooks/webhook-service.js';
import { WebhookUrlPolicy } from './services/webhooks/webhook-url-policy.js';
import { GuardedHttpTransport } from './outbound/guarded-http-transport.js';
import type { HostResolver } from './net/public-address.js';
import { systemResolver } from './net/system-resolver.js';
import { chooseSecretKey } from './secrets/secret-key.js';
import type { AppAuth } from './http/app.js';
import { SqlAuthStore } from './store/sql/sql-auth-store.js';
import { AuthFreshness } from './auth/auth-freshness.js';
import { CachedPermissions } from './auth/cached-permissions.js';
import { PermissionAuthorizer } from './auth/authorizer.js';
import { ServiceParents } from './auth/service-parents.js';
import { AuthenticatorChain, BasicAuthenticator, dummyPassword } from './auth/authenticator.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { SqlLoginFailureStore } from './store/sql/sql-login-failure-store.js';
import { hashPassword, type ScryptCost } from './auth/password.js';
import { ensureAdmin } from './auth/admin-bootstrap.js';
import { UserService } from './auth/user-service.js';
import type { AuthStore } from './store/auth-store.js';
import { SqlSessionStore } from './store/sql/sql-session-store.js';
import { SqlUserIdentityStore } from './store/sql/sql-user-identity-store.js';
import { BrowserSessions } from './auth/session/browser-sessions.js';
import { PendingLoginCookie } from './auth/session/pending-login-cookie.js';
import { SessionCookieAuthenticator } from './auth/session-cookie-authenticator.js';
import { BrowserLogin } from './auth/browser-login.js';
import { OidcClient } from './auth/oidc/oidc-client.js';
import { resolveOidcConfig, type OidcConfig } from './auth/oidc/oidc-config.js';
import { createOidcLoginHandlers } from './auth/oidc/login-handlers.js';
import type { BrowserAuth } from './http/auth/browser-auth-routes.js';
import { ApiTokenService } from './auth/api-token-service.js';
import { AuditLog } from './auth/audit-log.js';
import { BearerAuthenticator } from './auth/bearer-authenticator.js';
import { LOCAL_OPERATOR } from './auth/principal.js';
import { SqlApiTokenStore } from './store/sql/sql-api-token-store.js';
import { SqlAuditStore } from './store/sql/sql-audit-store.js';
import { SqlMonitorStore } from './store/sql/sql-monitor-store.js';
import { MonitorService } from './services/monitors/monitor-service.js';
import { MonitorEvaluationHandler, MonitorScheduler } from './services/monitors/monitor-scheduler.js';

/** How long `/ready` waits for the database's `select 1` before answering 503. */
const READY_PING_TIMEOUT_MS = 2_000;

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
  /** How webhook hosts are resolved (tests give names the answers they need). */
  resolveHost?: HostResolver;
  /** Numbers in [0, 1) for retry jitter. */
  random?: () => number;
  /** scrypt cost for passwords (tests use a cheap one). */
  scryptCost?: ScryptCost;
  /** How online judges reach their models (default: the gateway's endpoints through the provider engine). */
  judgeModel?: JudgeModelClient;
  /** How busy the main thread is (default: the event loop's utilization); online judgements step back while it is saturated. */
  load?: LoadGauge;
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
  /** Runs background jobs (webhook deliveries, online judgements, ...); `startServer` starts it. */
  jobs: JobRunner;
  /** Finds new traces for online scorers and enqueues their judgements; `startServer` starts it. */
  onlineScoring: OnlineScoringScheduler;
  /**
   * Turns registry events into webhook deliveries; `startServer` starts it. The registry calls
   * `webhookDispatcher.wake()` after committing events, so they go out at once.
   */
  webhookDispatcher: WebhookDispatcher;
  /** Queues the evaluations of due monitors as jobs; `startServer` starts it. */
  monitorScheduler: MonitorScheduler;
  /** What `GET /ready` reports: the database answers and the server is not stopping. */
  readiness: Readiness;
  /** Lines for the start-up output (where the webhook secret key came from). */
  notices: string[];
  /**
   * Stops the background work (a graceful stop's first step): the schedulers at once, the job runner
   * claiming nothing more and giving its jobs under way up to `graceMs` before handing the rest back.
   */
  stopBackground(graceMs?: number): Promise<void>;
  /** Stops the background work and closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it, unless `--no-migrate`: then checking it is up to date), builds stores, services and the HTTP app. The composition root:
 * the only place that picks implementations.
 *
 * @example
 * const loupe = await createLoupe(resolveServerConfig({ backendStoreUri: 'sqlite://:memory:' }, {}));
 * const res = await loupe.app.request('/health');
 */
export async function createLoupe(config: ServerConfig, deps: Dependencies = {}): Promise<Loupe> {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const dialect = chooseDialect(config.backendStoreUri, clock, config.databasePoolSize);
  const artifactRoots = await openArtifactRoots(config);
  let db: Kysely<Database>;
  try {
    if (config.serveArtifacts) await checkArtifactDestination(artifactRoots);
    db = await openDatabase(dialect);
  } catch (err) {
    artifactRoots.close();
    throw err;
  }
  let schemaNotices: string[];
  try {
    schemaNotices = await prepareSchema(db, dialect, { migrate: config.migrateOnStart });
  } catch (err) {
    await db.destroy();
    artifactRoots.close();
    throw err;
  }
  const experimentStore = new SqlExperimentStore(db, dialect);
  const experiments = new ExperimentService(experimentStore, clock, config.defaultArtifactRoot);
  const loggedModels = new LoggedModelService(new SqlLoggedModelStore(db, dialect), experiments, clock, ids);
  const runs = new RunService(new SqlRunStore(db, dialect), experiments, clock, ids, (run, metrics) => loggedModels.logRunMetrics(run, metrics));
  const artifacts = new ArtifactService({
    runs,
    proxied: config.serveArtifacts ? artifactRoots.destination.store : null,
    proxiedTransfers: config.serveArtifacts ? artifactRoots.destinationTransfers : null,
    localRoots: artifactRoots.localRoots,
    s3Roots: artifactRoots.s3Roots,
    presignedDownloadTtlSeconds: config.presignedDownloadUrlTtlSeconds,
  });
  const traceStore = new SqlTraceStore(db, dialect);
  const textIndexing = new SpanTextIndexing(traceStore, clock, { batchSize: 500, pauseMs: 2, idleMs: 500, busyIntervalMs: 250, busyShare: 0.05 });
  // Spans that report a model and tokens but no cost are priced at ingest (OTLP on the decode threads, traces.json on import).
  const pricingOptions = pricingFromSetting(config.pricing);
  const pricing = pricingOptions === false ? undefined : PriceCatalog.withDefaults(pricingOptions);
  const decodePool = config.otlpDecodeThreads > 0 ? new OtlpDecodePool(config.otlpDecodeThreads, pricingOptions) : undefined;
  const traces = new TraceService(traceStore, experiments, clock, new ArtifactSpanImporter(traceStore, artifacts, pricing), () => textIndexing.noteIngest());
  const legacyTraces = new LegacyTraceService(traceStore, traces, experiments, clock, ids);
  const traceLinks = new TraceLinkService(new SqlTraceLinkStore(db), traceStore, runs);
  const retention = new TraceRetention(traceStore, experimentStore, clock, {
    ...(config.traceRetentionDays !== undefined ? { defaultDays: config.traceRetentionDays } : {}),
    batchSize: 500,
    pauseMs: 5,
    exclusive: new SqlExclusiveWork(db, dialect),
  });
  const assessments = new AssessmentService(new SqlAssessmentStore(db), clock, ids);
  const { webhooks, jobs, webhookDispatcher, notices, secretKey } = createWebhooks(config, db, dialect, clock, deps);
  notices.unshift(...schemaNotices);
  // Seam 1 of issue 16: registry writes store their webhook events in `registry_events` with the change;
  // after each commit that stored some, the webhook dispatcher wakes at once (other servers poll).
  const registry = new RegistryService(new SqlRegistryStore(db, dialect), clock, {
    runs,
    loggedModels,
    sourceValidationRegex: config.modelVersionSourceRegex === undefined ? undefined : new RegExp(config.modelVersionSourceRegex),
    onRegistryEvents: () => {
      webhookDispatcher.wake();
      deps.onRegistryEvents?.();
    },
  });
  const modelVersionTraces = new ModelVersionTraceService({ registry, loggedModels, runs, traces });
  const reviewStore = new SqlReviewStore(db, dialect);
  const labelSchemas = new LabelSchemaService(reviewStore, experiments, clock, () => uuidOf(ids.hex32()));
  const reviewQueues = new ReviewQueueService(reviewStore, experiments, clock, ids);
  const datasets = new DatasetService(new SqlDatasetStore(db, dialect), clock, ids, { experiments });
  const gatewayUsage = new SqlGatewayUsageStore(db);
  const gateway = new GatewayService({
    store: new SqlGatewayStore(db, dialect),
    clock,
    ids,
    // Gateway credentials get their own key from the same key material as webhook secrets.
    cipher: secretKey === undefined ? null : new SecretCipher(secretKey, 'gateway-secret-v1'),
    experimentIdFor: (name, endpointId) => gatewayExperimentId(experiments, name, endpointId),
    spendOf: (policy, window) =>
      gatewayUsage.spend(
        { targetScope: policy.targetScope, ...(policy.targetValue !== undefined ? { targetValue: policy.targetValue } : {}) },
        window.startMs,
        window.endMs,
      ),
  });
  // Provider calls go through the SSRF-guarded client (its refusals are configuration errors, never a fallback).
  const gatewayTransport = new GuardedHttpTransport({
    allowPrivateIps: config.gatewayAllowPrivateIps,
    resolve: deps.resolveHost ?? systemResolver,
    clock,
    privateIpsHint: 'start Loupe with --gateway-allow-private-ips or LOUPE_GATEWAY_ALLOW_PRIVATE_IPS=true to allow private addresses',
  });
  const gatewayInvoker = new GatewayInvoker({
    gateway,
    engine: createLlmEngine({ fetch: (url, init) => gatewayTransport.fetch(url, init), clock, ...(pricing ? { prices: pricing } : {}) }),
    usage: gatewayUsage,
    traces,
    clock,
    ids,
    onBudgetEvents: () => webhookDispatcher.wake(),
  });
  const scorerStore = new SqlScorerStore(db, dialect);
  const scorers = new ScorerService(scorerStore, experiments, gateway, clock, {
    scorerId: () => uuidOf(ids.hex32()),
    configId: () => ids.hex32(),
  });
  const { monitors, monitorScheduler } = createMonitors(db, dialect, clock, { experiments, traces, jobs, webhookDispatcher, deps });
  const { onlineScoring, onlineScheduler } = createOnlineScoring(config, db, dialect, clock, ids, deps, {
    jobs,
    gatewayInvoker,
    scorers,
    scorerStore,
    traceStore,
  });
  const services: Services = {
    experiments,
    runs,
    artifacts,
    loggedModels,
    traces,
    assessments,
    legacyTraces,
    traceLinks,
    webhooks,
    gateway,
    gatewayInvoker,
    registry,
    modelVersionTraces,
    labelSchemas,
    reviewQueues,
    datasets,
    scorers,
    monitors,
    onlineScoring,
  };
  let auth: AppAuth | undefined;
  try {
    checkOidcNeedsAuth(config);
    auth = config.appName === 'basic-auth' ? await createAuth(config, db, dialect, services, clock, deps, notices, secretKey) : undefined;
  } catch (err) {
    await decodePool?.close();
    await db.destroy();
    artifactRoots.close();
    throw err;
  }
  const readiness = new Readiness({ ping: () => sql`select 1`.execute(db), clock, timeoutMs: READY_PING_TIMEOUT_MS });
  const stopBackground = async (graceMs = 0) => {
    await Promise.all([monitorScheduler.stop(), onlineScheduler.stop(), webhookDispatcher.stop(), retention.stop(), textIndexing.stop(), jobs.drain(graceMs)]);
  };
  const uiRoot = config.uiRoot === undefined ? defaultUiRoot() : config.uiRoot;
  const ui = uiRoot === null ? null : loadUiAssets(uiRoot);
  const security = config.disableSecurityMiddleware
    ? null
    : { allowedHosts: config.allowedHosts, corsAllowedOrigins: config.corsAllowedOrigins, frameOptions: config.xFrameOptions };
  const app = createApp({
    services,
    loupeVersion: loupeVersion(),
    maxJsonBodyBytes: config.maxJsonBodyBytes,
    security,
    checkResponses: deps.checkResponses ?? false,
    extraRoutes: ui ? [(a) => mountUiRoutes(a, ui, { frameOptions: security?.frameOptions ?? 'NONE' })] : [],
    decodeOtlp: decodePool ? (body, contentType, encoding) => decodePool.decode(body, contentType, encoding) : inlineOtlpDecoder(pricing),
    readiness,
    trustedProxies: new TrustedProxies(config.trustedProxies),
    ...(auth ? { auth } : {}),
  });
  return {
    app,
    services,
    db,
    retention,
    textIndexing,
    jobs,
    onlineScoring: onlineScheduler,
    webhookDispatcher,
    monitorScheduler,
    readiness,
    notices,
    stopBackground,
    close: async () => {
      await stopBackground();
      await decodePool?.close();
      await db.destroy();
      artifactRoots.close();
    },
  };
}

/**
 * The basic-auth app (docs/adr/0013-auth.md): the users store, the first admin, the caches kept fresh
 * by the generation row, the authenticator chain (HTTP Basic today) and the one authorizer. Adds the
 * user service to `services`, and the admin's one-time password to `notices`.
 */
async function createAuth(
  config: ServerConfig,
  db: Kysely<Database>,
  dialect: SqlDialect,
  services: Services,
  clock: Clock,
  deps: Dependencies,
  notices: string[],
  secretKey: string | undefined,
): Promise<AppAuth> {
  const store = new SqlAuthStore(db, dialect);
  const tokenStore = new SqlApiTokenStore(db);
  const audit = new AuditLog(new SqlAuditStore(db), clock);
  const admin = await ensureAdmin(
    store,
    { username: config.authAdminUsername, ...(config.authAdminPassword !== undefined ? { password: config.authAdminPassword } : {}) },
    deps.scryptCost,
    audit.entry(LOCAL_OPERATOR, { action: 'user.create', resourceType: 'user', resourceId: config.authAdminUsername, detail: { is_admin: true } }),
  );
  if (admin) notices.push(admin);
  const freshness = new AuthFreshness(() => store.generation(), clock, config.authCacheTtlMs);
  services.users = new UserService(store, freshness, audit, deps.scryptCost);
  services.apiTokens = new ApiTokenService(tokenStore, store, freshness, audit, clock, deps.ids ?? randomIds);
  services.audit = audit;
  const throttle = new LoginThrottle(new SqlLoginFailureStore(db), clock);
  const dummyHash = await hashPassword(dummyPassword(), deps.scryptCost);
  const basic = new BasicAuthenticator(store, freshness, throttle, dummyHash);
  const bearer = new BearerAuthenticator(tokenStore, freshness, clock, audit);
  const browser = await createBrowserAuth(config, db, dialect, { store, freshness, audit, throttle, dummyHash, clock, secretKey });
  return {
    // Browser sessions last: a request with an Authorization header is never a cookie's.
    authenticator: new AuthenticatorChain([basic, bearer, browser.authenticator]),
    browser,
    freshness,
    authorizer: new PermissionAuthorizer(new CachedPermissions(store, freshness), new ServiceParents(services), config.authDefaultPermission),
  };
}

/** OpenID Connect signs people in to Loupe's users: without `--app-name basic-auth` there are none. */
function checkOidcNeedsAuth(config: ServerConfig): void {
  if (config.oidcIssuer !== undefined && config.appName !== 'basic-auth') {
    throw new StartupError('--oidc-issuer (LOUPE_OIDC_ISSUER) signs people in to Loupe users: start the server with --app-name basic-auth too', 2);
  }
}

/** The OpenID Connect settings checked together, or a start-up error naming every flag at fault. */
function oidcConfigOf(config: ServerConfig & { oidcIssuer: string }): OidcConfig {
  try {
    return resolveOidcConfig({
      issuer: config.oidcIssuer,
      clientId: config.oidcClientId ?? '',
      clientSecret: config.oidcClientSecret,
      redirectUrl: config.oidcRedirectUrl ?? '',
      scopes: config.oidcScopes,
      usernameClaim: config.oidcUsernameClaim,
      groupsClaim: config.oidcGroupsClaim,
      adminGroup: config.oidcAdminGroup,
      tokenEndpointAuthMethod: config.oidcTokenAuthMethod,
      fetchUserinfo: config.oidcUserinfo,
    });
  } catch (err) {
    const missing = [
      config.oidcClientId === undefined ? '--oidc-client-id (LOUPE_OIDC_CLIENT_ID) is required' : undefined,
      config.oidcRedirectUrl === undefined ? '--oidc-redirect-url (LOUPE_OIDC_REDIRECT_URL) is required' : undefined,
    ].filter((m) => m !== undefined);
    throw new StartupError(`${(err as Error).message}${missing.length > 0 ? `; ${missing.join('; ')}` : ''}`, 2, { cause: err });
  }
}

/**
 * The UI's sign-in (docs/adr/0013-auth.md §7): browser sessions in the database, the password form,
 * and with `--oidc-issuer` the OpenID Connect login, its provider discovered now, so a wrong issuer
 * or an unreachable provider stops the start with a message naming it.
 */
async function createBrowserAuth(
  config: ServerConfig,
  db: Kysely<Database>,
  dialect: SqlDialect,
  core: {
    store: AuthStore;
    freshness: AuthFreshness;
    audit: AuditLog;
    throttle: LoginThrottle;
    dummyHash: string;
    clock: Clock;
    secretKey: string | undefined;
  },
): Promise<BrowserAuth> {
  const { store, freshness, clock } = core;
  const secure = config.sessionCookieSecure;
  const sessions = new BrowserSessions({ store: new SqlSessionStore(db), clock, secure });
  const authenticator = new SessionCookieAuthenticator(sessions, store, freshness);
  const oidcConfig = config.oidcIssuer === undefined ? undefined : oidcConfigOf({ ...config, oidcIssuer: config.oidcIssuer });
  const login = new BrowserLogin({
    store,
    identities: new SqlUserIdentityStore(db, dialect),
    freshness,
    audit: core.audit,
    throttle: core.throttle,
    dummyHash: core.dummyHash,
    adminFromProvider: oidcConfig?.adminGroup !== undefined,
  });
  if (!oidcConfig) return { sessions, authenticator, login, oidc: undefined, csrf: {} };
  if (core.secretKey === undefined) {
    throw new StartupError('--oidc-issuer needs --secret-key (LOUPE_SECRET_KEY) on PostgreSQL: it seals the login cookie, and every server must share it', 2);
  }
  let oidc: OidcClient;
  try {
    oidc = await OidcClient.discover(oidcConfig, { clock });
  } catch (err) {
    throw new StartupError(
      `cannot use the OpenID Connect provider ${oidcConfig.issuer}: ${describeCause(err)}; check --oidc-issuer (LOUPE_OIDC_ISSUER) and that the provider is reachable from this server`,
      1,
      { cause: err },
    );
  }
  const loginCookie = new PendingLoginCookie({ secretKey: core.secretKey, clock, secure });
  const handlers = createOidcLoginHandlers({ oidc, sessions, loginCookie, onLogin: (identity) => login.oidc(identity) });
  return {
    sessions,
    authenticator,
    login,
    oidc: handlers,
    csrf: {},
    clearLoginCookie: () => loginCookie.clear(),
    onLoginFailure: (err) => console.warn(`loupe: sign-in refused: ${err.message}${err.cause ? ` (${describeCause(err.cause)})` : ''}`),
  };
}

/** 32 hex digits as a UUID string (label schema ids, 36 characters as MLflow's column). */
function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The experiment of a gateway endpoint's traces: the one of this name, created if there is none, tagged
 * as the endpoint's as MLflow tags it (`mlflow.experiment.sourceType` GATEWAY, `mlflow.experiment.sourceId`).
 */
async function gatewayExperimentId(experiments: ExperimentService, name: string, endpointId: string): Promise<string> {
  let experimentId: string;
  try {
    experimentId = (await experiments.getByName(name)).experimentId;
  } catch (err) {
    if (!(ApiError.is(err) && err.code === 'RESOURCE_DOES_NOT_EXIST')) throw err;
    experimentId = await experiments.create({ name, tags: [] });
  }
  await experiments.setTag(experimentId, { key: 'mlflow.experiment.sourceType', value: 'GATEWAY' });
  await experiments.setTag(experimentId, { key: 'mlflow.experiment.sourceId', value: endpointId });
  return experimentId;
}

/** The job runner and the webhook pieces: service, fan-out and the delivery handler. */
function createWebhooks(config: ServerConfig, db: Kysely<Database>, dialect: SqlDialect, clock: Clock, deps: Dependencies) {
  const random = deps.random ?? Math.random;
  const backoff = { backoffBaseMs: 1000, backoffMaxMs: 60_000, jitterMs: 1000 };
  const jobs = new JobRunner(new SqlJobStore(db, dialect), clock, {
    concurrency: config.jobConcurrency,
    pollIntervalMs: config.jobPollIntervalMs,
    leaseMs: config.jobLeaseMs,
    retentionMs: config.jobRetentionDays * 86_400_000,
    random,
    ...backoff,
  });
  const store = new SqlWebhookStore(db, dialect);
  const secretKey = chooseSecretKey(config.secretKey, dialect.name === 'sqlite' ? sqliteFilePath(config.backendStoreUri) : undefined);
  const cipher = secretKey.key === undefined ? null : new SecretCipher(secretKey.key);
  const resolve = deps.resolveHost ?? systemResolver;
  const transport = new GuardedHttpTransport({ allowPrivateIps: config.webhookAllowPrivateIps, resolve, clock });
  const timeoutMs = config.webhookRequestTimeout * 1000;
  const urls = new WebhookUrlPolicy({ allowedSchemes: config.webhookAllowedSchemes, allowPrivateIps: config.webhookAllowPrivateIps }, resolve);
  const webhooks = new WebhookService({ store, clock, newId: randomUUID, urls, cipher, transport, timeoutMs });
  jobs.register(
    new WebhookDeliveryHandler(store, transport, cipher, clock, {
      timeoutMs,
      backoff: (attempt) => backoffDelay(attempt, backoff, random),
      maxRetryAfterMs: 3_600_000,
    }),
  );
  const webhookDispatcher = new WebhookDispatcher(store, clock, {
    pollIntervalMs: config.jobPollIntervalMs,
    batchSize: 500,
    gapTtlMs: 60_000,
    maxAttempts: config.webhookMaxRetries + 1,
    newDeliveryId: randomUUID,
    onDeliveries: () => jobs.wake(),
  });
  return { webhooks, jobs, webhookDispatcher, notices: secretKey.notice ? [secretKey.notice] : [], secretKey: secretKey.key };
}

/**
 * Monitors (docs/api.md "Monitors"): the service, the evaluation job's handler and the scheduler that
 * queues due evaluations. A state change's webhook event commits with it; the dispatcher is woken after.
 */
function createMonitors(
  db: Kysely<Database>,
  dialect: SqlDialect,
  clock: Clock,
  parts: { experiments: ExperimentService; traces: TraceService; jobs: JobRunner; webhookDispatcher: WebhookDispatcher; deps: Dependencies },
) {
  const store = new SqlMonitorStore(db, dialect);
  const monitors = new MonitorService({
    store,
    experiments: parts.experiments,
    traces: parts.traces,
    clock,
    newId: randomUUID,
    onWebhookEvents: () => {
      parts.webhookDispatcher.wake();
      parts.deps.onRegistryEvents?.();
    },
  });
  parts.jobs.register(new MonitorEvaluationHandler(monitors, store));
  const monitorScheduler = new MonitorScheduler(store, clock, { pollIntervalMs: 5_000, batchSize: 100, maxAttempts: 3, onJobs: () => parts.jobs.wake() });
  return { monitors, monitorScheduler };
}

/**
 * Online scoring (spec §11.1): the judge's model client (gateway endpoints through the provider
 * engine on an SSRF-guarded transport), the judgement job handler on the shared runner, the
 * scheduler, and the service behind the backfill, run and jobs routes.
 */
function createOnlineScoring(
  config: ServerConfig,
  db: Kysely<Database>,
  dialect: SqlDialect,
  clock: Clock,
  ids: IdGenerator,
  deps: Dependencies,
  parts: { jobs: JobRunner; gatewayInvoker: GatewayInvoker; scorers: ScorerService; scorerStore: SqlScorerStore; traceStore: SqlTraceStore },
) {
  const maxAttempts = 4;
  // Judges call their endpoint through the gateway's invoker: routing, fallbacks, budgets and usage traces apply.
  const judgeModel: JudgeModelClient = deps.judgeModel ?? {
    chat: (endpointName, request, signal) => parts.gatewayInvoker.chat(endpointName, request, { ...(signal ? { signal } : {}), caller: 'online-scoring' }),
  };
  parts.jobs.register(
    new OnlineScoringHandler({
      traces: parts.traceStore,
      assessments: new SqlAssessmentStore(db),
      scorers: parts.scorerStore,
      judgeModel,
      clock,
      load: deps.load ?? new EventLoopLoad(),
    }),
  );
  const onlineStore = new SqlOnlineScoringStore(db);
  const onlineScoring = new OnlineScoringService({
    scorers: parts.scorers,
    traces: parts.traceStore,
    queue: parts.jobs,
    jobStore: new SqlJobStore(db, dialect),
    progress: onlineStore,
    newRequestId: () => ids.hex32(),
    maxAttempts,
  });
  const onlineScheduler = new OnlineScoringScheduler(parts.scorers, parts.traceStore, onlineStore, () => parts.jobs.wake(), clock, {
    intervalMs: config.onlineScoringIntervalMs,
    settleMs: config.onlineScoringSettleMs,
    sessionIdleMs: config.onlineScoringSessionIdleMs,
    batchSize: 500,
    maxPagesPerPass: 20,
    maxAttempts,
    exclusive: new SqlExclusiveWork(db, dialect),
  });
  return { onlineScoring, onlineScheduler };
}

/**
 * Applies migrations and exits (`loupe db upgrade`).
 *
 * @example
 * const applied = await upgradeDatabase('sqlite:///./loupe-data/loupe.db');
 */
export async function upgradeDatabase(backendStoreUri: string): Promise<string[]> {
  const dialect = chooseDialect(backendStoreUri);
  const db = await openDatabase(dialect);
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
  const dialect = chooseDialect(backendStoreUri);
  const db = await openDatabase(dialect);
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
  /**
   * The graceful stop (SIGTERM; docs/deploy.md "Draining"): `/ready` answers 503 from the first moment
   * and the background work stops claiming; for `shutdownDelayMs` requests are still served (load
   * balancers notice and move traffic away); then in-flight requests and jobs finish, for up to
   * `shutdownGraceMs`, while requests that still arrive get a 503 with `Retry-After`
   * (`http/node-server.ts`); jobs still running then are given back to the queue; the database closes.
   */
  close(): Promise<void>;
}

/**
 * Starts Loupe on `config.host:config.port`. What keeps it from starting (a malformed backend store
 * URI, a database that does not answer, a folder it cannot write, a port in use) throws a
 * {@link StartupError} naming the fix, before anything listens.
 *
 * @example
 * const server = await startServer(config);
 * console.log(server.url);
 */
export async function startServer(config: ServerConfig, deps: Dependencies = {}): Promise<RunningServer> {
  const loupe = await createLoupe(config, deps);
  const server = createNodeServer({ fetch: loupe.app.fetch, clock: deps.clock ?? systemClock });
  let address: AddressInfo;
  try {
    address = await server.listen(config.port, config.host);
  } catch (err) {
    await loupe.close();
    throw listenFailure(err, config);
  }
  loupe.retention.start(config.traceRetentionIntervalMs);
  loupe.textIndexing.start();
  loupe.jobs.start();
  loupe.onlineScoring.start();
  loupe.webhookDispatcher.start();
  loupe.monitorScheduler.start();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const clock = deps.clock ?? systemClock;
  const drain = async () => {
    loupe.readiness.drain();
    const background = loupe.stopBackground(config.shutdownDelayMs + config.shutdownGraceMs);
    if (config.shutdownDelayMs > 0) await sleep(clock, config.shutdownDelayMs);
    await server.close(config.shutdownGraceMs);
    await background;
    await loupe.close();
  };
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= drain());
  return { url: `http://${host}:${address.port}`, loupe, close };
}

/** The dialect of a backend store URI; a URI Loupe cannot use is a usage error naming the flag. */
function chooseDialect(uri: string, clock?: Clock, poolSize?: number): SqlDialect {
  try {
    return createDialect(uri, { ...(clock ? { clock } : {}), ...(poolSize !== undefined ? { poolSize } : {}) });
  } catch (err) {
    if (err instanceof BackendStoreUriError) throw new StartupError(`${err.message} (--backend-store-uri)`, 2, { cause: err });
    throw err;
  }
}

/** What opening each kind of database does, and what to check when it fails, for start-up messages. */
const OPENING: Readonly<Record<SqlDialect['name'], { action: string; fix: string }>> = {
  sqlite: { action: 'open the SQLite database', fix: 'point --backend-store-uri at a file in a writable folder (sqlite:////path/to/loupe.db)' },
  postgresql: {
    action: 'connect to PostgreSQL at',
    fix: 'check that PostgreSQL runs there and that the host, port, user, password and database in --backend-store-uri are right',
  },
};

/**
 * Opens the database and runs one query, so a database that cannot be reached or created fails here,
 * as a connection failure naming where it is (never as a failed migration).
 */
async function openDatabase(dialect: SqlDialect): Promise<Kysely<Database>> {
  let db: Kysely<Database> | undefined;
  try {
    db = dialect.createKysely();
    await sql`select 1`.execute(db);
    return db;
  } catch (err) {
    await db?.destroy().catch(() => {});
    const { action, fix } = OPENING[dialect.name];
    throw new StartupError(`cannot ${action} ${dialect.location}: ${describeCause(err)}; ${fix}`, 1, { cause: err });
  }
}

/** The artifact stores of the configuration; a destination Loupe cannot store in is a usage error naming the flag. */
async function openArtifactRoots(config: ServerConfig): Promise<ArtifactRoots> {
  quietAwsSdkNodeWarning();
  try {
    return await createArtifactRoots({
      artifactsDestination: config.artifactsDestination,
      defaultArtifactRoot: config.defaultArtifactRoot,
      s3: {
        endpointUrl: config.s3EndpointUrl,
        accessKeyId: config.s3AccessKeyId,
        secretAccessKey: config.s3SecretAccessKey,
        sessionToken: config.s3SessionToken,
        region: config.s3Region,
        ignoreTls: config.s3IgnoreTls,
        addressingStyle: config.s3AddressingStyle,
        partSizeBytes: config.s3UploadPartSizeMb * 1024 * 1024,
        queueSize: config.s3UploadConcurrency,
      },
    });
  } catch (err) {
    if (err instanceof ArtifactLocationError) throw new StartupError(err.message, 2, { cause: err });
    throw err;
  }
}

/**
 * Fails start-up when the proxied artifact destination cannot be used (else the first upload would
 * fail, as a 500): a folder that cannot be written, a bucket that is missing or refuses the credentials.
 */
async function checkArtifactDestination(roots: ArtifactRoots): Promise<void> {
  const destination = roots.destination;
  if (destination.kind === 'local') {
    try {
      destination.store.ensureWritable();
    } catch (err) {
      throw new StartupError(
        `cannot write to the artifact folder ${destination.dir}: ${describeCause(err)}; choose a writable folder with --artifacts-destination PATH`,
        1,
        { cause: err },
      );
    }
    return;
  }
  try {
    await destination.store.checkReachable();
  } catch (err) {
    const { bucket } = destination.location;
    throw new StartupError(
      `cannot use the S3 bucket '${bucket}' of --artifacts-destination ${destination.store.uri}: ${describeS3Cause(err)}; check the bucket, MLFLOW_S3_ENDPOINT_URL and the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY credentials`,
      1,
      { cause: err },
    );
  }
}

/** A short reason for an S3 failure: S3's error code and HTTP status, or the connection error. */
function describeS3Cause(err: unknown): string {
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const name = (err as Error | null)?.name;
  if (status === 404) return 'the bucket does not exist (404 NotFound)';
  if (status === 403) return 'access denied (403 Forbidden)';
  if (status !== undefined) return `S3 answered ${status} ${name ?? ''}`.trim();
  return describeCause(err);
}

/** A listen error as a {@link StartupError} naming the port or host and the flag that changes it; other errors as they are. */
function listenFailure(err: unknown, config: ServerConfig): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const { host, port } = config;
  const other = port < 65535 ? port + 1 : port - 1;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `port ${port} on ${host} is already in use (another Loupe or MLflow server?): stop it, or choose another port with --port, e.g. --port ${other}`,
      1,
      {
        cause: err,
      },
    );
  }
  if (code === 'EACCES') {
    return new StartupError(
      `no permission to listen on port ${port} of ${host} (ports below 1024 need privileges): choose another with --port, e.g. --port 5000`,
      1,
      { cause: err },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new StartupError(
      `cannot listen on host '${host}': it is not an address of this machine; choose another with --host (127.0.0.1: this machine only, 0.0.0.0: every interface)`,
      1,
      {
        cause: err,
      },
    );
  }
  return err;
}
