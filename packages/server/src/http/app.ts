import { Hono } from 'hono';
import { ApiError } from '@loupe/protocol';
import { decodeOtlpInline, type OtlpDecoder } from '../ingest/otlp/decode-otlp.js';
import type { Services } from '../services/services.js';
import { artifactRpcRoutes, loggedModelArtifactRpcRoutes, mountArtifactRoutes } from './artifacts/artifact-routes.js';
import { experimentRoutes } from './rest/experiments.js';
import { loggedModelRoutes } from './rest/logged-models.js';
import { mountOtlpRoutes } from './otlp/otlp-routes.js';
import { mountGatewayInvocationRoutes } from './gateway/gateway-invocation-routes.js';
import { runRoutes } from './rest/runs.js';
import { traceSpanRoutes } from './rest/trace-spans.js';
import { traceRoutes } from './rest/traces.js';
import { assessmentRoutes } from './rest/assessments.js';
import { legacyTraceRoutes } from './rest/legacy-traces.js';
import { mountTraceArtifactRoute } from './rest/trace-artifact.js';
import { registryRoutes } from './rest/registry.js';
import { webhookRoutes } from './rest/webhooks.js';
import { gatewayRoutes } from './rest/gateway.js';
import { labelSchemaRoutes, reviewQueueRoutes } from './rest/review.js';
import { monitorRoutes } from './rest/monitors.js';
import { datasetRoutes } from './rest/datasets.js';
import { scorerRoutes } from './rest/scorers.js';
import { onlineScoringRoutes } from './rest/online-scoring.js';
import { mountRpcs, type RpcRoute } from './rpc.js';
import { securityHeaders, securityMiddleware, type SecurityOptions } from './security/security-middleware.js';
import { userRoutes } from './rest/users.js';
import { loupeAuthRoutes } from './rest/loupe-auth.js';
import { authentication, clientAddresses } from './auth/authentication.js';
import type { TrustedProxies } from './client-address.js';
import { guardNonRpcRoutes } from './auth/non-rpc-routes.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { AuthFreshness } from '../auth/auth-freshness.js';
import type { Authorizer } from '../auth/authorizer.js';
import { mountBrowserAuthRoutes, type BrowserAuth } from './auth/browser-auth-routes.js';
import { isUiShellRequest } from './ui/ui-routes.js';
import type { ReadinessProbe } from '../readiness.js';

/** The MLflow API version Loupe speaks, as `GET /version` reports it (clients need >= 3.4). */
export const MLFLOW_API_VERSION = '3.5.0';

/** What the HTTP app is built from. */
export interface AppOptions {
  services: Services;
  /** Loupe's own version, sent in the `X-Loupe-Version` header. */
  loupeVersion: string;
  maxJsonBodyBytes: number;
  /**
   * The Host check, cross-origin write check, CORS and framing headers (`--allowed-hosts`,
   * `--cors-allowed-origins`, `--x-frame-options`); null: none of them (`--disable-security-middleware`).
   */
  security: SecurityOptions | null;
  /** Check every RPC reply against its route's response schema (tests; a mismatch answers 500). */
  checkResponses?: boolean;
  /** Extra route groups (artifacts, ...), mounted after the RPCs. */
  extraRoutes?: ((app: Hono) => void)[];
  /** Where unexpected errors are reported; never the client. */
  onInternalError?: (err: unknown) => void;
  /** Decodes OTLP request bodies (`POST /v1/traces`): on the request thread unless given another decoder (a worker pool's). */
  decodeOtlp?: OtlpDecoder;
  /** Authentication and authorization (`--app-name basic-auth`); unset: off, every request is the local operator. */
  auth?: AppAuth;
  /** What `GET /ready` reports (the database answers, the server is not stopping); unset: always ready. */
  readiness?: ReadinessProbe;
  /** Proxies whose `X-Forwarded-For` names the client (`LOUPE_TRUSTED_PROXIES`); unset: none. */
  trustedProxies?: TrustedProxies;
}

/** The pieces of auth the app is built with (docs/adr/0013-auth.md). */
export interface AppAuth {
  authenticator: Authenticator;
  freshness: AuthFreshness;
  authorizer: Authorizer;
  /** The UI's sign-in (login page, sessions, OpenID Connect); unset: none (API clients only). */
  browser?: BrowserAuth;
}

/** Paths answered without credentials: load-balancer probes. */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/version']);

/** What `/ready` says when the server should get no traffic (no detail: probes are public). */
const NOT_READY: Readonly<Record<'draining' | 'database', string>> = { draining: 'draining', database: 'database not answering' };

/**
 * Requests that need no principal (docs/adr/0013-auth.md §1): the probes, the sign-in routes under
 * `/auth/` (each checks the session it needs, and none may answer with a Basic challenge), and the UI
 * shell, which must load for its login page to show.
 */
