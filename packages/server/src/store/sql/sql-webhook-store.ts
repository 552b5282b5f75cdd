import type { WebhookAction, WebhookDeliveryStatus, WebhookEntity, WebhookEvent, WebhookStatus } from '@loupe/protocol';
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type {
  DeliveryAttempt,
  DeliveryCursor,
  FanOutOptions,
  FanOutReport,
  Page,
  WebhookDeliveryRecord,
  WebhookPatch,
  WebhookRecord,
  WebhookStore,
} from '../webhook-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { insertJobs } from './job-rows.js';
import type { Database } from './schema.js';
import type { WebhookDeliveriesTable, WebhooksTable } from './webhook-schema.js';

/** Sequence numbers passed over at once that are watched for late commits; past this a jump is taken as a gap of rolled-back numbers. */
const MAX_NEW_GAPS = 1000;

interface Gap {
  seq: number;
  seen: number;
}

interface EventRow {
  seq: number;
  entity: string;
  action: string;
  payload: string;
  created_at: number;
}

/**
 * The webhooks an event goes to: subscribed to its entity and action (stored by proto name, logged
 * lowercase) and created by the time it happened (the fan-out may run a little later).
 */
function subscribers(event: EventRow, subscriptions: readonly { webhook_id: string; creation_timestamp: number; entity: string; action: string }[]): string[] {
  const at = Number(event.created_at);
  return subscriptions
    .filter((s) => s.entity.toLowerCase() === event.entity && s.action.toLowerCase() === event.action && Number(s.creation_timestamp) <= at)
    .map((s) => s.webhook_id);
}

