import { RegistryRequests as R, RegistryResponses as W, TrackingResponses } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { modelVersionJson, registeredModelJson } from '../wire/registry-json.js';
import { traceInfoJson } from '../wire/trace-info-json.js';

const MODELS = '/mlflow/registered-models';
const VERSIONS = '/mlflow/model-versions';

const getLatestVersions = (method: 'GET' | 'POST') =>
  rpc({
    method,
    path: `${MODELS}/get-latest-versions`,
    versions: [2],
    request: R.GetLatestVersions,
    response: W.GetLatestVersions,
    handle: async (req, { services }) => ({ model_versions: (await services.registry.getLatestVersions(req.name, req.stages)).map(modelVersionJson) }),
  });

/**
 * Model registry RPCs (spec §6.2), which prompts use too (spec §7): registered models, their tags and
 * aliases, and model versions with their tags, stages and download location. Mounted under
 * `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`.
 */
export const registryRoutes = [
  rpc({
    method: 'POST',
    path: `${MODELS}/create`,
    versions: [2],
    request: R.CreateRegisteredModel,
    response: W.GetRegisteredModel,
    handle: async (req, { services }) => ({
      registered_model: registeredModelJson(await services.registry.createRegisteredModel({ name: req.name, tags: req.tags, description: req.description })),
    }),
  }),
  rpc({
    method: 'GET',
    path: `${MODELS}/get`,
    versions: [2],
    request: R.RegisteredModelNameOnly,
    response: W.GetRegisteredModel,
    handle: async (req, { services }) => ({ registered_model: registeredModelJson(await services.registry.getRegisteredModel(req.name)) }),
  }),
  rpc({
    method: 'POST',
    path: `${MODELS}/rename`,
    versions: [2],
    request: R.RenameRegisteredModel,
    response: W.GetRegisteredModel,
    handle: async (req, { services }) => ({ registered_model: registeredModelJson(await services.registry.renameRegisteredModel(req.name, req.new_name)) }),
  }),
  rpc({
    method: 'PATCH',
    path: `${MODELS}/update`,
    versions: [2],
    request: R.UpdateRegisteredModel,
    response: W.GetRegisteredModel,
    handle: async (req, { services }) => ({ registered_model: registeredModelJson(await services.registry.updateRegisteredModel(req.name, req.description)) }),
  }),
  rpc({
    method: 'DELETE',
    path: `${MODELS}/delete`,
    versions: [2],
    request: R.RegisteredModelNameOnly,
    response: TrackingResponses.Empty,
    handle: (req, { services }) => services.registry.deleteRegisteredModel(req.name),
  }),
  rpc({
    method: 'GET',
    path: `${MODELS}/search`,
    versions: [2],
    request: R.SearchRegisteredModels,
    response: W.SearchRegisteredModels,
    handle: async (req, { services }) => {
      const { models, nextPageToken } = await services.registry.searchRegisteredModels({
        filter: req.filter,
        orderBy: req.order_by,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return { registered_models: models.map(registeredModelJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  getLatestVersions('POST'),
  getLatestVersions('GET'),
  rpc({
    method: 'POST',
    path: `${MODELS}/set-tag`,
    versions: [2],
    request: R.SetRegisteredModelTag,
    response: TrackingResponses.Empty,
    handle: (req, { services }) => services.registry.setRegisteredModelTag(req.name, { key: req.key, value: req.value }),
  }),
  rpc({
    method: 'DELETE',
    path: `${MODELS}/delete-tag`,
    versions: [2],
    request: R.DeleteRegisteredModelTag,
    response: TrackingResponses.Empty,
    handle: (req, { services }) => services.registry.deleteRegisteredModelTag(req.name, req.key),
  }),
  rpc({
    method: 'POST',
    path: `${MODELS}/alias`,
    versions: [2],
    request: R.SetRegisteredModelAlias,
    response: TrackingResponses.Empty,
    handle: (req, { services }) => services.registry.setAlias(req.name, req.alias, req.version),
  }),
  rpc({
    method: 'DELETE',
    path: `${MODELS}/alias`,
    versions: [2],
    request: R.RegisteredModelAlias,
    response: TrackingResponses.Empty,
    handle: (req, { services }) => services.registry.deleteAlias(req.name, req.alias),
  }),
  rpc({
    method: 'GET',
    path: `${MODELS}/alias`,
    versions: [2],
    request: R.RegisteredModelAlias,
    response: W.GetModelVersion,
    handle: async (req, { services }) => ({ model_version: modelVersionJson(await services.registry.getModelVersionByAlias(req.name, req.alias)) }),
  }),
  rpc({
    method: 'POST',
    path: `${VERSIONS}/create`,
    versions: [2],
    request: R.CreateModelVersion,
    response: W.GetModelVersion,
    handle: async (req, { services }) => ({
      model_version: modelVersionJson(
        await services.registry.createModelVersion({
          name: req.name,
          source: req.source,
          runId: req.run_id,
          tags: req.tags,
          runLink: req.run_link,
          description: req.description,
          modelId: req.model_id,
        }),
      ),
    }),
  }),
  rpc({
    method: 'GET',
    path: `${VERSIONS}/get`,
    versions: [2],
    request: R.ModelVersionOnly,
    response: W.GetModelVersion,
    handle: async (req, { services }) => ({ model_version: modelVersionJson(await services.registry.getModelVersion(req.name, req.version)) }),
  }),
  rpc({
    method: 'PATCH',
    path: `${VERSIONS}/update`,
    versions: [2],
    request: R.UpdateModelVersion,
    response: W.GetModelVersion,
    handle: async (req, { services }) => ({
      model_version: modelVersionJson(await services.registry.updateModelVersion(req.name, req.version, req.description)),
    }),
  }),
  rpc({
    method: 'POST',
    path: `${VERSIONS}/transition-stage`,
    versions: [2],
    request: R.TransitionModelVersionStage,
    response: W.GetModelVersion,
    handle: async (req, { services }) => ({
      model_version: modelVersionJson(
        await services.registry.transitionModelVersionStage(req.name, req.version, req.stage, req.archive_existing_versions ?? false),
      ),
    }),
  }),
  rpc({
    method: 'DELETE',
    path: `${VERSIONS}/delete`,
    versions: [2],
    request: R.ModelVersionOnly,
    response: TrackingResponses.Empty,
    handle: (req, { services }) => services.registry.deleteModelVersion(req.name, req.version),
  }),
  rpc({
    method: 'GET',
    path: `${VERSIONS}/search`,
    versions: [2],
    request: R.SearchModelVersions,
    response: W.SearchModelVersions,
    handle: async (req, { services }) => {
      const { versions, nextPageToken } = await services.registry.searchModelVersions({
        filter: req.filter,
        orderBy: req.order_by,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return { model_versions: versions.map(modelVersionJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'GET',
    path: `${VERSIONS}/get-download-uri`,
    versions: [2],
    request: R.ModelVersionOnly,
    response: W.GetModelVersionDownloadUri,
    handle: async (req, { services }) => ({ artifact_uri: await services.registry.getModelVersionDownloadUri(req.name, req.version) }),
  }),
  rpc({
    method: 'POST',
    path: `${VERSIONS}/set-tag`,
    versions: [2],
    request: R.SetModelVersionTag,
    response: TrackingResponses.Empty,
    handle: (req, { services }) => services.registry.setModelVersionTag(req.name, req.version, { key: req.key, value: req.value }),
  }),
  rpc({
    method: 'DELETE',
    path: `${VERSIONS}/delete-tag`,
    versions: [2],
    request: R.DeleteModelVersionTag,
    response: TrackingResponses.Empty,
    handle: (req, { services }) => services.registry.deleteModelVersionTag(req.name, req.version, req.key),
  }),
  rpc({
    method: 'GET',
    path: '/loupe/prompt-versions/traces',
    versions: [2],
    request: R.SearchPromptVersionTraces,
    response: W.SearchPromptVersionTraces,
    handle: async (req, { services }) => {
      const { traces, nextPageToken } = await services.traceLinks.tracesOfPromptVersion(req.name, req.version, {
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return { traces: traces.map(traceInfoJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'GET',
    path: '/loupe/model-versions/traces',
    versions: [2],
    request: R.SearchModelVersionTraces,
    response: W.SearchModelVersionTraces,
    handle: async (req, { services }) => {
      const found = await services.modelVersionTraces.list(req.name, req.version, { maxResults: req.max_results, pageToken: req.page_token });
      return {
        traces: found.traces.map(traceInfoJson),
        ...(found.nextPageToken ? { next_page_token: found.nextPageToken } : {}),
        ...(found.experimentId !== undefined ? { experiment_id: found.experimentId } : {}),
        ...(found.filter !== undefined ? { filter: found.filter } : {}),
      };
    },
  }),
];
