import { ApiError, AuthRequests as R, AuthResponses as W } from '@loupe/protocol';
import { ref } from '../../auth/access.js';
import type { UserService, UserWithPermissions } from '../../auth/user-service.js';
import type { Services } from '../../services/services.js';
import type { ExperimentPermissionRecord, RegisteredModelPermissionRecord } from '../../store/auth-store.js';
import { RawJson } from '../json-response.js';
import { rpc } from '../rpc.js';

/** The user service; these routes are mounted only when auth is on, so it is there. */
function users(services: Services): UserService {
  if (!services.users) throw new ApiError('FEATURE_DISABLED', 'Authentication is off: start the server with --app-name basic-auth.');
  return services.users;
}

const experimentPermissionJson = (p: ExperimentPermissionRecord) => ({ experiment_id: p.experimentId, user_id: p.userId, permission: p.permission });
const modelPermissionJson = (p: RegisteredModelPermissionRecord) => ({ name: p.name, user_id: p.userId, permission: p.permission });

/** MLflow's `User.to_json()`; lists stay even when empty (`User.from_json` reads each), so the text is written here. */
function userReply(found: UserWithPermissions): RawJson {
  return new RawJson(
    JSON.stringify({
      user: {
        id: found.user.id,
        username: found.user.username,
        is_admin: found.user.isAdmin,
        experiment_permissions: found.experimentPermissions.map(experimentPermissionJson),
        registered_model_permissions: found.registeredModelPermissions.map(modelPermissionJson),
        scorer_permissions: [],
      },
    }),
  );
}

/**
 * MLflow's user and permission API (`mlflow/server/auth/routes.py`; what
 * `mlflow.server.get_app_client('basic-auth')` calls), mounted when auth is on. Who may call each is
 * MLflow's rule: admins manage users; a user reads itself and changes its own password; permissions
 * on an experiment or registered model are managed with MANAGE on it.
 */
export const userRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/users/create',
    versions: [2],
    request: R.CreateUser,
    response: W.GetUser,
    access: { kind: 'admin' },
    handle: async (req, { services, principal }) => {
      const user = await users(services).createUser(principal, req.username, req.password);
      return userReply({ user, experimentPermissions: [], registeredModelPermissions: [] });
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/users/get',
    versions: [2],
    request: R.UsernameOnly,
    response: W.GetUser,
    access: { kind: 'self-or-admin', username: (req) => req.username },
    handle: async (req, { services }) => userReply(await users(services).getUser(req.username)),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/users/update-password',
    versions: [2],
    request: R.UpdateUserPassword,
    response: W.Empty,
    access: { kind: 'self-or-admin', username: (req) => req.username },
    handle: (req, { services, principal }) => users(services).updatePassword(principal, req.username, req.password),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/users/update-admin',
    versions: [2],
    request: R.UpdateUserAdmin,
    response: W.Empty,
    access: { kind: 'admin' },
    handle: (req, { services, principal }) => users(services).updateAdmin(principal, req.username, req.is_admin),
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/users/delete',
    versions: [2],
    request: R.UsernameOnly,
    response: W.Empty,
    access: { kind: 'admin' },
    handle: (req, { services, principal }) => users(services).deleteUser(principal, req.username),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/permissions/create',
    versions: [2],
    request: R.ExperimentPermissionWrite,
    response: W.GetExperimentPermission,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services, principal }) => ({
      experiment_permission: experimentPermissionJson(
        await users(services).createExperimentPermission(principal, req.experiment_id, req.username, req.permission),
      ),
    }),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/experiments/permissions/get',
    versions: [2],
    request: R.ExperimentPermissionRef,
    response: W.GetExperimentPermission,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => ({
      experiment_permission: experimentPermissionJson(await users(services).getExperimentPermission(req.experiment_id, req.username)),
    }),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/experiments/permissions/update',
    versions: [2],
    request: R.ExperimentPermissionWrite,
    response: W.Empty,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    handle: (req, { services, principal }) => users(services).updateExperimentPermission(principal, req.experiment_id, req.username, req.permission),
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/experiments/permissions/delete',
    versions: [2],
    request: R.ExperimentPermissionRef,
    response: W.Empty,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    handle: (req, { services, principal }) => users(services).deleteExperimentPermission(principal, req.experiment_id, req.username),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/registered-models/permissions/create',
    versions: [2],
    request: R.RegisteredModelPermissionWrite,
    response: W.GetRegisteredModelPermission,
    access: { manage: (req) => ref.registeredModel(req.name) },
    handle: async (req, { services, principal }) => ({
      registered_model_permission: modelPermissionJson(
        await users(services).createRegisteredModelPermission(principal, req.name, req.username, req.permission),
      ),
    }),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/registered-models/permissions/get',
    versions: [2],
    request: R.RegisteredModelPermissionRef,
    response: W.GetRegisteredModelPermission,
    access: { manage: (req) => ref.registeredModel(req.name) },
    handle: async (req, { services }) => ({
      registered_model_permission: modelPermissionJson(await users(services).getRegisteredModelPermission(req.name, req.username)),
    }),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/registered-models/permissions/update',
    versions: [2],
    request: R.RegisteredModelPermissionWrite,
    response: W.Empty,
    access: { manage: (req) => ref.registeredModel(req.name) },
    handle: (req, { services, principal }) => users(services).updateRegisteredModelPermission(principal, req.name, req.username, req.permission),
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/registered-models/permissions/delete',
    versions: [2],
    request: R.RegisteredModelPermissionRef,
    response: W.Empty,
    access: { manage: (req) => ref.registeredModel(req.name) },
    handle: (req, { services, principal }) => users(services).deleteRegisteredModelPermission(principal, req.name, req.username),
  }),
];
