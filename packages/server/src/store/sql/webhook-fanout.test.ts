import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends, type TestDatabase } from '../../testing/backends.js';
import type { FanOutOptions } from '../webhook-store.js';
import { createDialect } from './dialects/create-dialect.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { SqlWebhookStore } from './sql-webhook-store.js';

const T0 = 1_700_000_000_000;
const fanOutAt = (now: number, maxEvents = 100): FanOutOptions => ({
  maxEvents,
  now,
  gapTtlMs: 60_000,
  newDeliveryId: randomUUID,
  deliveryJob: (id) => ({ kind: 'webhook.delivery', payload: { delivery_id: id } }),
});
const logEvent = (db: Kysely<Database>, n: number) =>
  sql`insert into registry_events (entity, action, payload, created_at) values ('registered_model', 'created', ${JSON.stringify({ name: `m${n}` })}, ${T0})`.execute(
    db,
  );
const delivered = async (db: Kysely<Database>) =>
  (await db.selectFrom('webhook_deliveries').select('payload').execute()).map((r) => (JSON.parse(r.payload) as { name: string }).name).sort();

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'Webhook fan-out', () => {
    let database: TestDatabase;
    let dialect: SqlDialect;
    let db: Kysely<Database>;
    let store: SqlWebhookStore;
    const extra: Kysely<Database>[] = [];
    beforeEach(async () => {
      database = await backend.create();
      dialect = createDialect(database.uri);
      db = dialect.createKysely();
      await migrateToLatest(db, dialect);
      store = new SqlWebhookStore(db, dialect);
      await store.create({
        webhookId: 'w1',
        name: 'w1',
        url: 'https://hooks.example.com/',
        events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
        status: 'ACTIVE',
        secretCiphertext: null,
        creationTimestamp: T0 - 1,
        lastUpdatedTimestamp: T0 - 1,
      });
    });
    afterEach(async () => {
      await Promise.all(extra.splice(0).map((k) => k.destroy()));
      await db.destroy();
      await database.drop();
    });

    it('queues one delivery job per delivery, in the transaction that moves the cursor', async () => {
      for (let i = 0; i < 3; i++) await logEvent(db, i);
      expect(await store.fanOut(fanOutAt(T0, 2))).toEqual({ events: 2, deliveries: 2 });
      expect(await store.fanOut(fanOutAt(T0, 2))).toEqual({ events: 1, deliveries: 1 });
      expect(await store.fanOut(fanOutAt(T0, 2))).toEqual({ events: 0, deliveries: 0 });
      const jobs = await db.selectFrom('jobs').select('payload').execute();
      const ids = (await db.selectFrom('webhook_deliveries').select('delivery_id').execute()).map((r) => r.delivery_id).sort();
      expect(jobs.map((j) => (JSON.parse(j.payload) as { delivery_id: string }).delivery_id).sort()).toEqual(ids);
      expect(await delivered(db)).toEqual(['m0', 'm1', 'm2']);
    });

    it.runIf(backend.name === 'postgresql')(
      'fans out an event that commits after a later one was already fanned out (sequence numbers commit out of order)',
      async () => {
        // Transaction A takes sequence number 1 and stays open; B takes 2 and commits first.
        let commitA: () => void = () => {};
        const aMayCommit = new Promise<void>((resolve) => (commitA = resolve));
        let aInserted: () => void = () => {};
        const aHasInserted = new Promise<void>((resolve) => (aInserted = resolve));
        const a = db.transaction().execute(async (tx) => {
          await logEvent(tx, 1);
          aInserted();
          await aMayCommit;
        });
        await aHasInserted;
        await logEvent(db, 2);
        expect(await store.fanOut(fanOutAt(T0 + 1))).toEqual({ events: 1, deliveries: 1 });
        commitA();
        await a;
        expect(await store.fanOut(fanOutAt(T0 + 2))).toEqual({ events: 1, deliveries: 1 });
        expect(await delivered(db)).toEqual(['m1', 'm2']);
        // A number that never commits (rolled back) is watched for a while, then forgotten.
        await db
          .transaction()
          .execute(async (tx) => {
            await logEvent(tx, 3);
            throw new Error('roll back');
          })
          .catch(() => undefined);
        await logEvent(db, 4);
        expect(await store.fanOut(fanOutAt(T0 + 3))).toEqual({ events: 1, deliveries: 1 });
        const gaps = async () => JSON.parse((await db.selectFrom('webhook_fanout_cursor').select('gaps').executeTakeFirstOrThrow()).gaps) as unknown[];
        expect(await gaps()).toHaveLength(1);
        await store.fanOut(fanOutAt(T0 + 3 + 60_000));
        expect(await gaps()).toEqual([]);
      },
    );

    it.runIf(backend.name === 'postgresql')('fans each event out once when two servers fan out at the same time', async () => {
      for (let i = 0; i < 300; i++) await logEvent(db, i);
      const others = [0, 1, 2].map(() => {
        const k = dialect.createKysely();
        extra.push(k);
        return new SqlWebhookStore(k, dialect);
      });
      const runAll = async (s: SqlWebhookStore) => {
        let total = 0;
        for (let r; (r = await s.fanOut(fanOutAt(T0, 25))).events > 0;) total += r.deliveries;
        return total;
      };
      const totals = await Promise.all([store, ...others].map(runAll));
      expect(totals.reduce((a, b) => a + b, 0)).toBe(300);
      const names = await delivered(db);
      expect(new Set(names).size).toBe(300);
      expect(names).toHaveLength(300);
    });
  });
}
