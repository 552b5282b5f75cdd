import { z } from 'zod';
import { KeyValueJson } from './tracking.js';

/**
 * Model registry entities as they travel on the wire (protobuf-JSON, snake_case; spec §6.1). Prompts
 * (spec §7) are registered models and model versions with prompt tags, so they share these shapes.
 */

/** The stages a model version can be in (legacy, superseded by aliases but still used), canonical spelling. */
export const MODEL_VERSION_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
/** One stage. */
export type ModelVersionStage = (typeof MODEL_VERSION_STAGES)[number];

/** ModelVersionStatus, in proto order (PENDING_REGISTRATION = 1). Loupe creates versions READY. */
export const MODEL_VERSION_STATUSES = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] as const;
/** One ModelVersionStatus name. */
export type ModelVersionStatus = (typeof MODEL_VERSION_STATUSES)[number];

/** A model version (spec §6.1); `aliases` are the registered model's aliases pointing at it. */
export const ModelVersionJson = z.strictObject({
  name: z.string(),
  version: z.string(),
  creation_timestamp: z.number().int(),
  last_updated_timestamp: z.number().int().optional(),
  user_id: z.string().optional(),
  current_stage: z.enum(MODEL_VERSION_STAGES).optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.enum(MODEL_VERSION_STATUSES).optional(),
  status_message: z.string().optional(),
  tags: z.array(KeyValueJson).optional(),
  run_link: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  model_id: z.string().optional(),
});
/** A model version (spec §6.1). */
export type ModelVersion = z.infer<typeof ModelVersionJson>;

/** A registered model alias: a name pointing at one version. */
export const RegisteredModelAliasJson = z.strictObject({ alias: z.string(), version: z.string() });
/** A registered model alias. */
export type RegisteredModelAlias = z.infer<typeof RegisteredModelAliasJson>;

/** A registered model (spec §6.1); `latest_versions` holds the newest version of each stage. */
export const RegisteredModelJson = z.strictObject({
  name: z.string(),
  creation_timestamp: z.number().int(),
  last_updated_timestamp: z.number().int().optional(),
  user_id: z.string().optional(),
  description: z.string().optional(),
  latest_versions: z.array(ModelVersionJson).optional(),
  tags: z.array(KeyValueJson).optional(),
  aliases: z.array(RegisteredModelAliasJson).optional(),
});
/** A registered model (spec §6.1). */
export type RegisteredModel = z.infer<typeof RegisteredModelJson>;
