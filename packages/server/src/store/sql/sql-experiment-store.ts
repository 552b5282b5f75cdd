import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { ApiError, type ExperimentFilterEntity, type Filter, type KeyValue, type LifecycleStage, type OrderBy, type ViewType } from '@loupe/protocol';
import type { ExperimentRecord, ExperimentStore, NewExperiment, Page, PageRequest } from '../tracking-store.js';
import { compileComparison } from './compile-comparison.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database, ExperimentsTable } from './schema.js';
import { lifecycleStages, toDbId } from './sql-ids.js';
import { translateInputErrors } from './translate-input-errors.js';

type ExperimentRow = Omit<ExperimentsTable, 'experiment_id'> & { experiment_id: number };

const ORDER_COLUMNS: Record<string, string> = {
  name: 'e.name',
  experiment_id: 'e.experiment_id',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};

/**
 * Experiments on SQLite or PostgreSQL.
 *
 * @example
 * const store = new SqlExperimentStore(db, dialect);
 * const id = await store.createExperiment({ name: 'demo', artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: Date.now() });
 */
export class SqlExperimentStore implements ExperimentStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async createExperiment(input: NewExperiment): Promise<string> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const row = await tx
          .insertInto('experiments')
          .values({
            name: input.name,
            artifact_location: typeof input.artifactLocation === 'string' ? input.artifactLocation : '',
            lifecycle_stage: 'active',
            creation_time: input.now,
            last_update_time: input.now,
          })
          .returning('experiment_id')
          .executeTakeFirstOrThrow();
        const id = String(row.experiment_id);
        if (typeof input.artifactLocation === 'function') {
          await tx
            .updateTable('experiments')
            .set({ artifact_location: input.artifactLocation(id) })
            .where('experiment_id', '=', row.experiment_id)
            .execute();
        }
        const tags = dedupeLastWins(input.tags);
        if (tags.length > 0) {
          await tx
            .insertInto('experiment_tags')
            .values(tags.map((t) => ({ experiment_id: row.experiment_id, key: t.key, value: t.value })))
            .execute();
        }
        return id;
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) throw ApiError.alreadyExists(`Experiment '${input.name}' already exists.`);
      throw err;
    }
  }

  async getExperiment(experimentId: string): Promise<ExperimentRecord | undefined> {
    const id = toDbId(experimentId);
    if (id === undefined) return undefined;
    const row = await this.db.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
    return row ? (await this.hydrate([row]))[0] : undefined;
  }

  async getExperimentByName(name: string): Promise<ExperimentRecord | undefined> {
    const row = await this.db
      .selectFrom('experiments')
      .selectAll()
      .where('name', '=', name)
      .orderBy(sql`case when lifecycle_stage = 'active' then 0 else 1 end`)
      .executeTakeFirst();
    return row ? (await this.hydrate([row]))[0] : undefined;
  }

  async searchExperiments(query: {
    viewType: ViewType;
    filter: Filter<ExperimentFilterEntity>;
    orderBy: OrderBy<ExperimentFilterEntity>[];
    page: PageRequest;
  }): Promise<Page<ExperimentRecord>> {
    let q = this.db.selectFrom('experiments as e').selectAll('e').where('e.lifecycle_stage', 'in', lifecycleStages(query.viewType));
    for (const c of query.filter) {
      q = q.where(() => this.compileClause(c));
    }
    const orderBy = query.orderBy.length > 0 ? query.orderBy : [{ entity: 'attribute' as const, key: 'creation_time', ascending: false }];
    for (const o of orderBy) {
      const column = ORDER_COLUMNS[o.key];
      if (!column) throw ApiError.invalid(`Invalid order_by key '${o.key}' for experiments.`);
      q = q.orderBy(sql.ref(column), o.ascending ? 'asc' : 'desc');
    }
    if (!orderBy.some((o) => o.key === 'experiment_id')) q = q.orderBy('e.experiment_id', 'asc');
    const page = q.limit(query.page.limit + 1).offset(query.page.offset);
    const rows = await translateInputErrors(this.dialect, () => page.execute());
    const hasMore = rows.length > query.page.limit;
    return { items: await this.hydrate(rows.slice(0, query.page.limit)), hasMore };
  }

  async setExperimentLifecycle(experimentId: string, stage: LifecycleStage, now: number): Promise<void> {
    const id = this.requireId(experimentId);
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('experiments').set({ lifecycle_stage: stage, last_update_time: now }).where('experiment_id', '=', id).execute();
      await tx
        .updateTable('runs')
        .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
        .where('experiment_id', '=', id)
        .execute();
    });
  }

  async renameExperiment(experimentId: string, newName: string, now: number): Promise<void> {
    try {
      await this.db
        .updateTable('experiments')
        .set({ name: newName, last_update_time: now })
        .where('experiment_id', '=', this.requireId(experimentId))
        .execute();
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) throw ApiError.alreadyExists(`Experiment '${newName}' already exists.`);
      throw err;
    }
  }

  async setExperimentTag(experimentId: string, tag: KeyValue): Promise<void> {
    await this.db
      .insertInto('experiment_tags')
      .values({ experiment_id: this.requireId(experimentId), key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('experiment_tags')
      .where('experiment_id', '=', this.requireId(experimentId))
      .where('key', '=', key)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  private requireId(experimentId: string): number {
    const id = toDbId(experimentId);
    if (id === undefined) throw ApiError.notFound(`No Experiment with id=${experimentId} exists`);
    return id;
  }

  private compileClause(c: Filter<ExperimentFilterEntity>[number]): Expression<SqlBool> {
    if (c.entity === 'tag') {
      const inner = this.db
        .selectFrom('experiment_tags as t')
        .select(sql.lit(1).as('one'))
        .where('t.experiment_id', '=', sql.ref<number>('e.experiment_id'))
        .where('t.key', '=', c.key)
        .where(() => compileComparison(this.dialect, sql.ref('t.value'), c.op, c.value));
      // Kysely parenthesizes an interpolated subquery itself; SQLite rejects `exists ((...))`.
      return sql<SqlBool>`exists ${inner}`;
    }
    const column = ORDER_COLUMNS[c.key];
    if (!column || c.key === 'experiment_id') throw ApiError.invalid(`Invalid attribute key '${c.key}' specified.`);
    return compileComparison(this.dialect, sql.ref(column), c.op, c.value);
  }

  private async hydrate(rows: ExperimentRow[]): Promise<ExperimentRecord[]> {
    if (rows.length === 0) return [];
    const tags = await this.db
      .selectFrom('experiment_tags')
      .select(['experiment_id', 'key', 'value'])
      .where(
        'experiment_id',
        'in',
        rows.map((r) => r.experiment_id),
      )
      .orderBy('key')
      .execute();
    const byExperiment = new Map<number, KeyValue[]>();
    for (const t of tags) {
      const list = byExperiment.get(Number(t.experiment_id)) ?? [];
      list.push({ key: t.key, value: t.value });
      byExperiment.set(Number(t.experiment_id), list);
    }
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: r.name,
      artifactLocation: r.artifact_location,
      lifecycleStage: r.lifecycle_stage as LifecycleStage,
      lastUpdateTime: Number(r.last_update_time),
      creationTime: Number(r.creation_time),
      tags: byExperiment.get(Number(r.experiment_id)) ?? [],
    }));
  }
}

/** Keeps the last value of each key, in first-seen key order. */
export function dedupeLastWins(tags: KeyValue[]): KeyValue[] {
  const map = new Map<string, string>();
  for (const t of tags) map.set(t.key, t.value);
  return [...map].map(([key, value]) => ({ key, value }));
}
