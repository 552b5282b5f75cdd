import { TraceMetadataKey } from '@loupe/protocol/attributes';
import { LoupeApiError } from './api-error.js';
import { toPage, type Page } from './experiments.js';
import type { RestClient } from './rest-client.js';
import { traceExpectations, type Trace } from './trace-model.js';

/** Where a dataset record came from (MLflow's `DatasetRecordSource.SourceType`). */
export type DatasetRecordSourceType = 'TRACE' | 'HUMAN' | 'DOCUMENT' | 'CODE';

/**
 * An evaluation dataset (spec §8.1), as MLflow's JSON with its JSON-string fields decoded: `tags` is a
 * map here, a JSON string on the wire. Records are read separately (`getDatasetRecords`).
 */
export interface EvaluationDataset {
  /** `d-...`. */
  dataset_id: string;
  name: string;
  tags: Record<string, string>;
  /** JSON text, as the server keeps it. */
  schema?: string;
  profile?: string;
  digest?: string;
  /** Epoch ms. */
  created_time?: number;
  last_update_time?: number;
  created_by?: string;
  last_updated_by?: string;
  experiment_ids: string[];
}

/** One record of a dataset, as MLflow's `DatasetRecord.to_dict()` has it. */
export interface DatasetRecord {
  /** `dr-...`. */
  dataset_record_id: string;
  dataset_id: string;
  inputs: Record<string, unknown>;
  outputs?: unknown;
  expectations: Record<string, unknown>;
  tags: Record<string, string>;
  source?: { source_type: DatasetRecordSourceType; source_data?: Record<string, unknown> };
  /** E.g. the trace id a record was made from. */
  source_id?: string;
  source_type?: string;
  created_time?: number;
  last_update_time?: number;
  created_by?: string;
  last_updated_by?: string;
}

/** A record to merge: identity is its `inputs` (the same inputs update the record). */
export interface DatasetRecordInput {
  inputs: Record<string, unknown>;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
  tags?: Record<string, string>;
  source?: { source_type: DatasetRecordSourceType; source_data?: Record<string, unknown> };
}

/** Options of `createDataset`. */
export interface CreateDatasetOptions {
  experimentIds?: string[];
  tags?: Record<string, string>;
}

