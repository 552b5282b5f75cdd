import { afterEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends, type TestBackend } from '../../testing/backends.js';
import type { BudgetAlertCheck, GatewayUsageRecord } from '../gateway-usage-store.js';
import { createDialect } from './dialects/create-dialect.js';
import { migrateToLatest } from './migrate.js';
import { SqlGatewayUsageStore } from './sql-gateway-usage-store.js';

const DAY = 86_400_000;
const T0 = 20_000 * DAY;

let n = 0;
const usage = (over: Partial<GatewayUsageRecord> = {}): GatewayUsageRecord => ({
  usageId: `u-${++n}`,
  endpointId: 'e-1',
  endpointName: 'chat',
  username: 'alice',
  status: 'OK',
  totalCost: 1,
  createdAt: T0 + 1000,
  ...over,
});

const alert = (over: Partial<BudgetAlertCheck> = {}): BudgetAlertCheck => ({
  budgetPolicyId: 'bp-1',
  scope: { targetScope: 'ENDPOINT', targetValue: 'e-1' },
  windowStartMs: T0,
  windowEndMs: T0 + DAY,
  limit: 2,
  payload: (spend) => ({ budget_policy_id: 'bp-1', current_spend: spend }),
  ...over,
});

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'SqlGatewayUsageStore', () => {
    const open: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const dispose of open.splice(0)) await dispose();
    });

    async function storeOn(b: TestBackend) {
      const database = await b.create();
      const dialect = createDialect(database.uri);
      const db = dialect.createKysely();
      await migrateToLatest(db, dialect);
      open.push(async () => {
        await db.destroy();
        await database.drop();
      });
      return { store: new SqlGatewayUsageStore(db), db };
    }

    it('sums the spend of a scope in a window: all usage, one endpoint, one user', async () => {
      const { store } = await storeOn(backend);
      await store.recordUsage(usage({ totalCost: 0.5 }), []);
      await store.recordUsage(usage({ totalCost: 0.25, endpointId: 'e-2', username: 'bob' }), []);
      await store.recordUsage(usage({ totalCost: 4, createdAt: T0 + DAY }), []); // the next window
      await store.recordUsage(usage({ totalCost: 8, createdAt: T0 - 1 }), []); // the one before
      expect(await store.spend({ targetScope: 'GLOBAL' }, T0, T0 + DAY)).toBeCloseTo(0.75);
      expect(await store.spend({ targetScope: 'ENDPOINT', targetValue: 'e-2' }, T0, T0 + DAY)).toBeCloseTo(0.25);
      expect(await store.spend({ targetScope: 'USER', targetValue: 'alice' }, T0, T0 + DAY)).toBeCloseTo(0.5);
      expect(await store.spend({ targetScope: 'USER', targetValue: 'carol' }, T0, T0 + DAY)).toBe(0);
    });

    it('writes the exceeded event with the usage that crossed the limit, once per window', async () => {
      const { store, db } = await storeOn(backend);
      expect(await store.recordUsage(usage({ totalCost: 1.5 }), [alert()])).toEqual([]);
      expect(await store.recordUsage(usage({ totalCost: 1 }), [alert()])).toEqual(['bp-1']);
      expect(await store.recordUsage(usage({ totalCost: 1 }), [alert()])).toEqual([]);
      // Usage of another endpoint does not count against this one's budget.
      expect(
        await store.recordUsage(usage({ endpointId: 'e-2', totalCost: 9 }), [
          alert({ budgetPolicyId: 'bp-2', scope: { targetScope: 'ENDPOINT', targetValue: 'e-3' } }),
        ]),
      ).toEqual([]);
      // The next window has a limit of its own.
      const next = alert({ windowStartMs: T0 + DAY, windowEndMs: T0 + 2 * DAY });
      expect(await store.recordUsage(usage({ totalCost: 3, createdAt: T0 + DAY + 5 }), [next])).toEqual(['bp-1']);
      const events = await db.selectFrom('registry_events').selectAll().orderBy('seq').execute();
      expect(events.map((e) => [e.entity, e.action, JSON.parse(e.payload)])).toEqual([
        ['budget_policy', 'exceeded', { budget_policy_id: 'bp-1', current_spend: 2.5 }],
        ['budget_policy', 'exceeded', { budget_policy_id: 'bp-1', current_spend: 3 }],
      ]);
    });

    it('writes no event for a call that cost nothing (a failure, an unpriced model)', async () => {
      const { store, db } = await storeOn(backend);
      await store.recordUsage(usage({ totalCost: 5 }), []);
      expect(await store.recordUsage(usage({ totalCost: 0, status: 'ERROR' }), [alert()])).toEqual([]);
      expect(await db.selectFrom('registry_events').selectAll().execute()).toEqual([]);
    });
  });
}
