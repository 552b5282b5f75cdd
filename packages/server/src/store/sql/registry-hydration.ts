import { sql, type Kysely, type Transaction } from 'kysely';
import type { KeyValue, ModelVersionStage, ModelVersionStatus } from '@loupe/protocol';
import { DELETED_STAGE, type AliasRecord, type ModelVersionRecord, type RegisteredModelRecord } from '../registry-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database, ModelVersionsTable, RegisteredModelsTable } from './schema.js';
import { chunks } from './sql-batches.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A model version row with its registered model's name. */
export type ModelVersionRow = ModelVersionsTable & { name: string };

/** A registered model row as selected (its key is a plain number). */
export type RegisteredModelRow = Omit<RegisteredModelsTable, 'model_key'> & { model_key: number };

const pairKey = (modelKey: number, version: number) => `${modelKey}/${version}`;

const PAIR_COLUMNS = [
  { name: 'model_key', type: 'bigint' },
  { name: 'version', type: 'integer' },
] as const;

/**
 * `(model_key, version) in (...)` over exactly these pairs, passed as one JSON parameter: the statement
 * text is the same whatever the count (PostgreSQL plans it in no time; SQLite reuses its statement),
 * and each pair probes the primary key.
 */
function pairsIn(dialect: SqlDialect, pairs: readonly { model_key: number; version: number }[]) {
  return sql<boolean>`(model_key, version) in (select p.model_key, p.version from ${dialect.rowsFromJson(pairs, PAIR_COLUMNS)} p)`;
}

/** Groups `{model_key, version, key, value}` rows by (model, version), in their order. */
function groupVersionTags(rows: readonly { model_key: unknown; version: unknown; key: string; value: string }[], into = new Map<string, KeyValue[]>()) {
  for (const t of rows) {
    const k = pairKey(Number(t.model_key), Number(t.version));
    let list = into.get(k);
    if (!list) into.set(k, (list = []));
    list.push({ key: t.key, value: t.value });
  }
  return into;
}

/** The tags of each (model, version), sorted by key. */
async function versionTags(db: Db, dialect: SqlDialect, rows: readonly ModelVersionRow[]): Promise<Map<string, KeyValue[]>> {
  const out = new Map<string, KeyValue[]>();
  for (const part of chunks([...rows], 5000)) {
    const pairs = part.map((r) => ({ model_key: Number(r.model_key), version: Number(r.version) }));
    groupVersionTags(
      await db.selectFrom('model_version_tags').select(['model_key', 'version', 'key', 'value']).where(pairsIn(dialect, pairs)).orderBy('key').execute(),
      out,
    );
  }
  return out;
}

/**
 * The tags and the aliases of each model (sorted by key and by alias), in one statement: the two
 * tables read side by side (`union all`), a round trip less on PostgreSQL.
 */