/** Dataset methods of {@link LoupeClient} (`/api/3.0/mlflow/datasets/*`, spec §8.1). */
export interface DatasetMethods {
  createDataset(name: string, options?: CreateDatasetOptions): Promise<EvaluationDataset>;
  /** By id (`d-...`) or, failing that, by name; a miss throws `RESOURCE_DOES_NOT_EXIST`. */
  getDataset(idOrName: string): Promise<EvaluationDataset>;
  searchDatasets(options?: {
    experimentIds?: string[];
    filter?: string;
    maxResults?: number;
    orderBy?: string[];
    pageToken?: string;
  }): Promise<Page<EvaluationDataset>>;
  deleteDataset(datasetId: string): Promise<void>;
  /**
   * Inserts or updates records (same `inputs` = same record: expectations and tags merged, outputs
   * replaced). Traces become records as MLflow makes them: root span inputs and outputs, the trace's
   * expectations, source `TRACE` with the trace (and session) id.
   */
  mergeRecords(datasetId: string, records: readonly DatasetRecordInput[] | readonly Trace[]): Promise<{ inserted: number; updated: number }>;
  /** One page of records (at most 1,000). */
  getDatasetRecords(datasetId: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<DatasetRecord>>;
}

type Self = { rest: RestClient };
const v3 = (p: string) => `/api/3.0/mlflow/datasets${p}`;

interface WireDataset extends Omit<EvaluationDataset, 'tags' | 'created_time' | 'last_update_time' | 'experiment_ids'> {
  tags?: string;
  created_time?: string | number;
  last_update_time?: string | number;
  experiment_ids?: string[];
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toDataset(wire: WireDataset): EvaluationDataset {
  const { tags, created_time, last_update_time, experiment_ids, ...rest } = wire;
  return {
    ...rest,
    tags: parseJson<Record<string, string>>(tags, {}),
    ...(created_time !== undefined ? { created_time: Number(created_time) } : {}),
    ...(last_update_time !== undefined ? { last_update_time: Number(last_update_time) } : {}),
    experiment_ids: experiment_ids ?? [],
  };
}

/**
 * A trace as a dataset record, as MLflow's `EvaluationDataset.merge_records` turns one: root span
 * inputs and outputs, the trace's current expectations, and where it came from.
 *
 * @example
 * const record = traceToDatasetRecord(trace); // { inputs: { question: 'hi' }, source: { source_type: 'TRACE', ... } }
 */
export function traceToDatasetRecord(trace: Trace): DatasetRecordInput {
  const root = trace.spans.find((s) => s.parentId === null);
  const sourceData: Record<string, unknown> = { trace_id: trace.info.trace_id };
  const session = trace.info.trace_metadata?.[TraceMetadataKey.SESSION];
  if (session) sourceData.session_id = session;
  const inputs = root?.inputs;
  return {
    inputs: inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) ? (inputs as Record<string, unknown>) : {},
    outputs: root?.outputs ?? null,
    expectations: traceExpectations(trace),
    source: { source_type: 'TRACE', source_data: sourceData },
  };
}

function isTrace(value: unknown): value is Trace {
  return typeof value === 'object' && value !== null && 'info' in value && 'spans' in value;
}

/** MLflow's inference when a record says nothing of its source: with expectations HUMAN, else CODE. */
function withSource(record: DatasetRecordInput): DatasetRecordInput {
  if (record.source) return record;
  const human = record.expectations && Object.keys(record.expectations).length > 0;
  return { ...record, source: { source_type: human ? 'HUMAN' : 'CODE', source_data: {} } };
}

/** Implementation of {@link DatasetMethods}, mixed into {@link LoupeClient}. */
export const datasetMethods: DatasetMethods & ThisType<Self & DatasetMethods> = {
  async createDataset(name, options = {}) {
    const res = await this.rest.post<{ dataset: WireDataset }>(v3('/create'), {
      name,
      experiment_ids: options.experimentIds ?? [],
      ...(options.tags ? { tags: JSON.stringify(options.tags) } : {}),
    });
    return toDataset(res.dataset);
  },
  async getDataset(idOrName) {
    if (idOrName.startsWith('d-')) {
      try {
        return toDataset((await this.rest.get<{ dataset: WireDataset }>(v3(`/${encodeURIComponent(idOrName)}`))).dataset);
      } catch (err) {
        if (!(err instanceof LoupeApiError && err.isNotFound)) throw err;
      }
    }
    const quoted = idOrName.includes("'") ? `"${idOrName}"` : `'${idOrName}'`;
    const page = await this.searchDatasets({ filter: `name = ${quoted}`, maxResults: 10 });
    const found = page.items.find((d) => d.name === idOrName);
    if (!found) throw new LoupeApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Dataset '${idOrName}' not found`, 'GET', v3(''));
    return found;
  },
  async searchDatasets(options = {}) {
    const res = await this.rest.post<{ datasets?: WireDataset[]; next_page_token?: string }>(v3('/search'), {
      ...(options.experimentIds ? { experiment_ids: options.experimentIds } : {}),
      ...(options.filter ? { filter_string: options.filter } : {}),
      max_results: options.maxResults ?? 1000,
      ...(options.orderBy ? { order_by: options.orderBy } : {}),
      ...(options.pageToken ? { page_token: options.pageToken } : {}),
    });
    return toPage(res.datasets?.map(toDataset), res.next_page_token);
  },
  async deleteDataset(datasetId) {
    await this.rest.delete(v3(`/${encodeURIComponent(datasetId)}`));
  },
  async mergeRecords(datasetId, records) {
    const dicts = records.map((r: DatasetRecordInput | Trace) => withSource(isTrace(r) ? traceToDatasetRecord(r) : r));
    for (const [i, r] of dicts.entries()) {
      if (r.inputs === null || typeof r.inputs !== 'object' || Array.isArray(r.inputs)) throw new TypeError(`record ${i}: inputs must be an object`);
    }
    // `records` travels as a JSON string of the list (MLflow's UpsertDatasetRecords).
    const res = await this.rest.post<{ inserted_count?: number | string; updated_count?: number | string }>(v3(`/${encodeURIComponent(datasetId)}/records`), {
      records: JSON.stringify(dicts),
    });
    return { inserted: Number(res.inserted_count ?? 0), updated: Number(res.updated_count ?? 0) };
  },
  async getDatasetRecords(datasetId, options = {}) {
    const res = await this.rest.get<{ records?: string; next_page_token?: string }>(v3(`/${encodeURIComponent(datasetId)}/records`), {
      max_results: options.maxResults ?? 1000,
      ...(options.pageToken ? { page_token: options.pageToken } : {}),
    });
    return toPage(parseJson<DatasetRecord[]>(res.records, []), res.next_page_token);
  },
};
