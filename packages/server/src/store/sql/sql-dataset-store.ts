import type { Kysely, Transaction } from 'kysely';
import type { DatasetRecordInput } from '@loupe/protocol';
import { datasetDigest, inputHash, mergeEntry, newEntry, recordUser, updatedSchema } from '../dataset-record-merge.js';
import type { DatasetEntry, DatasetRecord, DatasetSearchQuery, DatasetStore, NewDataset, RecordUpsert, UpsertCounts } from '../dataset-store.js';
import type { Page, PageRequest } from '../tracking-store.js';
import { compileDatasetSearch } from './dataset-search-compiler.js';
import { entryFromRow, entryToRow, hydrateDatasets } from './dataset-rows.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';
import { chunks } from './sql-batches.js';
import { translateInputErrors } from './translate-input-errors.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Record rows per INSERT: 14 columns each, below every backend's bound-parameter limit. */
const RECORD_CHUNK = 200;
/** Tries of an upsert that lost a race for a new input to a concurrent upsert of the same dataset. */
const UPSERT_TRIES = 3;

async function exists(db: Db, datasetId: string): Promise<boolean> {
  return (await db.selectFrom('evaluation_datasets').select('dataset_id').where('dataset_id', '=', datasetId).executeTakeFirst()) !== undefined;
}

