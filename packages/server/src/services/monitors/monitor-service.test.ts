import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { resolveServerConfig } from '../../config/config.js';
import { createLoupe, type Loupe } from '../../main.js';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { TestClock } from '../../testing/test-clock.js';
import { createDialect } from '../../store/sql/dialects/create-dialect.js';
import { SqlMonitorStore } from '../../store/sql/sql-monitor-store.js';
import { startWebhookReceiver } from '../webhooks/testing/webhook-receiver.js';
import { MonitorService, type EvaluationOutcome } from './monitor-service.js';
import type { TraceMetricsSource } from './monitor-measure.js';
import { callOk, logTraces } from './testing/monitor-fixtures.js';

const SECRET = 'whsec-monitors';
const MINUTE = 60_000;

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'Monitor evaluation', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    async function start(): Promise<{ loupe: Loupe; clock: TestClock; uri: string; exp: string }> {
      const db = await backend.create();
      cleanup.push(() => db.drop());
      const clock = new TestClock(1_700_000_000_000);
      const opened = await open(db.uri, clock);
      // Closed by the restart test itself, or else at the end: once either way.
      let closing: Promise<void> | undefined;
      const loupe: Loupe = { ...opened, close: () => (closing ??= opened.close()) };
      cleanup.push(() => loupe.close());
      const exp = (await callOk(loupe.app, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'prod' })).experiment_id as string;
      return { loupe, clock, uri: db.uri, exp };
    }

    /** A server on the database (each call another one, as after a restart or beside the first). */
    function open(uri: string, clock: TestClock): Promise<Loupe> {
      const config = resolveServerConfig(
        {
          backendStoreUri: uri,
          secretKey: 'monitor-test-key-0123456789abcdef',
          webhookAllowPrivateIps: true,
          webhookAllowedSchemes: ['http'],
          uiRoot: null,
          otlpDecodeThreads: 0,
        },
        {},
      );
      return createLoupe(config, { clock, checkResponses: true, resolveHost: async () => [{ address: '127.0.0.1', family: 4 }] });
    }

    /** One scheduler round and the jobs it queued, as a server's background loops would run them. */
    async function tick(loupe: Loupe): Promise<number> {
      const queued = await loupe.monitorScheduler.runOnce();
      await loupe.jobs.runDue();
      return queued;
    }

    it('alerts once when errors push the error rate over the threshold, resolves once on recovery, and says NO_DATA on too few traces', async () => {
      const { loupe, clock, exp } = await start();
      const receiver = await startWebhookReceiver(SECRET);
      cleanup.push(() => receiver.close());
      await callOk(loupe.app, 'POST', '/api/2.0/mlflow/webhooks', {
        name: 'alerts',
        url: receiver.url,
        secret: SECRET,
        events: [
          { entity: 'MONITOR', action: 'ALERTED' },
          { entity: 'monitor', action: 'resolved' },
        ],
      });
      const { monitor } = (await callOk(loupe.app, 'POST', '/api/2.0/loupe/monitors', {
        experiment_id: exp,
        name: 'errors',
        metric: 'error_rate',
        comparator: '>',
        threshold: 0.2,
        window_ms: 5 * MINUTE,
        interval_ms: MINUTE,
        min_samples: 4,
      })) as { monitor: { monitor_id: string } };
      const id = monitor.monitor_id;
      const get = async () => (await callOk(loupe.app, 'GET', `/api/2.0/loupe/monitors/${id}`)).monitor as Record<string, unknown>;
      const events = async () => ((await callOk(loupe.app, 'GET', `/api/2.0/loupe/monitors/${id}/events`)).events ?? []) as Record<string, unknown>[];
      const deliver = async () => {
        await loupe.webhookDispatcher.runOnce();
        await loupe.jobs.runDue();
      };

      // Three traces, one failed: below min_samples, so NO_DATA (the state it starts in: no change, no event).
      await logTraces(loupe.app, exp, [{ at: clock.now() - MINUTE, state: 'ERROR' }, { at: clock.now() - MINUTE }, { at: clock.now() - MINUTE }]);
      expect(await tick(loupe)).toBe(1);
      expect(await get()).toMatchObject({ state: 'NO_DATA', last_value: 1 / 3, last_sample_count: 3, last_evaluated_timestamp: clock.now() });
      // Not due again until the interval has passed.
      expect(await tick(loupe)).toBe(0);

      // Two more errors: 3 of 5 failed, over 0.2.
      await logTraces(loupe.app, exp, [
        { at: clock.now() - 1000, state: 'ERROR' },
        { at: clock.now() - 1000, state: 'ERROR' },
      ]);
      clock.advance(MINUTE);
      expect(await tick(loupe)).toBe(1);
      expect(await get()).toMatchObject({ state: 'ALERT', last_value: 0.6, last_sample_count: 5, state_changed_timestamp: clock.now() });
      await deliver();
      expect(receiver.received).toHaveLength(1);
      const alerted = JSON.parse(receiver.received[0]!.body) as Record<string, unknown>;
      expect(receiver.received[0]!.signatureValid).toBe(true);
      expect(alerted).toMatchObject({
        entity: 'monitor',
        action: 'alerted',
        data: {
          monitor_id: id,
          experiment_id: exp,
          name: 'errors',
          metric: 'error_rate',
          comparator: '>',
          threshold: 0.2,
          from_state: 'NO_DATA',
          to_state: 'ALERT',
          value: 0.6,
          sample_count: 5,
          evaluated_at: clock.now(),
        },
      });

      // Still failing a minute later: no new event, no second webhook.
      clock.advance(MINUTE);
      expect(await tick(loupe)).toBe(1);
      await deliver();
      expect(receiver.received).toHaveLength(1);
      expect(await events()).toHaveLength(1);

      // The failures leave the window; healthy traffic comes in: OK, one `resolved`.
      clock.advance(5 * MINUTE);
      await logTraces(
        loupe.app,
        exp,
        [0, 1, 2, 3, 4].map(() => ({ at: clock.now() - 1000 })),
      );
      expect(await tick(loupe)).toBe(1);
      expect(await get()).toMatchObject({ state: 'OK', last_value: 0, last_sample_count: 5 });
      await deliver();
      expect(receiver.received).toHaveLength(2);
      expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({
        entity: 'monitor',
        action: 'resolved',
        data: { from_state: 'ALERT', to_state: 'OK', value: 0 },
      });

      // Traffic stops: NO_DATA, recorded in the history, but leaving OK fires nothing.
      clock.advance(10 * MINUTE);
      expect(await tick(loupe)).toBe(1);
      expect(await get()).toMatchObject({ state: 'NO_DATA', last_sample_count: 0 });
      expect(await get()).not.toHaveProperty('last_value');
      await deliver();
      expect(receiver.received).toHaveLength(2);
      expect((await events()).map((e) => `${e.from_state}->${e.to_state}`)).toEqual(['OK->NO_DATA', 'ALERT->OK', 'NO_DATA->ALERT']);
    });

    it('lets one of two evaluators that read the same version record the transition and its webhook event', async () => {
      const { loupe, uri, exp } = await start();
      await logTraces(loupe.app, exp, [{ at: 1_700_000_000_000 - 1000, state: 'ERROR' }]);
      const { monitor } = (await callOk(loupe.app, 'POST', '/api/2.0/loupe/monitors', {
        experiment_id: exp,
        name: 'race',
        metric: 'error_rate',
        comparator: '>=',
        threshold: 0.5,
        window_ms: 5 * MINUTE,
      })) as { monitor: { monitor_id: string } };
      // A second server: its own connection pool on PostgreSQL (SQLite: see openSqlStores, one connection).
      const dialect = createDialect(uri);
      const otherDb = backend.name === 'postgresql' ? dialect.createKysely() : loupe.db;
      if (otherDb !== loupe.db) cleanup.push(() => otherDb.destroy());
      // Both measure before either records: the barrier holds each until the other has read the monitor too.
      let arrived = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      const gated: TraceMetricsSource = {
        metrics: async (req) => {
          if (++arrived === 2) release();
          await bothRead;
          return loupe.services.traces.metrics(req);
        },
      };
      const clock = new TestClock(1_700_000_000_000);
      const services = [loupe.db, otherDb].map(
        (db) =>
          new MonitorService({
            store: new SqlMonitorStore(db, db === loupe.db ? createDialect(uri) : dialect),
            experiments: loupe.services.experiments,
            traces: gated,
            clock,
            newId: randomUUID,
          }),
      );
      const outcomes: EvaluationOutcome[] = await Promise.all(services.map((s) => s.evaluate(monitor.monitor_id)));
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['recorded', 'superseded']);
      const events = (await callOk(loupe.app, 'GET', `/api/2.0/loupe/monitors/${monitor.monitor_id}/events`)).events as unknown[];
      expect(events).toHaveLength(1);
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from registry_events where entity = 'monitor'`.execute(loupe.db);
      expect(Number(rows[0]!.n)).toBe(1);
      expect((await callOk(loupe.app, 'GET', `/api/2.0/loupe/monitors/${monitor.monitor_id}`)).monitor).toMatchObject({ state: 'ALERT', last_value: 1 });
    });

    it('keeps a queued evaluation across a restart: the next server runs it, and does not queue it again', async () => {
      const { loupe, clock, uri, exp } = await start();
      await logTraces(loupe.app, exp, [{ at: clock.now() - 1000, state: 'ERROR' }]);
      const { monitor } = (await callOk(loupe.app, 'POST', '/api/2.0/loupe/monitors', {
        experiment_id: exp,
        name: 'errors',
        metric: 'error_rate',
        comparator: '>',
        threshold: 0.5,
        window_ms: 5 * MINUTE,
      })) as { monitor: { monitor_id: string } };
      // The claim commits with its job; the server goes away before running it.
      expect(await loupe.monitorScheduler.runOnce()).toBe(1);
      await loupe.close();
      const next = await open(uri, clock);
      cleanup.push(() => next.close());
      expect(await next.monitorScheduler.runOnce()).toBe(0);
      expect(await next.jobs.runDue()).toBe(1);
      expect((await callOk(next.app, 'GET', `/api/2.0/loupe/monitors/${monitor.monitor_id}`)).monitor).toMatchObject({ state: 'ALERT', last_value: 1 });
    });

    it('skips disabled monitors and picks a re-enabled one up at once', async () => {
      const { loupe, clock, exp } = await start();
      const { monitor } = (await callOk(loupe.app, 'POST', '/api/2.0/loupe/monitors', {
        experiment_id: exp,
        name: 'count',
        metric: 'trace_count',
        comparator: '<',
        threshold: 1,
        window_ms: 5 * MINUTE,
        enabled: false,
      })) as { monitor: { monitor_id: string } };
      expect(await tick(loupe)).toBe(0);
      clock.advance(MINUTE);
      await callOk(loupe.app, 'PATCH', `/api/2.0/loupe/monitors/${monitor.monitor_id}`, { enabled: true });
      expect(await tick(loupe)).toBe(1);
      // A count has data even when it is zero (min_samples does not apply): no traffic alerts.
      expect((await callOk(loupe.app, 'GET', `/api/2.0/loupe/monitors/${monitor.monitor_id}`)).monitor).toMatchObject({ state: 'ALERT', last_value: 0 });
    });
  });
}
