import type { ReviewItemType, ReviewStatus } from '@loupe/protocol';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type {
  ItemStatusChange,
  LabelSchemaPatch,
  LabelSchemaRecord,
  ReviewItemRecord,
  ReviewProgressRecord,
  ReviewQueueRecord,
  ReviewStore,
} from '../review-store.js';
import type { Page, PageRequest } from '../tracking-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { inputColumns, labelSchemaRow, toLabelSchema, toReviewItem, toReviewQueue } from './review-rows.js';
import type { LabelSchemasTable, ReviewQueuesTable } from './review-schema.js';
import type { Database } from './schema.js';

/** Experiment ids are integers here; anything else names no experiment. */
function experimentKey(experimentId: string): number | undefined {
  return /^\d{1,15}$/.test(experimentId) ? Number(experimentId) : undefined;
}

function paged<T>(rows: T[], page: PageRequest): Page<T> {
  return { items: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/**
 * Label schemas and review queues on SQLite or PostgreSQL. Name clashes are found by the unique
 * constraints (so two servers racing for one name cannot both win). Attaching items locks the queue
 * row (`for update`; SQLite's single writer) so attach order numbers are handed out once.
 *
 * @example
 * const review = new SqlReviewStore(db, dialect);
 * await review.addReviewItems(queueId, 'TRACE', ['tr-1'], Date.now());
 */
export class SqlReviewStore implements ReviewStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async createLabelSchema(record: LabelSchemaRecord): Promise<'created' | 'taken'> {
    try {
      await this.db.insertInto('label_schemas').values(labelSchemaRow(record)).execute();
      return 'created';
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async getLabelSchema(schemaId: string): Promise<LabelSchemaRecord | undefined> {
    const row = await this.db.selectFrom('label_schemas').selectAll().where('schema_id', '=', schemaId).executeTakeFirst();
    return row && toLabelSchema(row);
  }

  async getLabelSchemaByName(experimentId: string, name: string): Promise<LabelSchemaRecord | undefined> {
    const key = experimentKey(experimentId);
    if (key === undefined) return undefined;
    const row = await this.db.selectFrom('label_schemas').selectAll().where('experiment_id', '=', key).where('name', '=', name).executeTakeFirst();
    return row && toLabelSchema(row);
  }

  async listLabelSchemas(experimentId: string, page: PageRequest): Promise<Page<LabelSchemaRecord>> {
    const key = experimentKey(experimentId);
    if (key === undefined) return { items: [], hasMore: false };
    const rows = await this.db
      .selectFrom('label_schemas')
      .selectAll()
      .where('experiment_id', '=', key)
      .orderBy('created_time')
      .orderBy('name')
      .limit(page.limit + 1)
      .offset(page.offset)
      .execute();
    return paged(rows.map(toLabelSchema), page);
  }

  async updateLabelSchema(schemaId: string, patch: LabelSchemaPatch): Promise<LabelSchemaRecord | 'taken' | undefined> {
    const set: Updateable<LabelSchemasTable> = { last_update_time: patch.lastUpdateTime };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.instruction !== undefined) set.instruction = patch.instruction;
    if (patch.enableComment !== undefined) set.enable_comment = patch.enableComment ? 1 : 0;
    if (patch.input !== undefined) Object.assign(set, inputColumns(patch.input));
    try {
      await this.db.updateTable('label_schemas').set(set).where('schema_id', '=', schemaId).execute();
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
    return this.getLabelSchema(schemaId);
  }

  async deleteLabelSchema(schemaId: string): Promise<void> {
    // The queue links go by their foreign key's cascade.
    await this.db.deleteFrom('label_schemas').where('schema_id', '=', schemaId).execute();
  }

  async labelSchemaIdsOf(experimentId: string, schemaIds: readonly string[]): Promise<Set<string>> {
    const key = experimentKey(experimentId);
    if (key === undefined || schemaIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('label_schemas')
      .select('schema_id')
      .where('experiment_id', '=', key)
      .where('schema_id', 'in', [...schemaIds])
      .execute();
    return new Set(rows.map((r) => r.schema_id));
  }

  async createReviewQueue(record: ReviewQueueRecord): Promise<'created' | 'taken'> {
    try {
      await this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('review_queues')
          .values({
            queue_id: record.queueId,
            experiment_id: Number(record.experimentId),
            name: record.name,
            name_key: record.name.toLowerCase(),
            queue_type: record.queueType,
            created_by: record.createdBy ?? null,
            creation_time_ms: record.creationTime,
            last_update_time_ms: record.lastUpdateTime,
          })
          .execute();
        await this.replaceAssociations(tx, record.queueId, { users: record.users, schemaIds: record.schemaIds });
      });
      return 'created';
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async getReviewQueue(queueId: string): Promise<ReviewQueueRecord | undefined> {
    const row = await this.db.selectFrom('review_queues').selectAll().where('queue_id', '=', queueId).executeTakeFirst();
    return row && (await this.hydrate(this.db, [row]))[0];
  }

  async getReviewQueueByName(experimentId: string, name: string): Promise<ReviewQueueRecord | undefined> {
    const key = experimentKey(experimentId);
    if (key === undefined) return undefined;
    const row = await this.db
      .selectFrom('review_queues')
      .selectAll()
      .where('experiment_id', '=', key)
      .where('name_key', '=', name.toLowerCase())
      .executeTakeFirst();
    return row && (await this.hydrate(this.db, [row]))[0];
  }

  async listReviewQueues(experimentId: string, user: string | undefined, page: PageRequest): Promise<Page<ReviewQueueRecord>> {
    const key = experimentKey(experimentId);
    if (key === undefined) return { items: [], hasMore: false };
    let query = this.db.selectFrom('review_queues').selectAll().where('experiment_id', '=', key);
    if (user !== undefined) {
      query = query.where('queue_id', 'in', (eb) => eb.selectFrom('review_queue_users').select('queue_id').where('user_id', '=', user));
    }
    const rows = await query
      .orderBy('creation_time_ms', 'desc')
      .orderBy('queue_id', 'desc')
      .limit(page.limit + 1)
      .offset(page.offset)
      .execute();
    return paged(await this.hydrate(this.db, rows), page);
  }

  async updateReviewQueue(queueId: string, change: { users?: string[]; schemaIds?: string[]; now: number }): Promise<ReviewQueueRecord | undefined> {
    const updated = await this.db.transaction().execute(async (tx) => {
      const result = await tx.updateTable('review_queues').set({ last_update_time_ms: change.now }).where('queue_id', '=', queueId).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await this.replaceAssociations(tx, queueId, change);
      return true;
    });
    return updated ? this.getReviewQueue(queueId) : undefined;
  }

  async deleteReviewQueue(queueId: string): Promise<void> {
    // Users, schema links and items go by their foreign keys' cascades.
    await this.db.deleteFrom('review_queues').where('queue_id', '=', queueId).execute();
  }

  async addReviewItems(queueId: string, itemType: ReviewItemType, itemIds: readonly string[], now: number): Promise<ReviewItemRecord[]> {
    const { locking } = this.dialect;
    return locking.writeTransaction(this.db, async (tx) => {
      await tx.selectFrom('review_queues').select('queue_id').where('queue_id', '=', queueId).modifyEnd(locking.forUpdate).execute();
      const existing = await tx
        .selectFrom('review_queue_items')
        .selectAll()
        .where('queue_id', '=', queueId)
        .where('item_id', 'in', [...itemIds])
        .execute();
      const byId = new Map(existing.map((row) => [row.item_id, toReviewItem(row)]));
      const fresh = itemIds.filter((id) => !byId.has(id));
      if (fresh.length > 0) {
        const top = await tx
          .selectFrom('review_queue_items')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('queue_id', '=', queueId)
          .executeTakeFirst();
        const base = Number(top?.seq ?? 0);
        // Newest-attached first; within one call, in request order (the first requested gets the highest number).
        const rows = fresh.map((itemId, i) => ({
          queue_id: queueId,
          item_type: itemType,
          item_id: itemId,
          status: 'PENDING',
          completed_by: null,
          completed_time_ms: null,
          creation_time_ms: now,
          last_update_time_ms: now,
          seq: base + fresh.length - i,
        }));
        await tx.insertInto('review_queue_items').values(rows).execute();
        for (const row of rows) byId.set(row.item_id, toReviewItem(row));
      }
      return itemIds.map((id) => byId.get(id) as ReviewItemRecord);
    });
  }

  async removeReviewItems(queueId: string, itemIds: readonly string[]): Promise<void> {
    if (itemIds.length === 0) return;
    await this.db
      .deleteFrom('review_queue_items')
      .where('queue_id', '=', queueId)
      .where('item_id', 'in', [...itemIds])
      .execute();
  }

  async listReviewItems(queueId: string, status: ReviewStatus | undefined, page: PageRequest): Promise<Page<ReviewItemRecord>> {
    let query = this.db.selectFrom('review_queue_items').selectAll().where('queue_id', '=', queueId);
    if (status !== undefined) query = query.where('status', '=', status);
    const rows = await query
      .orderBy('seq', 'desc')
      .limit(page.limit + 1)
      .offset(page.offset)
      .execute();
    return paged(rows.map(toReviewItem), page);
  }

  async setReviewItemStatus(queueId: string, itemId: string, change: ItemStatusChange): Promise<ReviewItemRecord | undefined> {
    const done = change.status !== 'PENDING';
    const result = await this.db
      .updateTable('review_queue_items')
      .set({
        status: change.status,
        completed_by: done ? (change.completedBy ?? null) : null,
        completed_time_ms: done ? change.now : null,
        last_update_time_ms: change.now,
      })
      .where('queue_id', '=', queueId)
      .where('item_id', '=', itemId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    const row = await this.db.selectFrom('review_queue_items').selectAll().where('queue_id', '=', queueId).where('item_id', '=', itemId).executeTakeFirst();
    return row && toReviewItem(row);
  }

  async reviewProgress(queueIds: readonly string[]): Promise<ReviewProgressRecord[]> {
    if (queueIds.length === 0) return [];
    const queues = await this.db
      .selectFrom('review_queues')
      .select('queue_id')
      .where('queue_id', 'in', [...queueIds])
      .execute();
    const counts = await this.db
      .selectFrom('review_queue_items')
      .select(['queue_id', 'status', (eb) => eb.fn.countAll().as('n')])
      .where('queue_id', 'in', [...queueIds])
      .groupBy(['queue_id', 'status'])
      .execute();
    const known = new Set(queues.map((q) => q.queue_id));
    return [...new Set(queueIds)]
      .filter((id) => known.has(id))
      .map((queueId) => {
        const of = (status: ReviewStatus) => Number(counts.find((c) => c.queue_id === queueId && c.status === status)?.n ?? 0);
        const progress = { queueId, pending: of('PENDING'), complete: of('COMPLETE'), declined: of('DECLINED') };
        return { ...progress, total: progress.pending + progress.complete + progress.declined };
      });
  }

  /** Replaces the association sets given (in their order). */
  private async replaceAssociations(tx: Kysely<Database>, queueId: string, change: { users?: string[]; schemaIds?: string[] }): Promise<void> {
    if (change.users !== undefined) {
      await tx.deleteFrom('review_queue_users').where('queue_id', '=', queueId).execute();
      if (change.users.length > 0) {
        await tx
          .insertInto('review_queue_users')
          .values(change.users.map((user_id, position) => ({ queue_id: queueId, user_id, position })))
          .execute();
      }
    }
    if (change.schemaIds !== undefined) {
      await tx.deleteFrom('review_queue_label_schemas').where('queue_id', '=', queueId).execute();
      if (change.schemaIds.length > 0) {
        await tx
          .insertInto('review_queue_label_schemas')
          .values(change.schemaIds.map((schema_id, position) => ({ queue_id: queueId, schema_id, position })))
          .execute();
      }
    }
  }

  private async hydrate(db: Kysely<Database>, rows: Selectable<ReviewQueuesTable>[]): Promise<ReviewQueueRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.queue_id);
    const [users, schemas] = await Promise.all([
      db.selectFrom('review_queue_users').selectAll().where('queue_id', 'in', ids).orderBy('position').execute(),
      db.selectFrom('review_queue_label_schemas').selectAll().where('queue_id', 'in', ids).orderBy('position').execute(),
    ]);
    return rows.map((row) =>
      toReviewQueue(
        row,
        users.filter((u) => u.queue_id === row.queue_id).map((u) => u.user_id),
        schemas.filter((s) => s.queue_id === row.queue_id).map((s) => s.schema_id),
      ),
    );
  }
}
