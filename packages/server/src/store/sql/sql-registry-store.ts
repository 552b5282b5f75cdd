import type { Kysely, Transaction } from 'kysely';
import { PromptTagKey, type KeyValue, type ModelVersionStage } from '@loupe/protocol';
import {
  DELETED_STAGE,
  type ModelVersionRecord,
  type ModelVersionSearchQuery,
  type NewModelVersion,
  type NewRegisteredModel,
  type NewRegistryEvent,
  type RegisteredModelRecord,
  type RegisteredModelSearchQuery,
  type RegistryEventRecord,
  type RegistryEvents,
  type RegistryStore,
  type RenameResult,
} from '../registry-store.js';
import type { Page } from '../tracking-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { hydrateModelVersions, hydrateRegisteredModels, latestVersions, type ModelVersionRow } from './registry-hydration.js';
import { compileModelVersionSearch, compileRegisteredModelSearch } from './registry-search-compiler.js';
import type { Database } from './schema.js';
import { chunks } from './sql-batches.js';
import { dedupeLastWins } from './sql-experiment-store.js';
import { translateInputErrors } from './translate-input-errors.js';

type Db = Kysely<Database> | Transaction<Database>;

/** What a deleted version keeps of its fields (MLflow's redaction). */
const REDACTED = { source: 'REDACTED-SOURCE-PATH', run_id: 'REDACTED-RUN-ID', run_link: 'REDACTED-RUN-LINK' } as const;

async function modelKeyOf(db: Db, name: string): Promise<number | undefined> {
  const row = await db.selectFrom('registered_models').select('model_key').where('name', '=', name).executeTakeFirst();
  return row ? Number(row.model_key) : undefined;
}

/** The key of a model with a live version `version`, or undefined. */
async function liveVersionKey(db: Db, name: string, version: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('model_versions as mv')
    .innerJoin('registered_models as m', 'm.model_key', 'mv.model_key')
    .select('mv.model_key')
    .where('m.name', '=', name)
    .where('mv.version', '=', version)
    .where('mv.current_stage', '<>', DELETED_STAGE)
    .executeTakeFirst();
  return row ? Number(row.model_key) : undefined;
}

/** MLflow's `RegisteredModel._is_prompt()`: the prompt tag is `true` in any case. */
async function isPrompt(db: Db, modelKey: number): Promise<boolean> {
  const row = await db
    .selectFrom('registered_model_tags')
    .select('value')
    .where('model_key', '=', modelKey)
    .where('key', '=', PromptTagKey.IS_PROMPT)
    .executeTakeFirst();
  return row?.value.toLowerCase() === 'true';
}

async function writeEvents(db: Db, events: readonly NewRegistryEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('registry_events')
    .values(events.map((e) => ({ entity: e.entity, action: e.action, payload: JSON.stringify(e.data), created_at: e.createdAt })))
    .execute();
}

/**
 * The model and prompt registry on SQLite or PostgreSQL (migration 0009). Writes that MLflow turns
 * into webhook events insert their `registry_events` rows in the same transaction, so an event is
 * never lost after a commit nor sent for a write that rolled back.
 *
 * @example
 * const registry = new SqlRegistryStore(db, dialect);
 * await registry.createRegisteredModel({ name: 'clf', tags: [], now }, () => []);
 */
export class SqlRegistryStore implements RegistryStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async createRegisteredModel(input: NewRegisteredModel, events: RegistryEvents): Promise<RegisteredModelRecord | undefined> {
    if ((await modelKeyOf(this.db, input.name)) !== undefined) return undefined;
    try {
      await this.db.transaction().execute(async (tx) => {
        const { model_key } = await tx
          .insertInto('registered_models')
          .values({ name: input.name, creation_time: input.now, last_updated_time: input.now, description: input.description ?? null })
          .returning('model_key')
          .executeTakeFirstOrThrow();
        const modelKey = Number(model_key);
        await this.upsertModelTags(tx, modelKey, input.tags);
        await writeEvents(tx, events({ isPrompt: await isPrompt(tx, modelKey) }));
      });
    } catch (err) {
      // Another writer took the name between the check and the insert.
      if (this.dialect.isUniqueViolation(err)) return undefined;
      throw err;
    }
    return this.getRegisteredModel(input.name);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModelRecord | undefined> {
    const row = await this.db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return undefined;
    return (await hydrateRegisteredModels(this.db, this.dialect, [{ ...row, model_key: Number(row.model_key) }]))[0];
  }

