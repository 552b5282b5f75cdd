import { ApiError, parseDatasetFilter, parseDatasetOrderBy, type DatasetRecordInput } from '@loupe/protocol';
import type { Clock, IdGenerator } from '../../clock.js';
import type { DatasetEntry, DatasetRecord, DatasetStore, UpsertCounts } from '../../store/dataset-store.js';
import { maxResults, nextPageToken, pageRequest } from '../pagination.js';

/** MLflow's default page of datasets and of records (spec §1.5); Loupe caps both at its usual hard limit. */
const DEFAULT_MAX_RESULTS = 1000;
const HARD_MAX_RESULTS = 50_000;

const notFound = (datasetId: string) => ApiError.notFound(`Evaluation dataset with id '${datasetId}' not found`);

/** Creates a dataset; the edge has decoded the tags and checked the name. */
export interface CreateDatasetCommand {
  name: string;
  tags: Record<string, string>;
  experimentIds: string[];
}

/** A dataset search as the client wrote it (spec §9.7). */
export interface DatasetSearchCommand {
  experimentIds: string[];
  filter?: string | undefined;
  orderBy: string[];
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** One page of a dataset's records. */
export interface RecordPage {
  records: DatasetEntry[];
  nextPageToken?: string;
}

/** What the dataset service is built from besides its store, clock and ids. */
export interface DatasetServiceOptions {
  /** Looks experiments up (add-experiments links existing ones only); throws when one does not exist. */
  experiments: { get(experimentId: string): Promise<unknown> };
}

/**
 * Evaluation dataset use cases (spec §8.1) with MLflow's semantics: datasets named freely (names need
 * not be unique), the creator from the `mlflow.user` tag, records merged by their inputs, tag writes
 * that skip null values, idempotent deletes, and experiment links.
 *
 * @example
 * const datasets = new DatasetService(store, clock, ids, { experiments });
 * const dataset = await datasets.create({ name: 'qa', tags: { team: 'search' }, experimentIds: ['1'] });
 */
export class DatasetService {
  constructor(
    private readonly store: DatasetStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly options: DatasetServiceOptions,
  ) {}

  /** MLflow does not check the experiments of a new dataset; Loupe links them as given too. */
  create(command: CreateDatasetCommand): Promise<DatasetRecord> {
    return this.store.createDataset({ datasetId: `d-${this.ids.hex32()}`, ...command, now: this.clock.now() });
  }

  async get(datasetId: string): Promise<DatasetRecord> {
    const dataset = await this.store.getDataset(datasetId);
    if (!dataset) throw notFound(datasetId);
    return dataset;
  }

  /** Deleting a dataset that does not exist is not an error (MLflow logs a warning and answers `{}`). */
  async delete(datasetId: string): Promise<void> {
    await this.store.deleteDataset(datasetId);
  }

  async search(command: DatasetSearchCommand): Promise<{ datasets: DatasetRecord[]; nextPageToken?: string }> {
    if (command.filter?.includes('\u0000')) throw ApiError.invalid('Invalid filter: NUL characters are not allowed.');
    const page = pageRequest(command.pageToken, maxResults(command.maxResults, DEFAULT_MAX_RESULTS, HARD_MAX_RESULTS));
    const result = await this.store.searchDatasets({
      experimentIds: command.experimentIds,
      filter: parseDatasetFilter(command.filter),
      orderBy: parseDatasetOrderBy(command.orderBy),
      page,
    });
    const token = nextPageToken(page, result.hasMore);
    return token ? { datasets: result.items, nextPageToken: token } : { datasets: result.items };
  }

  async setTags(datasetId: string, tags: Record<string, string>): Promise<void> {
    if (!(await this.store.setDatasetTags(datasetId, tags))) throw ApiError.notFound(`Could not find evaluation dataset with ID ${datasetId}`);
  }

  /** Idempotent, as in MLflow: a missing tag (or dataset) is not an error. */
  deleteTag(datasetId: string, key: string): Promise<void> {
    return this.store.deleteDatasetTag(datasetId, key);
  }

  /** Merges records by their inputs in one transaction. */
  async upsertRecords(datasetId: string, records: DatasetRecordInput[]): Promise<UpsertCounts> {
    const counts = await this.store.upsertRecords({ datasetId, records, newRecordId: () => `dr-${this.ids.hex32()}`, now: this.clock.now() });
    if (!counts) throw notFound(datasetId);
    return counts;
  }

  async listRecords(datasetId: string, max: number | undefined, pageToken: string | undefined): Promise<RecordPage> {
    const page = pageRequest(pageToken, maxResults(max, DEFAULT_MAX_RESULTS, HARD_MAX_RESULTS));
    const result = await this.store.listRecords(datasetId, page);
    if (!result) throw notFound(datasetId);
    const token = nextPageToken(page, result.hasMore);
    return token ? { records: result.items, nextPageToken: token } : { records: result.items };
  }

  async deleteRecords(datasetId: string, recordIds: string[]): Promise<number> {
    const deleted = await this.store.deleteRecords(datasetId, recordIds, this.clock.now());
    if (deleted === undefined) throw notFound(datasetId);
    return deleted;
  }

  async experimentIds(datasetId: string): Promise<string[]> {
    return (await this.get(datasetId)).experimentIds;
  }

  /** Links existing experiments (MLflow: "Experiment '<id>' not found" otherwise) and touches the dataset. */
  async addExperiments(datasetId: string, experimentIds: string[]): Promise<DatasetRecord> {
    if (!(await this.store.getDataset(datasetId))) throw ApiError.notFound(`Dataset '${datasetId}' not found`);
    for (const id of experimentIds) {
      try {
        await this.options.experiments.get(id);
      } catch (err) {
        if (ApiError.is(err) && err.status === 404) throw ApiError.notFound(`Experiment '${id}' not found`);
        throw err;
      }
    }
    if (!(await this.store.addExperiments(datasetId, experimentIds, this.clock.now()))) throw ApiError.notFound(`Dataset '${datasetId}' not found`);
    return this.get(datasetId);
  }

  /** Unlinks experiments; ids that were not linked are ignored (MLflow only warns). */
  async removeExperiments(datasetId: string, experimentIds: string[]): Promise<DatasetRecord> {
    if (!(await this.store.removeExperiments(datasetId, experimentIds, this.clock.now()))) throw ApiError.notFound(`Dataset '${datasetId}' not found`);
    return this.get(datasetId);
  }
}
