import { z } from 'zod';
import { MODEL_VERSION_STAGES, type ModelVersionStage } from '../entities/registry.js';
import { bool, int64, maxChars, repeated, requiredStr, str, wireCheck } from './fields.js';
import {
  aliasName,
  checkRegistryTagValue,
  modelVersionNumber,
  REGISTRY_LIMITS,
  registeredModelName,
  registryTagFields,
  registryTagList,
  storedText,
} from './registry-fields.js';

/**
 * Request schemas of the model registry RPCs (spec §6.2; prompts use the same RPCs, §7), decoded from
 * JSON bodies and query strings. Names, versions, aliases, tags and lengths are checked here with
 * MLflow 3.11's wording; what needs the database (exists, is a prompt) stays in the service.
 */

const name = { name: registeredModelName() };
const nameAndVersion = { ...name, version: modelVersionNumber() };
const description = storedText('description', REGISTRY_LIMITS.descriptionLength);

/** `{...}` stage names, any case, to their canonical spelling. */
const CANONICAL_STAGES: ReadonlyMap<string, ModelVersionStage> = new Map(MODEL_VERSION_STAGES.map((s) => [s.toLowerCase(), s]));

/**
 * The canonical stage for a stage name given in any case, or undefined (MLflow's `get_canonical_stage`).
 *
 * @example
 * canonicalStage('production'); // 'Production'
 */
export function canonicalStage(stage: string): ModelVersionStage | undefined {
  return CANONICAL_STAGES.get(stage.toLowerCase());
}

const invalidStage = (stage: string) => `Invalid Model Version stage: ${stage}. Value must be one of ${MODEL_VERSION_STAGES.join(', ')}.`;

/** A stage name, any case, read as its canonical spelling. */
function stageName<T extends z.ZodType<string>>(schema: T) {
  return wireCheck(schema, (s) => canonicalStage(s) !== undefined, invalidStage).transform((s) => canonicalStage(s) ?? 'None');
}

/** An optional id-like string (run_id, model_id): bounded, no NUL; empty means unset. */
function optionalId(label: string, max: number) {
  return storedText(label, max).transform((s) => s || undefined);
}

export const CreateRegisteredModel = z.object({ ...name, tags: registryTagList(), description });
export const RenameRegisteredModel = z.object({ ...name, new_name: registeredModelName('new_name') });
export const UpdateRegisteredModel = z.object({ ...name, description });
/** GetRegisteredModel and DeleteRegisteredModel. */
export const RegisteredModelNameOnly = z.object(name);
export const SearchRegisteredModels = z.object({
  filter: str().optional(),
  max_results: int64().optional(),
  order_by: repeated(str()),
  page_token: str().optional(),
});
export const GetLatestVersions = z.object({
  ...name,
  stages: repeated(stageName(str())),
});
export const SetRegisteredModelTag = z.object({ ...name, ...registryTagFields() }).superRefine(checkRegistryTagValue);
export const DeleteRegisteredModelTag = z.object({ ...name, key: registryTagFields().key });
export const SetRegisteredModelAlias = z.object({ ...name, alias: aliasName({ forSetting: true }), version: modelVersionNumber() });
/** DeleteRegisteredModelAlias and GetModelVersionByAlias (which also resolves `latest`). */
export const RegisteredModelAlias = z.object({ ...name, alias: aliasName() });

export const CreateModelVersion = z.object({
  ...name,
  source: wireCheck(
    maxChars(requiredStr({ field: 'source' }), REGISTRY_LIMITS.sourceLength, 'source'),
    (s) => !s.includes('\u0000'),
    "'source' cannot contain NUL characters (\\u0000).",
  ),
  run_id: optionalId('run_id', REGISTRY_LIMITS.runIdLength),
  tags: registryTagList(),
  run_link: storedText('run_link', REGISTRY_LIMITS.runLinkLength),
  description,
  model_id: optionalId('model_id', REGISTRY_LIMITS.modelIdLength),
});
export const UpdateModelVersion = z.object({ ...nameAndVersion, description });
export const TransitionModelVersionStage = z.object({
  ...nameAndVersion,
  stage: stageName(requiredStr({ field: 'stage' })),
  archive_existing_versions: bool().optional(),
});
/** DeleteModelVersion, GetModelVersion and GetModelVersionDownloadUri. */
export const ModelVersionOnly = z.object(nameAndVersion);
export const SearchModelVersions = z.object({
  filter: str().optional(),
  max_results: int64().optional(),
  order_by: repeated(str()),
  page_token: str().optional(),
});
export const SetModelVersionTag = z.object({ ...nameAndVersion, ...registryTagFields() }).superRefine(checkRegistryTagValue);
export const DeleteModelVersionTag = z.object({ ...nameAndVersion, key: registryTagFields().key });

/** `GET /model-versions/get-artifact?name=&version=&path=` (spec §1.8): one file of a model version. */
export const GetModelVersionArtifact = z.object({ ...nameAndVersion, path: requiredStr({ field: 'path' }) });

/** Loupe's `GET /ajax-api/2.0/loupe/prompts/traces`: the traces linked to one prompt version, newest first. */
export const SearchPromptVersionTraces = z.object({
  ...nameAndVersion,
  max_results: int64().optional(),
  page_token: str().optional(),
});

/** Loupe's `GET /ajax-api/2.0/loupe/model-versions/traces`: the traces made with one model version, newest first. */
export const SearchModelVersionTraces = z.object({
  ...nameAndVersion,
  max_results: int64().optional(),
  page_token: str().optional(),
});