function isPublicRequest(method: string, path: string): boolean {
  return PUBLIC_PATHS.has(path) || path.startsWith('/auth/') || isUiShellRequest(method, path);
}

/** Every RPC route group. */
export const ALL_RPC_ROUTES: readonly RpcRoute[] = [
  ...experimentRoutes,
  ...runRoutes,
  ...loggedModelRoutes,
  ...artifactRpcRoutes,
  ...loggedModelArtifactRpcRoutes,
  ...traceRoutes,
  ...legacyTraceRoutes,
  ...traceSpanRoutes,
  ...assessmentRoutes,
  ...registryRoutes,
  ...webhookRoutes,
  ...gatewayRoutes,
  ...labelSchemaRoutes,
  ...reviewQueueRoutes,
  ...monitorRoutes,
  ...datasetRoutes,
  ...scorerRoutes,
  ...onlineScoringRoutes,
] as readonly RpcRoute[];

/** The routes mounted only when auth is on: MLflow's user and permission API, Loupe's tokens, audit log and listings. */
export const AUTH_RPC_ROUTES: readonly RpcRoute[] = [...userRoutes, ...loupeAuthRoutes] as readonly RpcRoute[];

/**
 * Builds the HTTP application: the security checks before any route, RPCs under `/api` and
 * `/ajax-api`, `/health`, `/ready`, `/version`, one error writer (`{error_code, message}` with the status of the
 * code), and a bare 404 for unknown routes.
 *
 * @example
 * const security = { allowedHosts: ['localhost', '127.0.0.1', '[::1]'], corsAllowedOrigins: [], frameOptions: 'SAMEORIGIN' } as const;
 * const app = createApp({ services, loupeVersion: '0.1.0', maxJsonBodyBytes: 16 << 20, security });
 * const res = await app.request('/health');
 */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Loupe-Version', options.loupeVersion);
  });
  app.use('*', securityHeaders(options.security?.frameOptions ?? 'NONE'));
  if (options.trustedProxies) app.use('*', clientAddresses(options.trustedProxies));
  // First, so a refused Host or cross-site write reaches no route.
  if (options.security) app.use('*', securityMiddleware(options.security));
  // Then who is asking: a principal for every request but the probes, or 401 (docs/adr/0013-auth.md §1).
  const auth = options.auth;
  app.use('*', authentication(auth ? { authenticator: auth.authenticator, freshness: auth.freshness, isPublic: isPublicRequest } : null));
  // Liveness (MLflow's route): the process answers. Readiness (Loupe's): it should be sent traffic.
  app.get('/health', (c) => c.text('OK'));
  app.get('/ready', async (c) => {
    const state = options.readiness ? await options.readiness.check() : { ready: true as const };
    c.header('Cache-Control', 'no-store');
    return state.ready ? c.text('OK') : c.text(NOT_READY[state.reason], 503);
  });
  app.get('/version', (c) => c.text(MLFLOW_API_VERSION));
  // Without auth the UI is told so (`{auth: "none"}`); with it, the sign-in routes.
  if (!auth) mountBrowserAuthRoutes(app, null);
  else if (auth.browser) mountBrowserAuthRoutes(app, auth.browser);
  const audit = options.services.audit;
  mountRpcs(app, auth ? [...ALL_RPC_ROUTES, ...AUTH_RPC_ROUTES] : ALL_RPC_ROUTES, options.services, {
    maxJsonBodyBytes: options.maxJsonBodyBytes,
    checkResponses: options.checkResponses ?? false,
    ...(auth ? { authorizer: auth.authorizer } : {}),
    ...(auth && audit ? { audit: (actor, subject) => audit.record(actor, subject) } : {}),
  });
  if (auth) guardNonRpcRoutes(app, auth.authorizer);
  mountOtlpRoutes(app, options.services, { maxBodyBytes: options.maxJsonBodyBytes, decode: options.decodeOtlp ?? decodeOtlpInline });
  mountGatewayInvocationRoutes(app, options.services, { maxJsonBodyBytes: options.maxJsonBodyBytes });
  mountArtifactRoutes(app, options.services, { maxJsonBodyBytes: options.maxJsonBodyBytes });
  mountTraceArtifactRoute(app, options.services);
  for (const add of options.extraRoutes ?? []) add(app);

  app.notFound(() => new Response(null, { status: 404 }));
  app.onError((err, c) => {
    if (ApiError.is(err)) {
      // A body over the limit is left unread: the connection closes after the answer (http/node-server.ts drops the rest).
      if (err.status === 413) c.header('Connection', 'close');
      return c.json(err.toJSON(), err.status as 400);
    }
    (options.onInternalError ?? ((e) => console.error('Loupe internal error:', e)))(err);
    return c.json({ error_code: 'INTERNAL_ERROR', message: 'Internal server error' }, 500);
  });
  return app;
}
