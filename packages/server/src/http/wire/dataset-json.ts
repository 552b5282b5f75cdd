import type { DatasetRecordWire, DatasetWire } from '@loupe/protocol';
import type { DatasetEntry, DatasetRecord } from '../../store/dataset-store.js';

/**
 * A dataset as MLflow's `Dataset` message in JSON (spec §8.1): tags as a JSON string, empty
 * experiment lists omitted.
 *
 * @example
 * return { dataset: datasetJson(await services.datasets.get(id)) };
 */
export function datasetJson(d: DatasetRecord): DatasetWire {
  return {
    dataset_id: d.datasetId,
    name: d.name,
    tags: JSON.stringify(d.tags),
    ...(d.schema !== undefined ? { schema: d.schema } : {}),
    ...(d.profile !== undefined ? { profile: d.profile } : {}),
    digest: d.digest,
    created_time: d.createdTime,
    last_update_time: d.lastUpdateTime,
    ...(d.createdBy !== undefined ? { created_by: d.createdBy } : {}),
    ...(d.lastUpdatedBy !== undefined ? { last_updated_by: d.lastUpdatedBy } : {}),
    ...(d.experimentIds.length > 0 ? { experiment_ids: d.experimentIds } : {}),
  };
}

/**
 * A record as MLflow's `DatasetRecord.to_dict()` writes it into the `records` JSON.
 *
 * @example
 * const text = JSON.stringify(entries.map(recordJson));
 */
export function recordJson(e: DatasetEntry): DatasetRecordWire {
  return {
    dataset_record_id: e.datasetRecordId,
    dataset_id: e.datasetId,
    inputs: e.inputs,
    ...(e.expectations !== undefined ? { expectations: e.expectations } : {}),
    tags: e.tags,
    ...(e.source !== undefined ? { source: e.source } : {}),
    ...(e.sourceId !== undefined ? { source_id: e.sourceId } : {}),
    ...(e.sourceType !== undefined ? { source_type: e.sourceType } : {}),
    created_time: e.createdTime,
    last_update_time: e.lastUpdateTime,
    ...(e.createdBy !== undefined ? { created_by: e.createdBy } : {}),
    ...(e.lastUpdatedBy !== undefined ? { last_updated_by: e.lastUpdatedBy } : {}),
    ...(e.outputs !== undefined ? { outputs: e.outputs.value } : {}),
  };
}
