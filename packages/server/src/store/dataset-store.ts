import type { DatasetFilterEntity, DatasetRecordInput, DatasetRecordSource, DatasetRecordSourceType, Filter, OrderBy } from '@loupe/protocol';
import type { Page, PageRequest } from './tracking-store.js';

/** An evaluation dataset as stored, without its records (spec §8.1). Times in epoch milliseconds. */
export interface DatasetRecord {
  datasetId: string;
  name: string;
  tags: Record<string, string>;
  /** JSON text, once records were added. */
  schema?: string;
  /** JSON text (`{"num_records": N}`), while the dataset has records. */
  profile?: string;
  digest: string;
  createdTime: number;
  lastUpdateTime: number;
  createdBy?: string;
  lastUpdatedBy?: string;
  /** The experiments the dataset is linked to, sorted. */
  experimentIds: string[];
}

/** One record of a dataset as stored. */
export interface DatasetEntry {
  datasetRecordId: string;
  datasetId: string;
  inputs: Record<string, unknown>;
  /** Absent when the record has no outputs (MLflow's None); `{}` for a record first written without them. */
  outputs?: { value: unknown };
  expectations?: Record<string, unknown>;
  tags: Record<string, unknown>;
  source?: DatasetRecordSource;
  sourceId?: string;
  sourceType?: DatasetRecordSourceType;
  createdTime: number;
  lastUpdateTime: number;
  createdBy?: string;
  lastUpdatedBy?: string;
}

/** Input of {@link DatasetStore.createDataset}. */
export interface NewDataset {
  datasetId: string;
  name: string;
  tags: Record<string, string>;
  experimentIds: string[];
  now: number;
}

/** A dataset search (spec §9.7): any of `experimentIds` when given, the filter, the order (the store adds `dataset_id DESC`). */
export interface DatasetSearchQuery {
  experimentIds: string[];
  filter: Filter<DatasetFilterEntity>;
  orderBy: OrderBy<DatasetFilterEntity>[];
  page: PageRequest;
}

/** Input of {@link DatasetStore.upsertRecords}. */
export interface RecordUpsert {
  datasetId: string;
  records: DatasetRecordInput[];
  /** Makes the id of each inserted record (`dr-` + 32 hex). */
  newRecordId: () => string;
  now: number;
}

/** What an upsert did: records added and records merged (a repeated input in one batch counts as a merge). */
export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/**
 * Evaluation datasets, their tags, records and experiment links (spec §8.1). A write that finds its
 * dataset missing does nothing and says so (undefined or false); the service turns that into MLflow's
 * error. Record merges happen in one transaction per call: a reply means all of it is committed.
 */
export interface DatasetStore {
  createDataset(input: NewDataset): Promise<DatasetRecord>;
  getDataset(datasetId: string): Promise<DatasetRecord | undefined>;
  /** Deletes the dataset with its tags, records and experiment links. False when it does not exist. */
  deleteDataset(datasetId: string): Promise<boolean>;
  searchDatasets(query: DatasetSearchQuery): Promise<Page<DatasetRecord>>;
  /** Upserts tags (the dataset's update time is left alone, as in MLflow). False when the dataset does not exist. */
  setDatasetTags(datasetId: string, tags: Record<string, string>): Promise<boolean>;
  /** Deleting a tag that is not there is not an error. */
  deleteDatasetTag(datasetId: string, key: string): Promise<void>;
  /** Merges records by their inputs and refreshes the dataset's schema, profile, digest and update time. Undefined when the dataset does not exist. */
  upsertRecords(input: RecordUpsert): Promise<UpsertCounts | undefined>;
  /** Records in creation order (then id). Undefined when the dataset does not exist. */
  listRecords(datasetId: string, page: PageRequest): Promise<Page<DatasetEntry> | undefined>;
  /** Deletes the dataset's records with these ids; how many went. Undefined when the dataset does not exist. */
  deleteRecords(datasetId: string, recordIds: readonly string[], now: number): Promise<number | undefined>;
  /** Links the dataset to experiments (already linked ones are kept) and touches it. False when the dataset does not exist. */
  addExperiments(datasetId: string, experimentIds: readonly string[], now: number): Promise<boolean>;
  /** Unlinks experiments (unlinked ones are ignored); touches the dataset when a link went. False when the dataset does not exist. */
  removeExperiments(datasetId: string, experimentIds: readonly string[], now: number): Promise<boolean>;
}
