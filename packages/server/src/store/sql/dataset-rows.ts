import type { Kysely, Transaction } from 'kysely';
import type { DatasetRecordSource, DatasetRecordSourceType } from '@loupe/protocol';
import type { DatasetEntry, DatasetRecord } from '../dataset-store.js';
import type { EvaluationDatasetRecordsTable, EvaluationDatasetsTable } from './dataset-schema.js';
import type { Database } from './schema.js';
import { chunks } from './sql-batches.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A dataset row as read (bigints come back as strings from PostgreSQL). */
export type DatasetRow = Omit<EvaluationDatasetsTable, 'created_time' | 'last_update_time'> & {
  created_time: number | string;
  last_update_time: number | string;
};
/** A record row as read. */
export type EntryRow = Omit<EvaluationDatasetRecordsTable, 'created_time' | 'last_update_time'> & {
  created_time: number | string;
  last_update_time: number | string;
};

/**
 * Datasets from their rows, with tags and experiment links read in one query each.
 *
 * @example
 * const [dataset] = await hydrateDatasets(db, [row]);
 */
export async function hydrateDatasets(db: Db, rows: readonly DatasetRow[]): Promise<DatasetRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.dataset_id);
  const tags = new Map<string, Record<string, string>>();
  const experiments = new Map<string, string[]>();
  for (const part of chunks(ids)) {
    for (const t of await db.selectFrom('evaluation_dataset_tags').selectAll().where('dataset_id', 'in', part).orderBy('key').execute()) {
      (tags.get(t.dataset_id) ?? tags.set(t.dataset_id, {}).get(t.dataset_id)!)[t.key] = t.value;
    }
    const links = await db.selectFrom('evaluation_dataset_experiments').selectAll().where('dataset_id', 'in', part).orderBy('experiment_id').execute();
    for (const l of links) (experiments.get(l.dataset_id) ?? experiments.set(l.dataset_id, []).get(l.dataset_id)!).push(l.experiment_id);
  }
  return rows.map((r) => ({
    datasetId: r.dataset_id,
    name: r.name,
    tags: tags.get(r.dataset_id) ?? {},
    ...(r.schema !== null ? { schema: r.schema } : {}),
    ...(r.profile !== null ? { profile: r.profile } : {}),
    digest: r.digest,
    createdTime: Number(r.created_time),
    lastUpdateTime: Number(r.last_update_time),
    ...(r.created_by !== null ? { createdBy: r.created_by } : {}),
    ...(r.last_updated_by !== null ? { lastUpdatedBy: r.last_updated_by } : {}),
    experimentIds: experiments.get(r.dataset_id) ?? [],
  }));
}

const parse = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

/**
 * A record from its row.
 *
 * @example
 * const entry = entryFromRow(row);
 */
export function entryFromRow(r: EntryRow): DatasetEntry {
  const entry: DatasetEntry = {
    datasetRecordId: r.dataset_record_id,
    datasetId: r.dataset_id,
    inputs: JSON.parse(r.inputs) as Record<string, unknown>,
    tags: parse<Record<string, unknown>>(r.tags) ?? {},
    createdTime: Number(r.created_time),
    lastUpdateTime: Number(r.last_update_time),
  };
  if (r.outputs !== null) entry.outputs = { value: JSON.parse(r.outputs) as unknown };
  const expectations = parse<Record<string, unknown>>(r.expectations);
  if (expectations) entry.expectations = expectations;
  const source = parse<DatasetRecordSource>(r.source);
  if (source) entry.source = source;
  if (r.source_id !== null) entry.sourceId = r.source_id;
  if (r.source_type !== null) entry.sourceType = r.source_type as DatasetRecordSourceType;
  if (r.created_by !== null) entry.createdBy = r.created_by;
  if (r.last_updated_by !== null) entry.lastUpdatedBy = r.last_updated_by;
  return entry;
}

/**
 * The row of a record (its hash computed by the caller).
 *
 * @example
 * await db.insertInto('evaluation_dataset_records').values(entryToRow(entry, hash)).execute();
 */
export function entryToRow(e: DatasetEntry, hash: string): EvaluationDatasetRecordsTable {
  return {
    dataset_record_id: e.datasetRecordId,
    dataset_id: e.datasetId,
    input_hash: hash,
    inputs: JSON.stringify(e.inputs),
    outputs: e.outputs ? JSON.stringify(e.outputs.value) : null,
    expectations: e.expectations ? JSON.stringify(e.expectations) : null,
    tags: Object.keys(e.tags).length > 0 ? JSON.stringify(e.tags) : null,
    source: e.source ? JSON.stringify(e.source) : null,
    source_id: e.sourceId ?? null,
    source_type: e.sourceType ?? null,
    created_time: e.createdTime,
    last_update_time: e.lastUpdateTime,
    created_by: e.createdBy ?? null,
    last_updated_by: e.lastUpdatedBy ?? null,
  };
}