async function upsertTags(db: Db, datasetId: string, tags: Record<string, string>): Promise<void> {
  const rows = Object.entries(tags).map(([key, value]) => ({ dataset_id: datasetId, key, value }));
  for (const part of chunks(rows)) {
    await db
      .insertInto('evaluation_dataset_tags')
      .values(part)
      .onConflict((oc) => oc.columns(['dataset_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
}

async function linkExperiments(db: Db, datasetId: string, experimentIds: readonly string[], now: number): Promise<void> {
  const rows = [...new Set(experimentIds)].map((experiment_id) => ({ dataset_id: datasetId, experiment_id, created_time: now }));
  for (const part of chunks(rows)) {
    await db
      .insertInto('evaluation_dataset_experiments')
      .values(part)
      .onConflict((oc) => oc.columns(['dataset_id', 'experiment_id']).doNothing())
      .execute();
  }
}

/** The stored records of these input hashes, by hash. */
async function entriesByHash(db: Db, datasetId: string, hashes: readonly string[]): Promise<Map<string, DatasetEntry>> {
  const found = new Map<string, DatasetEntry>();
  for (const part of chunks([...hashes])) {
    const rows = await db.selectFrom('evaluation_dataset_records').selectAll().where('dataset_id', '=', datasetId).where('input_hash', 'in', part).execute();
    for (const row of rows) found.set(row.input_hash, entryFromRow(row));
  }
  return found;
}

/** The dataset's profile after a change (MLflow keeps the old one when no record is left). */
async function profileOf(db: Db, datasetId: string): Promise<string | undefined> {
  const { n } = await db
    .selectFrom('evaluation_dataset_records')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('dataset_id', '=', datasetId)
    .executeTakeFirstOrThrow();
  return Number(n) > 0 ? JSON.stringify({ num_records: Number(n) }) : undefined;
}

/**
 * Evaluation datasets on SQLite or PostgreSQL (migration 0012). An upsert runs in one transaction that
 * starts by touching the dataset's row, so concurrent upserts of one dataset queue (PostgreSQL's row
 * lock; SQLite's `begin immediate`) and each sees the other's records: merges are never lost.
 *
 * @example
 * const datasets = new SqlDatasetStore(db, dialect);
 * await datasets.createDataset({ datasetId: 'd-…', name: 'qa', tags: {}, experimentIds: ['1'], now });
 */
export class SqlDatasetStore implements DatasetStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async createDataset(input: NewDataset): Promise<DatasetRecord> {
    const user = input.tags['mlflow.user'] ?? null;
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('evaluation_datasets')
        .values({
          dataset_id: input.datasetId,
          name: input.name,
          schema: null,
          profile: null,
          digest: datasetDigest(input.name, input.now),
          created_time: input.now,
          last_update_time: input.now,
          created_by: user,
          last_updated_by: user,
        })
        .execute();
      await upsertTags(tx, input.datasetId, input.tags);
      await linkExperiments(tx, input.datasetId, input.experimentIds, input.now);
    });
    const created = await this.getDataset(input.datasetId);
    if (!created) throw new Error(`dataset ${input.datasetId} vanished after its creation`);
    return created;
  }

  async getDataset(datasetId: string): Promise<DatasetRecord | undefined> {
    const row = await this.db.selectFrom('evaluation_datasets').selectAll().where('dataset_id', '=', datasetId).executeTakeFirst();
    return row ? (await hydrateDatasets(this.db, [row]))[0] : undefined;
  }

  async deleteDataset(datasetId: string): Promise<boolean> {
    // Tags, records and experiment links go with it (foreign keys, ON DELETE CASCADE).
    const result = await this.db.deleteFrom('evaluation_datasets').where('dataset_id', '=', datasetId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async searchDatasets(query: DatasetSearchQuery): Promise<Page<DatasetRecord>> {
    const { rows } = await translateInputErrors(this.dialect, () => compileDatasetSearch(this.dialect, query).execute(this.db));
    return { items: await hydrateDatasets(this.db, rows.slice(0, query.page.limit)), hasMore: rows.length > query.page.limit };
  }

  async setDatasetTags(datasetId: string, tags: Record<string, string>): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      if (!(await exists(tx, datasetId))) return false;
      await upsertTags(tx, datasetId, tags);
      return true;
    });
  }

  async deleteDatasetTag(datasetId: string, key: string): Promise<void> {
    await this.db.deleteFrom('evaluation_dataset_tags').where('dataset_id', '=', datasetId).where('key', '=', key).execute();
  }

  async upsertRecords(input: RecordUpsert): Promise<UpsertCounts | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((tx) => this.upsertIn(tx, input));
      } catch (err) {
        // A concurrent upsert inserted one of our new inputs first: the next try merges into it.
        const lostRace = this.dialect.isUniqueViolation(err) || this.dialect.isRetryableConflict(err);
        if (!lostRace || attempt >= UPSERT_TRIES) throw err;
      }
    }
  }

  private async upsertIn(tx: Transaction<Database>, input: RecordUpsert): Promise<UpsertCounts | undefined> {
    const { datasetId, records, now } = input;
    const dataset = await tx
      .updateTable('evaluation_datasets')
      .set({ last_update_time: now })
      .where('dataset_id', '=', datasetId)
      .returning(['name', 'schema'])
      .executeTakeFirst();
    if (!dataset) return undefined;
    const hashes = records.map((r) => inputHash(r.inputs));
    const stored = await entriesByHash(tx, datasetId, [...new Set(hashes)]);
    const fresh = new Map<string, DatasetEntry>();
    const changed = new Map<string, DatasetEntry>();
    const counts: UpsertCounts = { inserted: 0, updated: 0 };
    let updatedBy: string | undefined;
    records.forEach((record: DatasetRecordInput, i) => {
      const hash = hashes[i] as string;
      updatedBy = recordUser(record.tags) ?? updatedBy;
      const known = fresh.get(hash) ?? changed.get(hash) ?? stored.get(hash);
      if (!known) {
        fresh.set(hash, newEntry(datasetId, input.newRecordId(), record, now));
        counts.inserted++;
        return;
      }
      const merged = mergeEntry(known, record, now);
      if (fresh.has(hash)) fresh.set(hash, merged);
      else changed.set(hash, merged);
      counts.updated++;
    });
    for (const part of chunks(
      [...fresh].map(([hash, e]) => entryToRow(e, hash)),
      RECORD_CHUNK,
    )) {
      await tx.insertInto('evaluation_dataset_records').values(part).execute();
    }
    for (const e of changed.values()) {
      const row = entryToRow(e, '');
      await tx
        .updateTable('evaluation_dataset_records')
        .set({ outputs: row.outputs, expectations: row.expectations, tags: row.tags, last_update_time: now, last_updated_by: row.last_updated_by })
        .where('dataset_record_id', '=', e.datasetRecordId)
        .execute();
    }
    const schema = updatedSchema(dataset.schema, records);
    const profile = await profileOf(tx, datasetId);
    await tx
      .updateTable('evaluation_datasets')
      .set({
        // MLflow sets the updater to the last `mlflow.user` of the batch, or clears it when none names one.
        last_updated_by: updatedBy ?? null,
        digest: datasetDigest(dataset.name, now),
        ...(schema !== null ? { schema } : {}),
        ...(profile !== undefined ? { profile } : {}),
      })
      .where('dataset_id', '=', datasetId)
      .execute();
    return counts;
  }

  async listRecords(datasetId: string, page: PageRequest): Promise<Page<DatasetEntry> | undefined> {
    if (!(await exists(this.db, datasetId))) return undefined;
    const rows = await this.db
      .selectFrom('evaluation_dataset_records')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .orderBy('created_time')
      .orderBy('dataset_record_id')
      .limit(page.limit + 1)
      .offset(page.offset)
      .execute();
    return { items: rows.slice(0, page.limit).map(entryFromRow), hasMore: rows.length > page.limit };
  }

  async deleteRecords(datasetId: string, recordIds: readonly string[], now: number): Promise<number | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const dataset = await tx.selectFrom('evaluation_datasets').select('name').where('dataset_id', '=', datasetId).executeTakeFirst();
      if (!dataset) return undefined;
      let deleted = 0;
      for (const part of chunks([...new Set(recordIds)])) {
        const result = await tx
          .deleteFrom('evaluation_dataset_records')
          .where('dataset_id', '=', datasetId)
          .where('dataset_record_id', 'in', part)
          .executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      if (deleted > 0) {
        const profile = await profileOf(tx, datasetId);
        await tx
          .updateTable('evaluation_datasets')
          .set({ last_update_time: now, digest: datasetDigest(dataset.name, now), profile: profile ?? null })
          .where('dataset_id', '=', datasetId)
          .execute();
      }
      return deleted;
    });
  }

  async addExperiments(datasetId: string, experimentIds: readonly string[], now: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const touched = await tx.updateTable('evaluation_datasets').set({ last_update_time: now }).where('dataset_id', '=', datasetId).executeTakeFirst();
      if (Number(touched.numUpdatedRows) === 0) return false;
      await linkExperiments(tx, datasetId, experimentIds, now);
      return true;
    });
  }

  async removeExperiments(datasetId: string, experimentIds: readonly string[], now: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      if (!(await exists(tx, datasetId))) return false;
      let removed = 0;
      for (const part of chunks([...new Set(experimentIds)])) {
        const result = await tx
          .deleteFrom('evaluation_dataset_experiments')
          .where('dataset_id', '=', datasetId)
          .where('experiment_id', 'in', part)
          .executeTakeFirst();
        removed += Number(result.numDeletedRows);
      }
      if (removed > 0) await tx.updateTable('evaluation_datasets').set({ last_update_time: now }).where('dataset_id', '=', datasetId).execute();
      return true;
    });
  }
}
