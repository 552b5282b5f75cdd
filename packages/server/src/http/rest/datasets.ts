import { DatasetRequests as R, DatasetResponses as W, TrackingResponses } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { datasetJson, recordJson } from '../wire/dataset-json.js';
import { ref } from '../../auth/access.js';

const DATASETS = '/mlflow/datasets';

const search = (method: 'GET' | 'POST') =>
  rpc({
    method,
    path: `${DATASETS}/search`,
    versions: [3],
    request: R.SearchDatasets,
    response: W.SearchDatasets,
    access: { read: (req) => ref.experiments(req.experiment_ids) },
    handle: async (req, { services }) => {
      const { datasets, nextPageToken } = await services.datasets.search({
        experimentIds: req.experiment_ids,
        filter: req.filter_string,
        orderBy: req.order_by,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return { datasets: datasets.map(datasetJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  });

/**
 * Evaluation dataset RPCs (spec §8.1, MLflow's `service.proto`): datasets, their tags, records
 * (merged by inputs; listed as one JSON string per page) and experiment links. Mounted under
 * `/api/3.0/mlflow` and `/ajax-api/3.0/mlflow`; the literal `search` path is declared before
 * `{dataset_id}` so it wins.
 */
export const datasetRoutes = [
  rpc({
    method: 'POST',
    path: `${DATASETS}/create`,
    versions: [3],
    request: R.CreateDataset,
    response: W.GetDataset,
    access: { edit: (req) => ref.experiments(req.experiment_ids) },
    handle: async (req, { services }) => ({
      dataset: datasetJson(await services.datasets.create({ name: req.name, tags: req.tags ?? {}, experimentIds: req.experiment_ids })),
    }),
  }),
  search('POST'),
  search('GET'),
  rpc({
    method: 'GET',
    path: `${DATASETS}/:dataset_id`,
    versions: [3],
    request: R.DatasetIdOnly,
    response: W.GetDataset,
    access: { read: (req) => ref.dataset(req.dataset_id) },
    handle: async (req, { services }) => ({ dataset: datasetJson(await services.datasets.get(req.dataset_id)) }),
  }),
  rpc({
    method: 'DELETE',
    path: `${DATASETS}/:dataset_id`,
    versions: [3],
    request: R.DatasetIdOnly,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.dataset(req.dataset_id) },
    audit: (req) => ({ action: 'dataset.delete', resourceType: 'dataset', resourceId: req.dataset_id }),
    handle: (req, { services }) => services.datasets.delete(req.dataset_id),
  }),
  rpc({
    method: 'PATCH',
    path: `${DATASETS}/:dataset_id/tags`,
    versions: [3],
    request: R.SetDatasetTags,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.dataset(req.dataset_id) },
    handle: (req, { services }) => services.datasets.setTags(req.dataset_id, req.tags ?? {}),
  }),
  rpc({
    method: 'DELETE',
    path: `${DATASETS}/:dataset_id/tags/:key`,
    versions: [3],
    request: R.DeleteDatasetTag,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.dataset(req.dataset_id) },
    handle: (req, { services }) => services.datasets.deleteTag(req.dataset_id, req.key),
  }),
  rpc({
    method: 'POST',
    path: `${DATASETS}/:dataset_id/records`,
    versions: [3],
    request: R.UpsertDatasetRecords,
    response: W.UpsertDatasetRecords,
    access: { edit: (req) => ref.dataset(req.dataset_id) },
    handle: async (req, { services }) => {
      const { inserted, updated } = await services.datasets.upsertRecords(req.dataset_id, req.records);
      return { inserted_count: inserted, updated_count: updated };
    },
  }),
  rpc({
    method: 'GET',
    path: `${DATASETS}/:dataset_id/records`,
    versions: [3],
    request: R.GetDatasetRecords,
    response: W.GetDatasetRecords,
    access: { read: (req) => ref.dataset(req.dataset_id) },
    handle: async (req, { services }) => {
      const { records, nextPageToken } = await services.datasets.listRecords(req.dataset_id, req.max_results, req.page_token);
      // MLflow always sends the list, `"[]"` on an empty page.
      return { records: JSON.stringify(records.map(recordJson)), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'DELETE',
    path: `${DATASETS}/:dataset_id/records`,
    versions: [3],
    request: R.DeleteDatasetRecords,
    response: W.DeleteDatasetRecords,
    access: { edit: (req) => ref.dataset(req.dataset_id) },
    handle: async (req, { services }) => ({ deleted_count: await services.datasets.deleteRecords(req.dataset_id, req.dataset_record_ids) }),
  }),
  rpc({
    method: 'GET',
    path: `${DATASETS}/:dataset_id/experiment-ids`,
    versions: [3],
    request: R.DatasetIdOnly,
    response: W.GetDatasetExperimentIds,
    access: { read: (req) => ref.dataset(req.dataset_id) },
    handle: async (req, { services }) => ({ experiment_ids: await services.datasets.experimentIds(req.dataset_id) }),
  }),
  rpc({
    method: 'POST',
    path: `${DATASETS}/:dataset_id/add-experiments`,
    versions: [3],
    request: R.DatasetExperiments,
    response: W.GetDataset,
    access: { edit: (req) => [ref.dataset(req.dataset_id), ...ref.experiments(req.experiment_ids)] },
    handle: async (req, { services }) => ({ dataset: datasetJson(await services.datasets.addExperiments(req.dataset_id, req.experiment_ids)) }),
  }),
  rpc({
    method: 'POST',
    path: `${DATASETS}/:dataset_id/remove-experiments`,
    versions: [3],
    request: R.DatasetExperiments,
    response: W.GetDataset,
    access: { edit: (req) => ref.dataset(req.dataset_id) },
    handle: async (req, { services }) => ({ dataset: datasetJson(await services.datasets.removeExperiments(req.dataset_id, req.experiment_ids)) }),
  }),
];
