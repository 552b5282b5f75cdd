import { REGISTRY_LIMITS, RegistryRequests as R, RegistryResponses as W, TrackingResponses } from '@loupe/protocol';
import { visiblePage } from '../auth/visible-pages.js';
import { rpc } from '../rpc.js';
import { modelVersionJson, registeredModelJson } from '../wire/registry-json.js';
import { traceInfoJson } from '../wire/trace-info-json.js';
import { grantCreator, ref } from '../../auth/access.js';

const MODELS = '/mlflow/registered-models';
const VERSIONS = '/mlflow/model-versions';

const getLatestVersions = (method: 'GET' | 'POST') =>
  rpc({
    method,
    path: `${MODELS}/get-latest-versions`,
    versions: [2],
    request: R.GetLatestVersions,
    response: W.GetLatestVersions,
    access: { read: (req) => ref.registeredModel(req.name) },
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
    access: { kind: 'authenticated', effects: (_req, reply) => [grantCreator({ type: 'registered-model', name: reply.registered_model.name })] },
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
    access: { read: (req) => ref.registeredModel(req.name) },
    handle: async (req, { services }) => ({ registered_model: registeredModelJson(await services.registry.getRegisteredModel(req.name)) }),
  }),
  rpc({
    method: 'POST',
    path: `${MODELS}/rename`,
    versions: [2],
    request: R.RenameRegisteredModel,
    response: W.GetRegisteredModel,
    access: { edit: (req) => ref.registeredModel(req.name), effects: (req) => [{ type: 'rename-model', from: req.name, to: req.new_name }] },
    handle: async (req, { services }) => ({ registered_model: registeredModelJson(await services.registry.renameRegisteredModel(req.name, req.new_name)) }),
  }),
  rpc({
    method: 'PATCH',
    path: `${MODELS}/update`,
    versions: [2],
    request: R.UpdateRegisteredModel,
    response: W.GetRegisteredModel,
    access: { edit: (req) => ref.registeredModel(req.name) },
    handle: async (req, { services }) => ({ registered_model: registeredModelJson(await services.registry.updateRegisteredModel(req.name, req.description)) }),
  }),
  rpc({
    method: 'DELETE',
    path: `${MODELS}/delete`,
    versions: [2],
    request: R.RegisteredModelNameOnly,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.registeredModel(req.name), effects: (req) => [{ type: 'forget-model', name: req.name }] },
    audit: (req) => ({ action: 'registered_model.delete', resourceType: 'registered_model', resourceId: req.name }),
    handle: (req, { services }) => services.registry.deleteRegisteredModel(req.name),
  }),
  rpc({
    method: 'GET',
    path: `${MODELS}/search`,
    versions: [2],
    request: R.SearchRegisteredModels,
    response: W.SearchRegisteredModels,
    access: { kind: 'filtered', holder: 'registered-model' },
    handle: async (req, { services, visible }) => {
      // Only models (and prompts) the caller may read, as MLflow's filter_search_registered_models.
      const { items, nextPageToken } = await visiblePage(
        async (limit, pageToken) => {
          const page = await services.registry.searchRegisteredModels({ filter: req.filter, orderBy: req.order_by, maxResults: limit, pageToken });
          return { items: page.models, nextPageToken: page.nextPageToken };
        },
        req.page_token,
        req.max_results || REGISTRY_LIMITS.searchModelsDefault,
        (m) => visible.registeredModel(m.name),
      );
      return { registered_models: items.map(registeredModelJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
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
    access: { edit: (req) => ref.registeredModel(req.name) },
    handle: (req, { services }) => services.registry.setRegisteredModelTag(req.name, { key: req.key, value: req.value }),
  }),
  rpc({
    method: 'DELETE',
    path: `${MODELS}/delete-tag`,
    versions: [2],
    request: R.DeleteRegisteredModelTag,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.registeredModel(req.name) },
    handle: (req, { services }) => services.registry.deleteRegisteredModelTag(req.name, req.key),
  }),
  rpc({
    method: 'POST',
    path: `${MODELS}/alias`,
    versions: [2],
    request: R.SetRegisteredModelAlias,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.registeredModel(req.name) },
    handle: (req, { services }) => services.registry.setAlias(req.name, req.alias, req.version),
  }),
  rpc({
    method: 'DELETE',
    path: `${MODELS}/alias`,
    versions: [2],
    request: R.RegisteredModelAlias,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.registeredModel(req.name) },
    handle: (req, { services }) => services.registry.deleteAlias(req.name, req.alias),
  }),
  rpc({
    method: 'GET',
    path: `${MODELS}/alias`,
    versions: [2],
    request: R.RegisteredModelAlias,
    response: W.GetModelVersion,
    access: { read: (req) => ref.registeredModel(req.name) },
    handle: async (req, { services }) => ({ model_version: modelVersionJson(await services.registry.getModelVersionByAlias(req.name, req.alias)) }),
  }),
  rpc({
    method: 'POST',
    path: `${VERSIONS}/create`,
    versions: [2],
    request: R.CreateModelVersion,
    response: W.GetModelVersion,
    access: {
      edit: (req) => ref.registeredModel(req.name),
      read: (req) => [...(req.run_id ? [ref.run(req.run_id)] : []), ...(req.model_id ? [ref.loggedModel(req.model_id)] : [])],
    },
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
    access: { read: (req) => ref.registeredModel(req.name) },
    handle: async (req, { services }) => ({ model_version: modelVersionJson(await services.registry.getModelVersion(req.name, req.version)) }),
  }),
  rpc({
    method: 'PATCH',
    path: `${VERSIONS}/update`,
    versions: [2],
    request: R.UpdateModelVersion,
    response: W.GetModelVersion,
    access: { edit: (req) => ref.registeredModel(req.name) },
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
    access: { edit: (req) => ref.registeredModel(req.name) },
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
    access: { manage: (req) => ref.registeredModel(req.name) },
    audit: (req) => ({
      action: 'model_version.delete',
      resourceType: 'model_version',
      resourceId: `${req.name}/${req.version}`,
      detail: { name: req.name, version: req.version },
    }),
    handle: (req, { services }) => services.registry.deleteModelVersion(req.name, req.version),
  }),
  rpc({
    method: 'GET',
    path: `${VERSIONS}/search`,
    versions: [2],
    request: R.SearchModelVersions,
    response: W.SearchModelVersions,
    access: { kind: 'filtered', holder: 'registered-model' },
    handle: async (req, { services, visible }) => {
      const { items, nextPageToken } = await visiblePage(
        async (limit, pageToken) => {
          const page = await services.registry.searchModelVersions({ filter: req.filter, orderBy: req.order_by, maxResults: limit, pageToken });
          return { items: page.versions, nextPageToken: page.nextPageToken };
        },
        req.page_token,
        req.max_results || REGISTRY_LIMITS.searchVersionsDefault,
        (v) => visible.registeredModel(v.name),
      );
      return { model_versions: items.map(modelVersionJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'GET',
    path: `${VERSIONS}/get-download-uri`,
    versions: [2],
    request: R.ModelVersionOnly,
    response: W.GetModelVersionDownloadUri,
    access: { read: (req) => ref.registeredModel(req.name) },
    handle: async (req, { services }) => ({ artifact_uri: await services.registry.getModelVersionDownloadUri(req.name, req.version) }),
  }),
  rpc({
    method: 'POST',
    path: `${VERSIONS}/set-tag`,
    versions: [2],
    request: R.SetModelVersionTag,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.registeredModel(req.name) },
    handle: (req, { services }) => services.registry.setModelVersionTag(req.name, req.version, { key: req.key, value: req.value }),
  }),
  rpc({
    method: 'DELETE',
    path: `${VERSIONS}/delete-tag`,
    versions: [2],
    request: R.DeleteModelVersionTag,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.registeredModel(req.name) },
    handle: (req, { services }) => services.registry.deleteModelVersionTag(req.name, req.version, req.key),
  }),
  rpc({
    method: 'GET',
    path: '/loupe/prompt-versions/traces',
    versions: [2],
    request: R.SearchPromptVersionTraces,
    response: W.SearchPromptVersionTraces,
    access: { read: (req) => ref.registeredModel(req.name), filter: 'experiment' },
    handle: async (req, { services, visible }) => {
      const { traces, nextPageToken } = await services.traceLinks.tracesOfPromptVersion(req.name, req.version, {
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      // Traces of experiments the caller cannot read are left out (pages may come back short).
      return {
        traces: traces.filter((t) => visible.experiment(t.experimentId)).map(traceInfoJson),
        ...(nextPageToken ? { next_page_token: nextPageToken } : {}),
      };
    },
  }),
  rpc({
    method: 'GET',
    path: '/loupe/model-versions/traces',
    versions: [2],
    request: R.SearchModelVersionTraces,
    response: W.SearchModelVersionTraces,
    access: { read: (req) => ref.registeredModel(req.name), filter: 'experiment' },
    handle: async (req, { services, visible }) => {
      const found = await services.modelVersionTraces.list(req.name, req.version, { maxResults: req.max_results, pageToken: req.page_token });
      return {
        // Traces of experiments the caller cannot read are left out (pages may come back short).
        traces: found.traces.filter((t) => visible.experiment(t.experimentId)).map(traceInfoJson),
        ...(found.nextPageToken ? { next_page_token: found.nextPageToken } : {}),
        ...(found.experimentId !== undefined ? { experiment_id: found.experimentId } : {}),
        ...(found.filter !== undefined ? { filter: found.filter } : {}),
      };
    },
  }),
];