/** A delivery row, pending and due now. */
function newDelivery(deliveryId: string, webhookId: string, event: EventRow, now: number): Selectable<WebhookDeliveriesTable> {
  return {
    delivery_id: deliveryId,
    webhook_id: webhookId,
    event_seq: Number(event.seq),
    entity: event.entity,
    action: event.action,
    payload: event.payload,
    event_time: Number(event.created_at),
    status: 'PENDING',
    attempts: 0,
    last_response_status: null,
    last_error: null,
    created_at: now,
    last_attempt_at: null,
    next_attempt_at: now,
    completed_at: null,
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  const record: WebhookDeliveryRecord = {
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    eventSeq: Number(row.event_seq),
    entity: row.entity,
    action: row.action,
    payload: row.payload,
    eventTime: Number(row.event_time),
    status: row.status as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
  };
  if (row.last_response_status !== null) record.lastResponseStatus = Number(row.last_response_status);
  if (row.last_error !== null) record.lastError = row.last_error;
  if (row.last_attempt_at !== null) record.lastAttemptAt = Number(row.last_attempt_at);
  if (row.next_attempt_at !== null) record.nextAttemptAt = Number(row.next_attempt_at);
  if (row.completed_at !== null) record.completedAt = Number(row.completed_at);
  return record;
}

/**
 * Webhooks, their deliveries and the registry-event fan-out on SQLite or PostgreSQL. The fan-out runs
 * in `RowLocking.writeTransaction` and locks the cursor row (`for update` on PostgreSQL; SQLite's
 * `begin immediate` serializes it), so servers fanning out at once take turns and never read the same
 * events twice. PostgreSQL gives sequence numbers out before commit, so a later event can commit
 * first: numbers passed over are kept in the cursor row as gaps and picked up if they commit within
 * `gapTtlMs` (a rolled-back number never does and is dropped after it).
 *
 * @example
 * const store = new SqlWebhookStore(db, dialect);
 * await store.fanOut({ maxEvents: 500, now, gapTtlMs: 60_000, newDeliveryId: randomUUID, deliveryJob });
 */
export class SqlWebhookStore implements WebhookStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async create(record: WebhookRecord): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('webhooks')
        .values({
          webhook_id: record.webhookId,
          name: record.name,
          description: record.description ?? null,
          url: record.url,
          status: record.status,
          secret_ciphertext: record.secretCiphertext,
          creation_timestamp: record.creationTimestamp,
          last_updated_timestamp: record.lastUpdatedTimestamp,
          deleted_timestamp: null,
        })
        .execute();
      await this.insertEvents(tx, record.webhookId, record.events);
    });
  }

  async get(webhookId: string): Promise<WebhookRecord | undefined> {
    const found = await this.getForDelivery(webhookId);
    if (!found || found.deleted) return undefined;
    const { deleted: _deleted, ...record } = found;
    return record;
  }

  async getForDelivery(webhookId: string): Promise<(WebhookRecord & { deleted: boolean }) | undefined> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('webhook_id', '=', webhookId).executeTakeFirst();
    if (!row) return undefined;
    const [record] = await this.hydrate(this.db, [row]);
    return { ...(record as WebhookRecord), deleted: row.deleted_timestamp !== null };
  }

  async list(offset: number, limit: number): Promise<Page<WebhookRecord>> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('deleted_timestamp', 'is', null)
      .orderBy('creation_timestamp', 'desc')
      .orderBy('webhook_id', 'desc')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return { items: await this.hydrate(this.db, rows.slice(0, limit)), hasMore: rows.length > limit };
  }

  update(webhookId: string, patch: WebhookPatch): Promise<WebhookRecord | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const set: Updateable<WebhooksTable> = { last_updated_timestamp: patch.lastUpdatedTimestamp };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.url !== undefined) set.url = patch.url;
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.secretCiphertext !== undefined) set.secret_ciphertext = patch.secretCiphertext;
      const result = await tx.updateTable('webhooks').set(set).where('webhook_id', '=', webhookId).where('deleted_timestamp', 'is', null).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      if (patch.events !== undefined) {
        await tx.deleteFrom('webhook_events').where('webhook_id', '=', webhookId).execute();
        await this.insertEvents(tx, webhookId, patch.events);
      }
      const row = await tx.selectFrom('webhooks').selectAll().where('webhook_id', '=', webhookId).executeTakeFirstOrThrow();
      return (await this.hydrate(tx, [row]))[0];
    });
  }

  async delete(webhookId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webhooks')
      .set({ deleted_timestamp: now, last_updated_timestamp: now })
      .where('webhook_id', '=', webhookId)
      .where('deleted_timestamp', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  fanOut(options: FanOutOptions): Promise<FanOutReport> {
    const { locking } = this.dialect;
    return locking.writeTransaction(this.db, async (tx) => {
      const cursor = await tx.selectFrom('webhook_fanout_cursor').selectAll().where('id', '=', 1).modifyEnd(locking.forUpdate).executeTakeFirstOrThrow();
      let lastSeq = Number(cursor.last_seq);
      const gaps = new Map<number, number>();
      for (const gap of JSON.parse(cursor.gaps) as Gap[]) if (options.now - gap.seen < options.gapTtlMs) gaps.set(gap.seq, gap.seen);
      const gapList = [...gaps.keys()];
      const { rows: events } = await sql<EventRow>`select seq, entity, action, payload, created_at from registry_events
        where seq > ${lastSeq}${gapList.length > 0 ? sql` or seq in (${sql.join(gapList)})` : sql``}
        order by seq limit ${options.maxEvents}`.execute(tx);
      if (events.length === 0 && gaps.size === JSON.parse(cursor.gaps).length) return { events: 0, deliveries: 0 };

      const subscriptions = await tx
        .selectFrom('webhooks as w')
        .innerJoin('webhook_events as e', 'e.webhook_id', 'w.webhook_id')
        .select(['w.webhook_id', 'w.creation_timestamp', 'e.entity', 'e.action'])
        .where('w.status', '=', 'ACTIVE')
        .where('w.deleted_timestamp', 'is', null)
        .execute();
      const deliveries: Selectable<WebhookDeliveriesTable>[] = [];
      for (const event of events) {
        const seq = Number(event.seq);
        if (seq <= lastSeq) {
          gaps.delete(seq);
        } else {
          for (let missing = lastSeq + 1; missing < seq && missing <= lastSeq + MAX_NEW_GAPS; missing++) gaps.set(missing, options.now);
          lastSeq = seq;
        }
        for (const webhookId of subscribers(event, subscriptions)) deliveries.push(newDelivery(options.newDeliveryId(), webhookId, event, options.now));
      }
      for (let i = 0; i < deliveries.length; i += 200)
        await tx
          .insertInto('webhook_deliveries')
          .values(deliveries.slice(i, i + 200))
          .execute();
      await insertJobs(
        tx,
        deliveries.map((d) => options.deliveryJob(d.delivery_id)),
        options.now,
      );
      await tx
        .updateTable('webhook_fanout_cursor')
        .set({ last_seq: lastSeq, gaps: JSON.stringify([...gaps].map(([seq, seen]) => ({ seq, seen }))) })
        .where('id', '=', 1)
        .execute();
      return { events: events.length, deliveries: deliveries.length };
    });
  }

  async getDelivery(deliveryId: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('delivery_id', '=', deliveryId).executeTakeFirst();
    return row ? toDelivery(row) : undefined;
  }

  async recordAttempt(deliveryId: string, attempt: DeliveryAttempt): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: attempt.status,
        attempts: attempt.attempts,
        last_response_status: attempt.lastResponseStatus ?? null,
        last_error: attempt.lastError ?? null,
        last_attempt_at: attempt.lastAttemptAt ?? null,
        next_attempt_at: attempt.nextAttemptAt ?? null,
        completed_at: attempt.completedAt ?? null,
      })
      .where('delivery_id', '=', deliveryId)
      .execute();
  }

  async listDeliveries(webhookId: string, limit: number, after?: DeliveryCursor): Promise<Page<WebhookDeliveryRecord>> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('delivery_id', '<', after.deliveryId)])]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('delivery_id', 'desc')
      .limit(limit + 1)
      .execute();
    return { items: rows.slice(0, limit).map(toDelivery), hasMore: rows.length > limit };
  }

  private async insertEvents(tx: Kysely<Database>, webhookId: string, events: readonly WebhookEvent[]): Promise<void> {
    const seen = new Set<string>();
    const rows = events.flatMap((e, position) => {
      const key = `${e.entity}.${e.action}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ webhook_id: webhookId, entity: e.entity, action: e.action, position }];
    });
    if (rows.length > 0) await tx.insertInto('webhook_events').values(rows).execute();
  }

  private async hydrate(db: Kysely<Database>, rows: Selectable<WebhooksTable>[]): Promise<WebhookRecord[]> {
    if (rows.length === 0) return [];
    const events = await db
      .selectFrom('webhook_events')
      .selectAll()
      .where(
        'webhook_id',
        'in',
        rows.map((r) => r.webhook_id),
      )
      .orderBy('position')
      .execute();
    const byWebhook = new Map<string, WebhookEvent[]>();
    for (const e of events) {
      const list = byWebhook.get(e.webhook_id) ?? [];
      list.push({ entity: e.entity as WebhookEntity, action: e.action as WebhookAction });
      byWebhook.set(e.webhook_id, list);
    }
    return rows.map((row) => {
      const record: WebhookRecord = {
        webhookId: row.webhook_id,
        name: row.name,
        url: row.url,
        events: byWebhook.get(row.webhook_id) ?? [],
        status: row.status as WebhookStatus,
        secretCiphertext: row.secret_ciphertext,
        creationTimestamp: Number(row.creation_timestamp),
        lastUpdatedTimestamp: Number(row.last_updated_timestamp),
      };
      if (row.description !== null) record.description = row.description;
      return record;
    });
  }
}