async function modelTagsAndAliases(db: Db, modelKeys: readonly number[]): Promise<{ tags: Map<number, KeyValue[]>; aliases: Map<number, AliasRecord[]> }> {
  const tags = new Map<number, KeyValue[]>();
  const aliases = new Map<number, AliasRecord[]>();
  for (const part of chunks([...new Set(modelKeys)])) {
    const { rows } = await sql<{ kind: string; model_key: number; version: number; key: string; value: string }>`
      select 't' as kind, model_key, 0 as version, key, value from registered_model_tags where model_key in (${sql.join(part)})
      union all
      select 'a' as kind, model_key, version, alias as key, '' as value from registered_model_aliases where model_key in (${sql.join(part)})
      order by key`.execute(db);
    for (const r of rows) {
      const key = Number(r.model_key);
      if (r.kind === 't') {
        let list = tags.get(key);
        if (!list) tags.set(key, (list = []));
        list.push({ key: r.key, value: r.value });
      } else {
        let list = aliases.get(key);
        if (!list) aliases.set(key, (list = []));
        list.push({ alias: r.key, version: Number(r.version) });
      }
    }
  }
  return { tags, aliases };
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
 * const [version] = await hydrateModelVersions(db, dialect, [row]);
 */
export async function hydrateModelVersions(
  db: Db,
  dialect: SqlDialect,
  rows: readonly ModelVersionRow[],
  aliases?: Map<number, AliasRecord[]>,
): Promise<ModelVersionRecord[]> {
  if (rows.length === 0) return [];
  const [tags, aliasesByModel] = await Promise.all([
    versionTags(db, dialect, rows),
    aliases ??
      modelAliases(
        db,
        rows.map((r) => Number(r.model_key)),
      ),
  ]);
  return toVersionRecords(rows, tags, aliasesByModel);
}

/** Version rows and their tags and model aliases as records, in the rows' order. */
function toVersionRecords(rows: readonly ModelVersionRow[], tags: Map<string, KeyValue[]>, aliasesByModel: Map<number, AliasRecord[]>): ModelVersionRecord[] {
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
 * aliases (`aliases` when the caller has them), newest first per model. The versions and their tags are
 * read at once, each by joining the same grouped subquery, so a page costs one round trip here.
 *
 * @example
 * const latest = await latestVersions(db, dialect, [{ model_key: 1, name: 'clf' }]);
 */
export async function latestVersions(
  db: Db,
  dialect: SqlDialect,
  models: readonly { model_key: number; name: string }[],
  stages: readonly ModelVersionStage[] = [],
  aliases?: Promise<Map<number, AliasRecord[]>> | Map<number, AliasRecord[]>,
): Promise<Map<number, ModelVersionRecord[]>> {
  const out = new Map<number, ModelVersionRecord[]>();
  if (models.length === 0) return out;
  const names = new Map(models.map((m) => [Number(m.model_key), m.name]));
  const parts = chunks([...names.keys()]).map(async (part) => {
    const stageFilter = stages.length > 0 ? sql`and current_stage in (${sql.join([...stages])})` : sql``;
    // The newest version of each (model, stage): a grouped subquery both reads join.
    const newest = sql`(select model_key, current_stage, max(version) as version from model_versions
      where model_key in (${sql.join(part)}) and current_stage <> ${DELETED_STAGE} ${stageFilter}
      group by model_key, current_stage)`;
    const [versions, tags] = await Promise.all([
      sql<ModelVersionsTable>`select mv.* from model_versions mv join ${newest} l on l.model_key = mv.model_key and l.version = mv.version`.execute(db),
      sql<{ model_key: number; version: number; key: string; value: string }>`select t.model_key, t.version, t.key, t.value from model_version_tags t
        join ${newest} l on l.model_key = t.model_key and l.version = t.version order by t.key`.execute(db),
    ]);
    return { versions: versions.rows, tags: groupVersionTags(tags.rows) };
  });
  const [found, aliasesByModel] = await Promise.all([Promise.all(parts), aliases ?? modelAliases(db, [...names.keys()])]);
  const rows: ModelVersionRow[] = found.flatMap((f) => f.versions.map((v) => ({ ...v, name: names.get(Number(v.model_key)) ?? '' })));
  const tags = new Map(found.flatMap((f) => [...f.tags]));
  rows.sort((a, b) => Number(b.version) - Number(a.version));
  toVersionRecords(rows, tags, aliasesByModel).forEach((record, i) => {
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
 * const [model] = await hydrateRegisteredModels(db, dialect, [row]);
 */
export async function hydrateRegisteredModels(db: Db, dialect: SqlDialect, rows: readonly RegisteredModelRow[]): Promise<RegisteredModelRecord[]> {
  if (rows.length === 0) return [];
  const keys = rows.map((r) => Number(r.model_key));
  // Tags with aliases, and the latest versions, are independent reads: on PostgreSQL they travel at once.
  const tagsAndAliases = modelTagsAndAliases(db, keys);
  const [{ tags, aliases }, latest] = await Promise.all([
    tagsAndAliases,
    latestVersions(
      db,
      dialect,
      rows.map((r) => ({ model_key: Number(r.model_key), name: r.name })),
      [],
      tagsAndAliases.then((r) => r.aliases),
    ),
  ]);
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
