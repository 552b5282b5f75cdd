import type { ModelVersion, RegisteredModel } from '@loupe/protocol';
import type { ModelVersionRecord, RegisteredModelRecord } from '../../store/registry-store.js';

/**
 * A model version as MLflow's wire has it (spec §6.1): the number as a string, unset fields left out
 * (the serializer drops empty lists). Loupe also sends `model_id`, which MLflow's proto has but its
 * server leaves unset.
 *
 * @example
 * modelVersionJson(record).version; // '3'
 */
export function modelVersionJson(v: ModelVersionRecord): ModelVersion {
  const json: ModelVersion = {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    current_stage: v.currentStage,
    source: v.source,
    status: v.status,
    tags: v.tags,
    aliases: v.aliases,
  };
  if (v.description) json.description = v.description;
  if (v.userId) json.user_id = v.userId;
  if (v.runId) json.run_id = v.runId;
  if (v.runLink) json.run_link = v.runLink;
  if (v.statusMessage) json.status_message = v.statusMessage;
  if (v.modelId) json.model_id = v.modelId;
  return json;
}

/**
 * A registered model as MLflow's wire has it (spec §6.1): aliases as `{alias, version}` with string
 * versions, the newest version of each stage in `latest_versions`.
 *
 * @example
 * registeredModelJson(record).aliases; // [{ alias: 'champion', version: '2' }]
 */
export function registeredModelJson(m: RegisteredModelRecord): RegisteredModel {
  const json: RegisteredModel = {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    latest_versions: m.latestVersions.map(modelVersionJson),
    tags: m.tags,
    aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  };
  if (m.description) json.description = m.description;
  return json;
}
