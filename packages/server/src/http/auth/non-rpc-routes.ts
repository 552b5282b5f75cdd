import type { Context, Hono } from 'hono';
import { LegacyTraceRequests, RegistryRequests, TrackingRequests } from '@loupe/protocol';
import { ref, type Access, type ResourceRef } from '../../auth/access.js';
import { decodeRequest, queryToObject } from '../request-decoding.js';
import type { Authorizer } from '../../auth/authorizer.js';
import { PROXIED_ARTIFACT_PREFIXES } from '../artifacts/proxied-artifact-routes.js';
import { GATEWAY_INVOCATION_PATHS } from '../gateway/gateway-invocation-routes.js';

/** A route that is not an RPC, with who may call it (docs/adr/0013-auth.md §2), over the raw request. */
export interface NonRpcRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** The path exactly as the route is mounted (Hono syntax). */
  path: string;
  access: Access<Context>;
}

/** The experiment id a proxied artifact path starts with (`<experiment_id>/<run_id>/artifacts/...`, MLflow's rule). */
const EXPERIMENT_PREFIX = /^(\d+)(?:\/|$)/;

/**
 * The experiment a proxied artifact path belongs to, from its first segment; none (admins only) for a
 * path without one or with a `.`/`..` segment, which could climb into another experiment's folder.
 */
function proxiedArtifactOwner(path: string | undefined): ResourceRef[] {
  if (path === undefined) return [];
  const segments = path.split(/[/\\]/);
  if (segments.some((s) => s === '..' || s === '.')) return [];
  const match = EXPERIMENT_PREFIX.exec(path);
  return match ? [ref.experiment(match[1] as string)] : [];
}

const query = (c: Context, name: string) => c.req.query(name);
const some = (value: string | undefined, make: (v: string) => ResourceRef): ResourceRef[] => (value ? [make(value)] : []);

/**
 * Every route of the app that is not an RPC, with its access. `guardNonRpcRoutes` mounts the checks;
 * `auth/every-route.test.ts` fails for a mounted route missing here.
 */
export const NON_RPC_ROUTES: readonly NonRpcRoute[] = [
  { method: 'GET', path: '/health', access: { kind: 'public' } },
  { method: 'GET', path: '/ready', access: { kind: 'public' } },
  { method: 'GET', path: '/version', access: { kind: 'public' } },
  // The UI's sign-in (docs/adr/0013-auth.md §7): public, since they are how one gets a session; each
  // checks what it needs itself (the logout its session's CSRF token, the password form its origin).
  { method: 'GET', path: '/auth/session', access: { kind: 'public' } },
  { method: 'POST', path: '/auth/login/password', access: { kind: 'public' } },
  { method: 'GET', path: '/auth/login', access: { kind: 'public' } },
  { method: 'GET', path: '/auth/callback', access: { kind: 'public' } },
  { method: 'POST', path: '/auth/logout', access: { kind: 'public' } },
  // OTLP ingest writes spans into the experiment the header names (spec §4.5).
  { method: 'POST', path: '/v1/traces', access: { edit: (c) => some(c.req.header('x-mlflow-experiment-id'), ref.experiment) } },
  // The AI gateway's data plane: any signed-in user may call an endpoint (Loupe has no per-endpoint
  // permissions yet; MLflow's newer auth app has a USE permission on gateway endpoints).
  { method: 'POST', path: GATEWAY_INVOCATION_PATHS.invocations, access: { kind: 'authenticated' } },
  { method: 'POST', path: GATEWAY_INVOCATION_PATHS.chatCompletions, access: { kind: 'authenticated' } },
  { method: 'POST', path: GATEWAY_INVOCATION_PATHS.embeddings, access: { kind: 'authenticated' } },
  // These decode the query as their handlers do (same schema, same precedence of run_id and run_uuid).
  { method: 'GET', path: '/get-artifact', access: { read: (c) => ref.run(decodeRequest(TrackingRequests.GetArtifact, c.req.query()).run_id) } },
  {
    method: 'POST',
    path: '/ajax-api/2.0/mlflow/upload-artifact',
    access: { edit: (c) => ref.run(decodeRequest(TrackingRequests.UploadArtifact, c.req.query()).run_id) },
  },
  {
    method: 'GET',
    path: '/model-versions/get-artifact',
    access: { read: (c) => ref.registeredModel(decodeRequest(RegistryRequests.GetModelVersionArtifact, c.req.query()).name) },
  },
  {
    method: 'GET',
    path: '/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files',
    access: { read: (c) => some(c.req.param('model_id'), ref.loggedModel) },
  },
  {
    method: 'GET',
    path: '/ajax-api/2.0/mlflow/get-trace-artifact',
    access: { read: (c) => some(decodeRequest(LegacyTraceRequests.GetTraceArtifact, queryToObject(new URL(c.req.url).searchParams)).request_id, ref.trace) },
  },
  ...PROXIED_ARTIFACT_PREFIXES.flatMap((prefix): NonRpcRoute[] => [
    { method: 'GET', path: `${prefix}/artifacts`, access: { read: (c) => proxiedArtifactOwner(query(c, 'path')) } },
    { method: 'GET', path: `${prefix}/artifacts/:path{.+}`, access: { read: (c) => proxiedArtifactOwner(c.req.param('path')) } },
    { method: 'PUT', path: `${prefix}/artifacts/:path{.+}`, access: { edit: (c) => proxiedArtifactOwner(c.req.param('path')) } },
    // MLflow: deleting a proxied artifact needs MANAGE on the experiment.
    { method: 'DELETE', path: `${prefix}/artifacts/:path{.+}`, access: { manage: (c) => proxiedArtifactOwner(c.req.param('path')) } },
    ...['create', 'complete', 'abort'].map((step): NonRpcRoute => ({
      method: 'POST',
      path: `${prefix}/mpu/${step}/:path{.+}`,
      access: { edit: (c) => proxiedArtifactOwner(c.req.param('path')) },
    })),
    // A presigned URL reads the file: READ on the experiment, as a download.
    { method: 'GET', path: `${prefix}/presigned/:path{.+}`, access: { read: (c) => proxiedArtifactOwner(c.req.param('path')) } },
  ]),
  // The UI shell and its assets: anyone, so its login page can show (no data in it; the API it calls is checked).
  { method: 'GET', path: '*', access: { kind: 'public' } },
];

/**
 * Mounts the access check of every {@link NON_RPC_ROUTES} entry in front of its handler (call it
 * before the routes are mounted: Hono runs matching handlers in the order they were added).
 *
 * @example
 * guardNonRpcRoutes(app, authorizer);
 * mountOtlpRoutes(app, services, options);
 */
export function guardNonRpcRoutes(app: Hono, authorizer: Authorizer): void {
  for (const route of NON_RPC_ROUTES) {
    // Authentication already ran for every path but the public ones; these add nothing to it.
    if (route.path === '*' || route.access.kind === 'public' || route.access.kind === 'authenticated') continue;
    app.on(route.method, route.path, async (c, next) => {
      await authorizer.authorize(c.get('principal'), route.access as Access<Context, never>, c);
      await next();
    });
  }
}
