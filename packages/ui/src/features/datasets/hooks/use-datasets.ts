import type { DatasetRecordWire, DatasetWire, TraceInfoV3 } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import { spansPath } from '../../traces/hooks/use-span-detail';
import { parseOtelSpan, type OtelSpanJson } from '../../traces/lib/otel-span';
import { datasetNameClause, parseRecords, summarizeDataset, type DatasetSummary } from '../lib/dataset-wire';
import type { RecordToUpsert } from '../lib/record-draft';
import { traceToRecord, type TraceRecord } from '../lib/trace-record';

/** Evaluation dataset RPCs (docs/api.md, "Evaluation datasets"). */
const DATASETS = '3.0/mlflow/datasets';
const datasetPath = (id: string) => `${DATASETS}/${encodeURIComponent(id)}`;

/**
 * Query keys of datasets; every mutation refreshes everything under `all`.
 *
 * @example
 * queryClient.invalidateQueries({ queryKey: datasetKeys.all });
 */
export const datasetKeys = {
  all: ['datasets'] as const,
  list: (experimentId: string, search: string, pageToken: string, pageSize: number) => ['datasets', 'list', experimentId, search, pageToken, pageSize] as const,
  choices: (experimentId: string) => ['datasets', 'choices', experimentId] as const,
  one: (id: string) => ['datasets', 'one', id] as const,
  records: (id: string, pageToken: string, pageSize: number) => ['datasets', 'records', id, pageToken, pageSize] as const,
};

/** One page of datasets. */
export interface DatasetPage {
  datasets: DatasetSummary[];
  nextPageToken?: string;
}

async function searchDatasets(experimentId: string, body: Record<string, unknown>, signal: AbortSignal): Promise<DatasetPage> {
  const res = await apiRequest<{ datasets?: DatasetWire[]; next_page_token?: string }>('POST', `${DATASETS}/search`, {
    body: { experiment_ids: [experimentId], ...body },
    signal,
  });
  return { datasets: (res.datasets ?? []).map(summarizeDataset), ...(res.next_page_token ? { nextPageToken: res.next_page_token } : {}) };
}

/**
 * One page of an experiment's datasets matching a name search, last updated first.
 *
 * @example
 * const { data } = useDatasets('1', 'qa', undefined, 25);
 */
export function useDatasets(experimentId: string, search: string, pageToken: string | undefined, pageSize: number) {
  return useQuery({
    queryKey: datasetKeys.list(experimentId, search, pageToken ?? '', pageSize),
    queryFn: ({ signal }) => {
      const filter = datasetNameClause(search);
      return searchDatasets(
        experimentId,
        {
          max_results: pageSize,
          order_by: ['last_update_time DESC'],
          ...(filter ? { filter_string: filter } : {}),
          ...(pageToken ? { page_token: pageToken } : {}),
        },
        signal,
      );
    },
    placeholderData: (prev) => prev,
  });
}

/**
 * An experiment's datasets by name, to pick one from (the first 1,000).
 *
 * @example
 * const { data: datasets } = useDatasetChoices('1');
 */
export function useDatasetChoices(experimentId: string) {
  return useQuery({
    queryKey: datasetKeys.choices(experimentId),
    queryFn: async ({ signal }) => (await searchDatasets(experimentId, { max_results: 1000, order_by: ['name ASC'] }, signal)).datasets,
  });
}

/**
 * One dataset (without its records).
 *
 * @example
 * const { data: dataset } = useDataset('d-0123…');
 */
export function useDataset(id: string) {
  return useQuery({
    queryKey: datasetKeys.one(id),
    queryFn: async ({ signal }) => summarizeDataset((await apiRequest<{ dataset: DatasetWire }>('GET', datasetPath(id), { signal })).dataset),
  });
}

/** One page of a dataset's records. */
export interface RecordPage {
  records: DatasetRecordWire[];
  nextPageToken?: string;
}

/**
 * One page of a dataset's records, in creation order (GetDatasetRecords).
 *
 * @example
 * const { data } = useDatasetRecords('d-0123…', undefined, 25);
 */
export function useDatasetRecords(id: string, pageToken: string | undefined, pageSize: number) {
  return useQuery({
    queryKey: datasetKeys.records(id, pageToken ?? '', pageSize),
    queryFn: async ({ signal }): Promise<RecordPage> => {
      const res = await apiRequest<{ records?: string; next_page_token?: string }>('GET', `${datasetPath(id)}/records`, {
        query: { max_results: pageSize, page_token: pageToken },
        signal,
      });
      return { records: parseRecords(res.records), ...(res.next_page_token ? { nextPageToken: res.next_page_token } : {}) };
    },
    placeholderData: (prev) => prev,
  });
}

/** What an upsert did. */
export interface UpsertCounts {
  inserted_count?: number;
  updated_count?: number;
}

function createDataset(experimentId: string, name: string, tags: Record<string, string>) {
  return apiRequest<{ dataset: DatasetWire }>('POST', `${DATASETS}/create`, {
    body: { name, experiment_ids: [experimentId], ...(Object.keys(tags).length ? { tags: JSON.stringify(tags) } : {}) },
  }).then((r) => summarizeDataset(r.dataset));
}

