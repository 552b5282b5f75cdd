import { sql, type Kysely, type Transaction } from 'kysely';
import type { KeyValue, ModelVersionStage, ModelVersionStatus } from '@loupe/protocol';
import { DELETED_STAGE, type AliasRecord, type ModelVersionRecord, type RegisteredModelRecord } from '../registry-store.js';
import type { Database, ModelVersionsTable, RegisteredModelsTable } from './schema.js';
import { chunks } from './sql-batches.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A model version row with its registered model's name. */
export type ModelVersionRow = ModelVersionsTable & { name: string };

/** A registered model row as selected (its key is a plain number). */
export type RegisteredModelRow = Omit<RegisteredModelsTable, 'model_key'> & { model_key: number };

const pairKey = (modelKey: number, version: number) => `${modelKey}/${version}`;

/** `(model_key, version) in (values ...)`: exactly these pairs (row values; the primary key is probed for each). */
function pairsIn(pairs: readonly { modelKey: number; version: number }[]) {
  const values = pairs.map((p) => sql`(cast(${p.modelKey} as bigint), cast(${p.version} as integer))`);
  return sql<boolean>`(model_key, version) in (values ${sql.join(values)})`;
}

/** The tags of each (model, version), sorted by key. */
async function versionTags(db: Db, rows: readonly ModelVersionRow[]): Promise<Map<string, KeyValue[]>> {
  const out = new Map<string, KeyValue[]>();
  for (const part of chunks([...rows], 500)) {
    const pairs = part.map((r) => ({ modelKey: Number(r.model_key), version: Number(r.version) }));
    const tags = await db.selectFrom('model_version_tags').select(['model_key', 'version', 'key', 'value']).where(pairsIn(pairs)).orderBy('key').execute();
    for (const t of tags) {
      const k = pairKey(Number(t.model_key), Number(t.version));
      let list = out.get(k);
      if (!list) out.set(k, (list = []));
      list.push({ key: t.key, value: t.value });
    }
  }
  return out;
}

/** The aliases of each model, sorted by alias. */
export async function modelAliases(db: Db, modelKeys: readonly number[]): Promise<Map<number, AliasRecord[]>> {
  const out = new Map<number, AliasRecord[]>();
  for (const part of chunks([...new Set(modelKeys)])) {
    const rows = await db
      .selectFrom('registered_model_aliases')
      .select(['model_key', 'alias', 'version'])
      .where('model_key', 'in', part)
      .orderBy('alias')
      .execute();
    for (const r of rows) {
      const key = Number(r.model_key);
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push({ alias: r.alias, version: Number(r.version) });
    }
  }
  return out;
}

/**
 * Version rows as records, with their tags and the aliases pointing at them, in the rows' order.
 * `aliases` may be given when the caller has them already.
 *
 * @example
 * const [version] = await hydrateModelVersions(db, [row]);
 */
export async function hydrateModelVersions(db: Db, rows: readonly ModelVersionRow[], aliases?: Map<number, AliasRecord[]>): Promise<ModelVersionRecord[]> {
  if (rows.length === 0) return [];
  const tags = await versionTags(db, rows);
  const aliasesByModel =
    aliases ??
    (await modelAliases(
      db,
      rows.map((r) => Number(r.model_key)),
    ));
  return rows.map((r) => {
    const modelKey = Number(r.model_key);
    const version = Number(r.version);
    const record: ModelVersionRecord = {
      name: r.name,
      version,
      creationTimestamp: Number(r.creation_time),
      lastUpdatedTimestamp: Number(r.last_updated_time),
      currentStage: r.current_stage as ModelVersionStage,
      source: r.source,
      status: r.status as ModelVersionStatus,
      tags: tags.get(pairKey(modelKey, version)) ?? [],
      aliases: (aliasesByModel.get(modelKey) ?? []).filter((a) => a.version === version).map((a) => a.alias),
    };
    if (r.description !== null) record.description = r.description;
    if (r.user_id !== null) record.userId = r.user_id;
    if (r.storage_location !== null) record.storageLocation = r.storage_location;
    if (r.run_id !== null) record.runId = r.run_id;
    if (r.run_link !== null) record.runLink = r.run_link;
    if (r.status_message !== null) record.statusMessage = r.status_message;
    if (r.model_id !== null) record.modelId = r.model_id;
    return record;
  });
}

/**
 * The newest live version of each stage of these models (of `stages` only, when given), with tags and
 * aliases, newest first per model.
 *
 * @example
 * const latest = await latestVersions(db, [{ model_key: 1, name: 'clf' }]);
 */
export async function latestVersions(
  db: Db,
  models: readonly { model_key: number; name: string }[],
  stages: readonly ModelVersionStage[] = [],
  aliases?: Map<number, AliasRecord[]>,
): Promise<Map<number, ModelVersionRecord[]>> {
  const out = new Map<number, ModelVersionRecord[]>();
  if (models.length === 0) return out;
  const names = new Map(models.map((m) => [Number(m.model_key), m.name]));
  const rows: ModelVersionRow[] = [];
  for (const part of chunks([...names.keys()])) {
    const stageFilter = stages.length > 0 ? sql`and current_stage in (${sql.join([...stages])})` : sql``;
    // The newest version of each (model, stage), then those rows only: one statement, no per-model query.
    const { rows: found } = await sql<ModelVersionsTable>`select mv.* from model_versions mv
      join (select model_key, current_stage, max(version) as version from model_versions
            where model_key in (${sql.join(part)}) and current_stage <> ${DELETED_STAGE} ${stageFilter}
            group by model_key, current_stage) l
        on l.model_key = mv.model_key and l.version = mv.version`.execute(db);
    for (const f of found) rows.push({ ...f, name: names.get(Number(f.model_key)) ?? '' });
  }
  rows.sort((a, b) => Number(b.version) - Number(a.version));
  const records = await hydrateModelVersions(db, rows, aliases);
  records.forEach((record, i) => {
    const key = Number(rows[i]?.model_key);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(record);
  });
  return out;
}

/**
 * Registered model rows as records, with their tags, aliases and latest version per stage, in the rows' order.
 *
 * @example
 * const [model] = await hydrateRegisteredModels(db, [row]);
 */
export async function hydrateRegisteredModels(db: Db, rows: readonly RegisteredModelRow[]): Promise<RegisteredModelRecord[]> {
  if (rows.length === 0) return [];
  const keys = rows.map((r) => Number(r.model_key));
  const tags = new Map<number, KeyValue[]>();
  for (const part of chunks(keys)) {
    const found = await db.selectFrom('registered_model_tags').select(['model_key', 'key', 'value']).where('model_key', 'in', part).orderBy('key').execute();
    for (const t of found) {
      const key = Number(t.model_key);
      let list = tags.get(key);
      if (!list) tags.set(key, (list = []));
      list.push({ key: t.key, value: t.value });
    }
  }
  const aliases = await modelAliases(db, keys);
  const latest = await latestVersions(
    db,
    rows.map((r) => ({ model_key: Number(r.model_key), name: r.name })),
    [],
    aliases,
  );
  return rows.map((r) => {
    const key = Number(r.model_key);
    const record: RegisteredModelRecord = {
      name: r.name,
      creationTimestamp: Number(r.creation_time),
      lastUpdatedTimestamp: Number(r.last_updated_time),
      tags: tags.get(key) ?? [],
      aliases: aliases.get(key) ?? [],
      latestVersions: latest.get(key) ?? [],
    };
    if (r.description !== null) record.description = r.description;
    return record;
  });
}