  async renameRegisteredModel(name: string, newName: string, now: number): Promise<RenameResult> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const modelKey = await modelKeyOf(tx, name);
        if (modelKey === undefined) return 'missing';
        if (newName !== name && (await modelKeyOf(tx, newName)) !== undefined) return 'taken';
        await tx.updateTable('registered_models').set({ name: newName, last_updated_time: now }).where('model_key', '=', modelKey).execute();
        await tx.updateTable('model_versions').set({ last_updated_time: now }).where('model_key', '=', modelKey).execute();
        return 'renamed';
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async updateRegisteredModel(name: string, description: string | undefined, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('registered_models')
      .set({ description: description ?? null, last_updated_time: now })
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteRegisteredModel(name: string): Promise<boolean> {
    // Tags, aliases, versions and version tags go with it (foreign keys, ON DELETE CASCADE).
    const result = await this.db.deleteFrom('registered_models').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async searchRegisteredModels(query: RegisteredModelSearchQuery): Promise<Page<RegisteredModelRecord>> {
    const { rows } = await translateInputErrors(this.dialect, () => compileRegisteredModelSearch(this.dialect, query).execute(this.db));
    const page = rows.slice(0, query.page.limit).map((r) => ({ ...r, model_key: Number(r.model_key) }));
    return { items: await hydrateRegisteredModels(this.db, this.dialect, page), hasMore: rows.length > query.page.limit };
  }

  async setRegisteredModelTag(name: string, tag: KeyValue, events: RegistryEvents): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const modelKey = await modelKeyOf(tx, name);
      if (modelKey === undefined) return false;
      await this.upsertModelTags(tx, modelKey, [tag]);
      await writeEvents(tx, events({ isPrompt: await isPrompt(tx, modelKey) }));
      return true;
    });
  }

  async deleteRegisteredModelTag(name: string, key: string, events: RegistryEvents): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const modelKey = await modelKeyOf(tx, name);
      if (modelKey === undefined) return false;
      await tx.deleteFrom('registered_model_tags').where('model_key', '=', modelKey).where('key', '=', key).execute();
      await writeEvents(tx, events({ isPrompt: await isPrompt(tx, modelKey) }));
      return true;
    });
  }

  async createModelVersion(input: NewModelVersion, events: (version: number) => NewRegistryEvent[]): Promise<ModelVersionRecord | undefined> {
    const version = await this.db.transaction().execute(async (tx) => {
      // Touching the model first takes its row lock on PostgreSQL: concurrent creators of one model's
      // versions queue here, and each then sees the others' committed numbers.
      const touched = await tx
        .updateTable('registered_models')
        .set({ last_updated_time: input.now })
        .where('name', '=', input.name)
        .returning('model_key')
        .executeTakeFirst();
      if (!touched) return undefined;
      const modelKey = Number(touched.model_key);
      const { max } = await tx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('max'))
        .where('model_key', '=', modelKey)
        .executeTakeFirstOrThrow();
      const next = (max === null ? 0 : Number(max)) + 1;
      await tx
        .insertInto('model_versions')
        .values({
          model_key: modelKey,
          version: next,
          creation_time: input.now,
          last_updated_time: input.now,
          description: input.description ?? null,
          user_id: null,
          current_stage: 'None',
          source: input.source,
          storage_location: input.storageLocation ?? null,
          run_id: input.runId ?? null,
          run_link: input.runLink ?? null,
          status: 'READY',
          status_message: null,
          model_id: input.modelId ?? null,
        })
        .execute();
      for (const part of chunks(dedupeLastWins(input.tags))) {
        await tx
          .insertInto('model_version_tags')
          .values(part.map((t) => ({ model_key: modelKey, version: next, key: t.key, value: t.value })))
          .execute();
      }
      await writeEvents(tx, events(next));
      return next;
    });
    return version === undefined ? undefined : this.getModelVersion(input.name, version);
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersionRecord | undefined> {
    const row = await this.versionQuery(this.db)
      .where('m.name', '=', name)
      .where('mv.version', '=', version)
      .where('mv.current_stage', '<>', DELETED_STAGE)
      .executeTakeFirst();
    return row ? (await hydrateModelVersions(this.db, this.dialect, [row as ModelVersionRow]))[0] : undefined;
  }

  async updateModelVersion(name: string, version: number, description: string | undefined, now: number): Promise<ModelVersionRecord | undefined> {
    const modelKey = await liveVersionKey(this.db, name, version);
    if (modelKey === undefined) return undefined;
    await this.db
      .updateTable('model_versions')
      .set({ description: description ?? null, last_updated_time: now })
      .where('model_key', '=', modelKey)
      .where('version', '=', version)
      .execute();
    return this.getModelVersion(name, version);
  }

  async transitionModelVersionStage(
    name: string,
    version: number,
    stage: ModelVersionStage,
    archiveExisting: boolean,
    now: number,
  ): Promise<ModelVersionRecord | undefined> {
    const done = await this.db.transaction().execute(async (tx) => {
      const modelKey = await liveVersionKey(tx, name, version);
      if (modelKey === undefined) return false;
      if (archiveExisting) {
        await tx
          .updateTable('model_versions')
          .set({ current_stage: 'Archived', last_updated_time: now })
          .where('model_key', '=', modelKey)
          .where('version', '<>', version)
          .where('current_stage', '=', stage)
          .execute();
      }
      await tx
        .updateTable('model_versions')
        .set({ current_stage: stage, last_updated_time: now })
        .where('model_key', '=', modelKey)
        .where('version', '=', version)
        .execute();
      await tx.updateTable('registered_models').set({ last_updated_time: now }).where('model_key', '=', modelKey).execute();
      return true;
    });
    return done ? this.getModelVersion(name, version) : undefined;
  }

  async deleteModelVersion(name: string, version: number, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const modelKey = await liveVersionKey(tx, name, version);
      if (modelKey === undefined) return false;
      await tx.deleteFrom('registered_model_aliases').where('model_key', '=', modelKey).where('version', '=', version).execute();
      await tx
        .updateTable('model_versions')
        .set({
          current_stage: DELETED_STAGE,
          last_updated_time: now,
          description: null,
          user_id: null,
          status_message: null,
          storage_location: null,
          model_id: null,
          ...REDACTED,
        })
        .where('model_key', '=', modelKey)
        .where('version', '=', version)
        .execute();
      await tx.updateTable('registered_models').set({ last_updated_time: now }).where('model_key', '=', modelKey).execute();
      return true;
    });
  }

  async searchModelVersions(query: ModelVersionSearchQuery): Promise<Page<ModelVersionRecord>> {
    const { rows } = await translateInputErrors(this.dialect, () => compileModelVersionSearch(this.dialect, query).execute(this.db));
    return { items: await hydrateModelVersions(this.db, this.dialect, rows.slice(0, query.page.limit)), hasMore: rows.length > query.page.limit };
  }

  async getLatestVersions(name: string, stages: readonly ModelVersionStage[]): Promise<ModelVersionRecord[] | undefined> {
    const modelKey = await modelKeyOf(this.db, name);
    if (modelKey === undefined) return undefined;
    const latest = await latestVersions(this.db, this.dialect, [{ model_key: modelKey, name }], stages);
    return latest.get(modelKey) ?? [];
  }

  async setModelVersionTag(name: string, version: number, tag: KeyValue, events: RegistryEvents): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const modelKey = await liveVersionKey(tx, name, version);
      if (modelKey === undefined) return false;
      await tx
        .insertInto('model_version_tags')
        .values({ model_key: modelKey, version, key: tag.key, value: tag.value })
        .onConflict((oc) => oc.columns(['model_key', 'version', 'key']).doUpdateSet({ value: tag.value }))
        .execute();
      await writeEvents(tx, events({ isPrompt: await isPrompt(tx, modelKey) }));
      return true;
    });
  }

  async deleteModelVersionTag(name: string, version: number, key: string, events: RegistryEvents): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const modelKey = await liveVersionKey(tx, name, version);
      if (modelKey === undefined) return false;
      await tx.deleteFrom('model_version_tags').where('model_key', '=', modelKey).where('version', '=', version).where('key', '=', key).execute();
      await writeEvents(tx, events({ isPrompt: await isPrompt(tx, modelKey) }));
      return true;
    });
  }

  async setAlias(name: string, alias: string, version: number, events: RegistryEvents): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const modelKey = await liveVersionKey(tx, name, version);
      if (modelKey === undefined) return false;
      await tx
        .insertInto('registered_model_aliases')
        .values({ model_key: modelKey, alias, version })
        .onConflict((oc) => oc.columns(['model_key', 'alias']).doUpdateSet({ version }))
        .execute();
      await writeEvents(tx, events({ isPrompt: await isPrompt(tx, modelKey) }));
      return true;
    });
  }

  async deleteAlias(name: string, alias: string, events: RegistryEvents): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const modelKey = await modelKeyOf(tx, name);
      if (modelKey === undefined) return false;
      await tx.deleteFrom('registered_model_aliases').where('model_key', '=', modelKey).where('alias', '=', alias).execute();
      await writeEvents(tx, events({ isPrompt: await isPrompt(tx, modelKey) }));
      return true;
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined> {
    const row = await this.db
      .selectFrom('registered_model_aliases as a')
      .innerJoin('registered_models as m', 'm.model_key', 'a.model_key')
      .select('a.version')
      .where('m.name', '=', name)
      .where('a.alias', '=', alias)
      .executeTakeFirst();
    return row ? this.getModelVersion(name, Number(row.version)) : undefined;
  }

  async listRegistryEvents(afterSeq: number, limit: number): Promise<RegistryEventRecord[]> {
    const rows = await this.db.selectFrom('registry_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      entity: r.entity,
      action: r.action,
      data: JSON.parse(r.payload) as Record<string, unknown>,
      createdAt: Number(r.created_at),
    }));
  }

  /** Version rows with their model's name. */
  private versionQuery(db: Db) {
    return db.selectFrom('model_versions as mv').innerJoin('registered_models as m', 'm.model_key', 'mv.model_key').selectAll('mv').select('m.name');
  }

  private async upsertModelTags(tx: Transaction<Database>, modelKey: number, tags: KeyValue[]): Promise<void> {
    for (const part of chunks(dedupeLastWins(tags))) {
      await tx
        .insertInto('registered_model_tags')
        .values(part.map((t) => ({ model_key: modelKey, key: t.key, value: t.value })))
        .onConflict((oc) => oc.columns(['model_key', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
        .execute();
    }
  }
}