function upsertRecords(datasetId: string, records: RecordToUpsert[]) {
  return apiRequest<UpsertCounts>('POST', `${datasetPath(datasetId)}/records`, { body: { records: JSON.stringify(records) } });
}

/**
 * Creating a dataset in an experiment, and deleting one.
 *
 * @example
 * const { create } = useDatasetLifecycle('1');
 * create.mutate({ name: 'qa', tags: { team: 'search' } }, { onSuccess: (d) => navigate(d.id) });
 */
export function useDatasetLifecycle(experimentId: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: datasetKeys.all });
  return {
    create: useMutation({
      mutationFn: ({ name, tags }: { name: string; tags: Record<string, string> }) => createDataset(experimentId, name, tags),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => apiRequest('DELETE', datasetPath(id)),
      // Only the lists: reading the deleted dataset again (its page is still open) would answer 404.
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: ['datasets', 'list'] });
        await qc.invalidateQueries({ queryKey: ['datasets', 'choices'] });
      },
    }),
  };
}

/**
 * A dataset's writes: tags (set merges, delete removes one), records (upsert merges by inputs, delete by id).
 *
 * @example
 * const { upsert } = useDatasetMutations('d-0123…');
 * upsert.mutate([{ inputs: { q: '2+2?' }, expectations: { answer: '4' } }]);
 */
export function useDatasetMutations(id: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: datasetKeys.all });
  return {
    setTag: useMutation({
      mutationFn: ({ key, value }: { key: string; value: string }) =>
        apiRequest('PATCH', `${datasetPath(id)}/tags`, { body: { tags: JSON.stringify({ [key]: value }) } }),
      onSuccess: refresh,
    }),
    deleteTag: useMutation({ mutationFn: (key: string) => apiRequest('DELETE', `${datasetPath(id)}/tags/${encodeURIComponent(key)}`), onSuccess: refresh }),
    upsert: useMutation({ mutationFn: (records: RecordToUpsert[]) => upsertRecords(id, records), onSuccess: refresh }),
    deleteRecords: useMutation({
      mutationFn: (ids: string[]) => apiRequest<{ deleted_count?: number }>('DELETE', `${datasetPath(id)}/records`, { body: { dataset_record_ids: ids } }),
      onSuccess: refresh,
    }),
  };
}

/** Where traces go: an existing dataset, or a new one of this name. */
export type DatasetTarget = { datasetId: string } | { newName: string };

/** What adding traces to a dataset did. */
export interface AddTracesResult {
  dataset: { id: string; name: string };
  counts: UpsertCounts;
  /** Traces left out, and why. */
  skipped: { traceId: string; reason: string }[];
}

/** Traces read at once when making records of them. */
const READS_IN_FLIGHT = 4;

async function readTraceRecord(traceId: string): Promise<TraceRecord> {
  const path = `3.0/mlflow/traces/${encodeURIComponent(traceId)}`;
  const [info, roots] = await Promise.all([
    apiRequest<{ trace: { trace_info: TraceInfoV3 } }>('GET', path),
    apiRequest<{ spans?: OtelSpanJson[] }>('GET', spansPath(traceId), { query: { roots_only: true, max_results: 1 } }),
  ]);
  const root = roots.spans?.[0];
  const span = root ? parseOtelSpan(root) : undefined;
  return traceToRecord({
    traceId,
    ...(info.trace.trace_info.assessments ? { assessments: info.trace.trace_info.assessments } : {}),
    ...(span ? { root: { inputs: span.inputs, outputs: span.outputs } } : {}),
  });
}

async function readTraceRecords(traceIds: readonly string[]): Promise<TraceRecord[]> {
  const out: TraceRecord[] = new Array<TraceRecord>(traceIds.length);
  let next = 0;
  const worker = async () => {
    while (next < traceIds.length) {
      const i = next++;
      out[i] = await readTraceRecord(traceIds[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, traceIds.length) }, worker));
  return out;
}

/**
 * Adds traces to a dataset of the experiment (made first when new), as MLflow's
 * `dataset.merge_records(traces)` does: each trace read (its info and root span) and made into a
 * record (see `traceToRecord`), then all merged in one upsert.
 *
 * @example
 * const add = useAddTracesToDataset('1');
 * add.mutate({ target: { datasetId: 'd-…' }, traceIds: ['tr-1', 'tr-2'] });
 */
export function useAddTracesToDataset(experimentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ target, traceIds }: { target: DatasetTarget; traceIds: readonly string[] }): Promise<AddTracesResult> => {
      const made = await readTraceRecords(traceIds);
      const records = made.flatMap((m) => ('record' in m ? [m.record] : []));
      const skipped = made.flatMap((m) => ('skipped' in m ? [{ traceId: m.traceId, reason: m.skipped }] : []));
      if (records.length === 0) throw new Error(`No record made: ${skipped.map((s) => `${s.traceId}: ${s.reason}`).join('; ')}.`);
      const dataset =
        'datasetId' in target
          ? { id: target.datasetId, name: summarizeDataset((await apiRequest<{ dataset: DatasetWire }>('GET', datasetPath(target.datasetId))).dataset).name }
          : await createDataset(experimentId, target.newName, {});
      const counts = await upsertRecords(dataset.id, records);
      return { dataset: { id: dataset.id, name: dataset.name }, counts, skipped };
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: datasetKeys.all }),
  });
}
