import { z } from 'zod';
import { ModelVersionJson, RegisteredModelJson } from '../entities/registry.js';
import { TraceInfoV3Json } from '../entities/traces.js';

/**
 * Reply schemas of the model registry RPCs (spec §6.2) as they go on the wire (empty lists omitted).
 * Replies with no fields use `TrackingResponses.Empty`.
 */

/** CreateRegisteredModel, GetRegisteredModel, RenameRegisteredModel and UpdateRegisteredModel. */
export const GetRegisteredModel = z.strictObject({ registered_model: RegisteredModelJson });
export const SearchRegisteredModels = z.strictObject({ registered_models: z.array(RegisteredModelJson).optional(), next_page_token: z.string().optional() });
export const GetLatestVersions = z.strictObject({ model_versions: z.array(ModelVersionJson).optional() });
/** CreateModelVersion, GetModelVersion, UpdateModelVersion, TransitionModelVersionStage and GetModelVersionByAlias. */
export const GetModelVersion = z.strictObject({ model_version: ModelVersionJson });
export const SearchModelVersions = z.strictObject({ model_versions: z.array(ModelVersionJson).optional(), next_page_token: z.string().optional() });
export const GetModelVersionDownloadUri = z.strictObject({ artifact_uri: z.string() });
/** Loupe's prompt-version traces: trace infos (v3), newest first. */
export const SearchPromptVersionTraces = z.strictObject({ traces: z.array(TraceInfoV3Json).optional(), next_page_token: z.string().optional() });
/**
 * Loupe's model-version traces: trace infos (v3), newest first, with the experiment searched and the
 * trace filter used there (absent when the version has neither a logged model nor a run).
 */
export const SearchModelVersionTraces = z.strictObject({
  traces: z.array(TraceInfoV3Json).optional(),
  next_page_token: z.string().optional(),
  experiment_id: z.string().optional(),
  filter: z.string().optional(),
});
