import { z } from 'zod';

/**
 * Reply schemas of MLflow's user and permission API, as `mlflow.server.auth.entities` reads them
 * (`User.from_json` needs every list, empty or not, so these replies keep empty lists).
 */

export const ExperimentPermissionJson = z.strictObject({ experiment_id: z.string(), user_id: z.number(), permission: z.string() });
export const RegisteredModelPermissionJson = z.strictObject({ name: z.string(), user_id: z.number(), permission: z.string() });
export const UserJson = z.strictObject({
  id: z.number(),
  username: z.string(),
  is_admin: z.boolean(),
  experiment_permissions: z.array(ExperimentPermissionJson),
  registered_model_permissions: z.array(RegisteredModelPermissionJson),
  scorer_permissions: z.array(z.never()),
});

export const GetUser = z.strictObject({ user: UserJson });
export const GetExperimentPermission = z.strictObject({ experiment_permission: ExperimentPermissionJson });
export const GetRegisteredModelPermission = z.strictObject({ registered_model_permission: RegisteredModelPermissionJson });
export const Empty = z.strictObject({});
