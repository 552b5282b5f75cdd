import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentStore } from '../tracking-store.js';
import type { JobStore } from '../job-store.js';
import type { MonitorEvaluation, MonitorRecord, MonitorStore } from '../monitor-store.js';

/** The stores the monitor contract needs, on one fresh database. */
export interface MonitorStores {
  experiments: ExperimentStore;
  monitors: MonitorStore;
  /** A second monitor store on its own connection to the same database (a second server). */
  otherMonitors: MonitorStore;
  jobs: JobStore;
  /** The webhook events written to `registry_events`, oldest first. */
  registryEvents(): Promise<{ entity: string; action: string; data: Record<string, unknown> }[]>;
  dispose(): Promise<void>;
}

/** Makes fresh stores for each test. */
export type MonitorStoresFactory = () => Promise<MonitorStores>;

const NOW = 1_700_000_000_000;
const PAGE = { offset: 0, limit: 100 };

/**
 * The behaviour every MonitorStore must have, run by each backend's test file.
 *
 * @example
 * monitorStoreContract(() => openSqlStores(backend));
 */
export function monitorStoreContract(factory: MonitorStoresFactory): void {
  describe('MonitorStore contract', () => {
    let s: MonitorStores;
    let exp: string;
    let n = 0;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: 'monitors', artifactLocation: () => 'mlflow-artifacts:/x', tags: [], now: NOW });
    });
    afterEach(async () => {
      await s.dispose();
    });

    const monitor = (over: Partial<MonitorRecord> = {}): MonitorRecord => ({
      monitorId: `m-${++n}`,
      experimentId: exp,
      name: `monitor ${n}`,
      metric: 'error_rate',
      comparator: '>',
      threshold: 0.1,
      windowMs: 300_000,
      intervalMs: 60_000,
      minSamples: 5,
      enabled: true,
      state: 'NO_DATA',
      nextEvaluationAt: NOW,
      version: 0,
      creationTimestamp: NOW + n,
      lastUpdatedTimestamp: NOW + n,
      ...over,
    });
    const alerting = (m: MonitorRecord, version = m.version): MonitorEvaluation => ({
      monitorId: m.monitorId,
      expectedVersion: version,
      state: 'ALERT',
      value: 0.5,
      sampleCount: 10,
      evaluatedAt: NOW + 1000,
      change: {
        event: {
          eventId: `e-${++n}`,
          monitorId: m.monitorId,
          fromState: m.state,
          toState: 'ALERT',
          value: 0.5,
          sampleCount: 10,
          threshold: m.threshold,
          comparator: m.comparator,
          createdAt: NOW + 1000,
        },
        webhook: { entity: 'monitor', action: 'alerted', data: { monitor_id: m.monitorId } },
      },
    });

    it('keeps monitors with every field, unique by name within the experiment, listed oldest first', async () => {
      const full = monitor({
        description: 'd',
        metric: 'assessment_avg',
        assessmentName: 'relevance',
        filterString: "tag.env = 'prod'",
        comparator: '<=',
        threshold: 0.25,
      });
      const bare = monitor();
      expect(await s.monitors.create(full)).toBe('created');
      expect(await s.monitors.create(bare)).toBe('created');
      expect(await s.monitors.create(monitor({ name: full.name }))).toBe('taken');
      expect(await s.monitors.get(full.monitorId)).toEqual(full);
      expect(await s.monitors.get('nope')).toBeUndefined();
      expect((await s.monitors.list(exp, PAGE)).items.map((m) => m.monitorId)).toEqual([full.monitorId, bare.monitorId]);
      expect(await s.monitors.list(exp, { offset: 0, limit: 1 })).toMatchObject({ items: [{ monitorId: full.monitorId }], hasMore: true });
      expect(await s.monitors.list('999', PAGE)).toEqual({ items: [], hasMore: false });
    });

    it('updates and clears fields, moving the version; refuses a taken name; deletes with the history', async () => {
      const a = monitor({ filterString: "tag.env = 'prod'" });
      const b = monitor();
      await s.monitors.create(a);
      await s.monitors.create(b);
      const updated = await s.monitors.update(a.monitorId, { threshold: 0.3, filterString: null, enabled: false, lastUpdatedTimestamp: NOW + 50 });
      expect(updated).toMatchObject({ threshold: 0.3, enabled: false, version: 1, lastUpdatedTimestamp: NOW + 50 });
      expect(updated).not.toHaveProperty('filterString');
      expect(await s.monitors.update(a.monitorId, { name: b.name, lastUpdatedTimestamp: NOW + 60 })).toBe('taken');
      expect(await s.monitors.update('nope', { threshold: 1, lastUpdatedTimestamp: NOW })).toBeUndefined();
      expect(await s.monitors.recordEvaluation(alerting(b))).toBe(true);
      expect(await s.monitors.delete(b.monitorId)).toBe(true);
      expect(await s.monitors.delete(b.monitorId)).toBe(false);
      expect(await s.monitors.listEvents(b.monitorId, 10)).toEqual({ items: [], hasMore: false });
    });

    it('records an evaluation with its history row and webhook event only over the version it read', async () => {
      const m = monitor();
      await s.monitors.create(m);
      expect(await s.monitors.recordEvaluation(alerting(m))).toBe(true);
      expect(await s.monitors.get(m.monitorId)).toMatchObject({
        state: 'ALERT',
        lastValue: 0.5,
        lastSampleCount: 10,
        lastEvaluatedAt: NOW + 1000,
        stateChangedAt: NOW + 1000,
        version: 1,
      });
      // A second evaluation that read version 0 is stale: nothing of it is written.
      expect(await s.monitors.recordEvaluation(alerting(m))).toBe(false);
      expect((await s.monitors.listEvents(m.monitorId, 10)).items).toEqual([
        {
          eventId: expect.any(String),
          monitorId: m.monitorId,
          fromState: 'NO_DATA',
          toState: 'ALERT',
          value: 0.5,
          sampleCount: 10,
          threshold: 0.1,
          comparator: '>',
          createdAt: NOW + 1000,
        },
      ]);
      expect(await s.registryEvents()).toEqual([{ entity: 'monitor', action: 'alerted', data: { monitor_id: m.monitorId } }]);
      // No change: the value moves, no history.
      expect(await s.monitors.recordEvaluation({ monitorId: m.monitorId, expectedVersion: 1, state: 'ALERT', sampleCount: 3, evaluatedAt: NOW + 2000 })).toBe(
        true,
      );
      const after = await s.monitors.get(m.monitorId);
      expect(after).toMatchObject({ lastSampleCount: 3, lastEvaluatedAt: NOW + 2000, stateChangedAt: NOW + 1000, version: 2 });
      expect(after).not.toHaveProperty('lastValue');
      expect((await s.monitors.listEvents(m.monitorId, 10)).items).toHaveLength(1);
    });

    it('lets one of two concurrent evaluations of one version record (two connections)', async () => {
      const m = monitor();
      await s.monitors.create(m);
      const results = await Promise.all([s.monitors.recordEvaluation(alerting(m)), s.otherMonitors.recordEvaluation(alerting(m))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await s.monitors.listEvents(m.monitorId, 10)).items).toHaveLength(1);
      expect(await s.registryEvents()).toHaveLength(1);
    });

    it('pages the history newest first', async () => {
      const m = monitor();
      await s.monitors.create(m);
      let current = m;
      for (let i = 0; i < 3; i++) {
        const to = current.state === 'ALERT' ? 'OK' : 'ALERT';
        const e = alerting(current);
        e.state = to;
        e.evaluatedAt = NOW + 1000 * (i + 1);
        e.change = { event: { ...e.change!.event, fromState: current.state, toState: to, createdAt: e.evaluatedAt } };
        expect(await s.monitors.recordEvaluation(e)).toBe(true);
        current = (await s.monitors.get(m.monitorId))!;
      }
      const first = await s.monitors.listEvents(m.monitorId, 2);
      expect(first.items.map((e) => e.createdAt)).toEqual([NOW + 3000, NOW + 2000]);
      expect(first.hasMore).toBe(true);
      const last = first.items[1]!;
      const second = await s.monitors.listEvents(m.monitorId, 2, { createdAt: last.createdAt, eventId: last.eventId });
      expect(second).toMatchObject({ items: [{ createdAt: NOW + 1000, fromState: 'NO_DATA' }], hasMore: false });
    });

    it('queues each due, enabled monitor once and moves its next evaluation, even with two schedulers at once', async () => {
      const due = [monitor(), monitor({ nextEvaluationAt: NOW - 5 })];
      const later = monitor({ nextEvaluationAt: NOW + 1 });
      const disabled = monitor({ enabled: false });
      for (const m of [...due, later, disabled]) await s.monitors.create(m);
      const job = (m: MonitorRecord) => ({
        kind: 'monitor.evaluate',
        payload: { monitor_id: m.monitorId },
        dedupeKey: `monitor:${m.monitorId}:${m.nextEvaluationAt}`,
      });
      const counts = await Promise.all([s.monitors.enqueueDue(NOW, 10, job), s.otherMonitors.enqueueDue(NOW, 10, job)]);
      expect(counts[0] + counts[1]).toBe(2);
      const jobs = await s.jobs.list('monitor.evaluate', 10);
      expect(jobs.map((j) => (j.payload as { monitor_id: string }).monitor_id).sort()).toEqual(due.map((m) => m.monitorId).sort());
      for (const m of due) expect((await s.monitors.get(m.monitorId))?.nextEvaluationAt).toBe(NOW + 60_000);
      expect(await s.monitors.enqueueDue(NOW, 10, job)).toBe(0);
      expect(await s.monitors.enqueueDue(NOW + 1, 10, job)).toBe(1);
    });
  });
}
