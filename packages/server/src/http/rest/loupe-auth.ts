import { ApiError, AuthRequests as R, AuthResponses as W } from '@loupe/protocol';
import { ref } from '../../auth/access.js';
import type { ApiTokenService } from '../../auth/api-token-service.js';
import type { AuditLog } from '../../auth/audit-log.js';
import type { UserService } from '../../auth/user-service.js';
import type { Services } from '../../services/services.js';
import type { ApiTokenRecord } from '../../store/api-token-store.js';
import type { PermissionHolderRecord } from '../../store/auth-store.js';
import { RawJson } from '../json-response.js';
import { rpc } from '../rpc.js';

/** A service of the auth app; these routes are mounted only when auth is on, so it is there. */
function authService<K extends 'users' | 'apiTokens' | 'audit'>(services: Services, key: K): NonNullable<Services[K]> {
  const service = services[key];
  if (!service) throw new ApiError('FEATURE_DISABLED', 'Authentication is off: start the server with --app-name basic-auth.');
  return service as NonNullable<Services[K]>;
}
const users = (services: Services): UserService => authService(services, 'users');
const apiTokens = (services: Services): ApiTokenService => authService(services, 'apiTokens');
const auditLog = (services: Services): AuditLog => authService(services, 'audit');

function tokenJson(token: ApiTokenRecord) {
  return {
    token_id: token.id,
    name: token.name,
    username: token.username,
    token_prefix: token.tokenPrefix,
    created_at: token.createdAt,
    ...(token.lastUsedAt !== undefined ? { last_used_at: token.lastUsedAt } : {}),
    ...(token.expiresAt !== undefined ? { expires_at: token.expiresAt } : {}),
    ...(token.revokedAt !== undefined ? { revoked_at: token.revokedAt } : {}),
  };
}

/** Lists stay in the reply even when empty (the protobuf-JSON writer would drop them): the UI reads `tokens`, `users`, `permissions`. */
const json = (value: unknown) => new RawJson(JSON.stringify(value));
const permissionsReply = (rows: PermissionHolderRecord[]) => json({ permissions: rows.map((r) => ({ username: r.username, permission: r.permission })) });

/**
 * Loupe's auth extensions (docs/api.md, docs/adr/0013-auth.md §7-§9), mounted with MLflow's user API
 * when auth is on: API tokens (a user's own; admins name anyone), the audit log (admins) and the
 * listings the admin UI needs (users: admins; who holds permissions on an experiment or registered
 * model: MANAGE on it, as for MLflow's permission routes).
 */
export const loupeAuthRoutes = [
  rpc({
    method: 'POST',
    path: '/loupe/tokens/create',
    versions: [2],
    request: R.CreateApiToken,
    response: W.CreateApiToken,
    access: { kind: 'self-or-admin', username: (req) => req.username },
    handle: async (req, { services, principal }) => {
      const { token, secret } = await apiTokens(services).create(principal, {
        name: req.name,
        ...(req.expires_in_days !== undefined ? { expiresInDays: req.expires_in_days } : {}),
        ...(req.username !== undefined ? { username: req.username } : {}),
      });
      return json({ token: tokenJson(token), secret });
    },
  }),
  rpc({
    method: 'GET',
    path: '/loupe/tokens/list',
    versions: [2],
    request: R.ListApiTokens,
    response: W.ListApiTokens,
    access: { kind: 'self-or-admin', username: (req) => req.username },
    handle: async (req, { services, principal }) => json({ tokens: (await apiTokens(services).list(principal, req.username)).map(tokenJson) }),
  }),
  rpc({
    method: 'POST',
    path: '/loupe/tokens/revoke',
    versions: [2],
    request: R.RevokeApiToken,
    response: W.Empty,
    // The owner is a column of the token, not a permission holder: ApiTokenService.revoke refuses others' tokens to non-admins.
    access: { kind: 'authenticated' },
    handle: (req, { services, principal }) => apiTokens(services).revoke(principal, req.token_id),
  }),
  rpc({
    method: 'GET',
    path: '/loupe/audit/search',
    versions: [2],
    request: R.SearchAuditEvents,
    response: W.SearchAuditEvents,
    access: { kind: 'admin' },
    handle: async (req, { services }) => {
      const page = await auditLog(services).search({
        maxResults: req.max_results,
        ...(req.page_token ? { pageToken: req.page_token } : {}),
        ...(req.actor ? { actor: req.actor } : {}),
        ...(req.action ? { action: req.action } : {}),
        ...(req.resource_type ? { resourceType: req.resource_type } : {}),
      });
      return json({
        events: page.events.map((e) => ({
          event_id: e.id,
          time: e.time,
          actor: e.actor,
          via: e.via,
          action: e.action,
          resource_type: e.resourceType,
          resource_id: e.resourceId,
          detail: e.detail,
        })),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      });
    },
  }),
  rpc({
    method: 'GET',
    path: '/loupe/users/list',
    versions: [2],
    request: R.ListUsers,
    response: W.ListUsers,
    access: { kind: 'admin' },
    handle: async (_req, { services }) =>
      json({ users: (await users(services).listUsers()).map((u) => ({ id: u.id, username: u.username, is_admin: u.isAdmin })) }),
  }),
  rpc({
    method: 'GET',
    path: '/loupe/experiments/permissions/list',
    versions: [2],
    request: R.ListExperimentPermissions,
    response: W.ListPermissions,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => permissionsReply(await users(services).experimentPermissionHolders(req.experiment_id)),
  }),
  rpc({
    method: 'GET',
    path: '/loupe/registered-models/permissions/list',
    versions: [2],
    request: R.ListRegisteredModelPermissions,
    response: W.ListPermissions,
    access: { manage: (req) => ref.registeredModel(req.name) },
    handle: async (req, { services }) => permissionsReply(await users(services).registeredModelPermissionHolders(req.name)),
  }),
];
