import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentStore } from '../tracking-store.js';
import type { ScorerStore } from '../scorer-store.js';

/** The stores the scorer contract needs, on one fresh database. */
export interface ScorerStores {
  experiments: ExperimentStore;
  scorers: ScorerStore;
  dispose(): Promise<void>;
}

/** Makes fresh stores for each test. */
export type ScorerStoresFactory = () => Promise<ScorerStores>;

const NOW = 1_700_000_000_000;

/**
 * The behaviour every ScorerStore must have, run by each backend's test file.
 *
 * @example
 * scorerStoreContract(() => openSqlStores(backend));
 */
export function scorerStoreContract(factory: ScorerStoresFactory): void {
  describe('ScorerStore contract', () => {
    let s: ScorerStores;
    let exp: string;
    let ids = 0;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: 'scorers', artifactLocation: () => 'mlflow-artifacts:/x', tags: [], now: NOW });
    });
    afterEach(async () => {
      await s.dispose();
    });

    const newScorerId = () => `sc-${++ids}`;
    const register = (name: string, serializedScorer: string, experimentId = exp, now = NOW) =>
      s.scorers.registerScorerVersion({ experimentId, name, serializedScorer, newScorerId, now });

    it('numbers the versions of a name from 1 and keeps the scorer id', async () => {
      const v1 = await register('judge', '{"v": 1}');
      const v2 = await register('judge', '{"v": 2}', exp, NOW + 5);
      const other = await register('safety', '{}');
      expect(v1).toEqual({ scorerId: v1.scorerId, experimentId: exp, name: 'judge', version: 1, serializedScorer: '{"v": 1}', creationTime: NOW });
      expect(v2).toMatchObject({ scorerId: v1.scorerId, version: 2, creationTime: NOW + 5 });
      expect(other).toMatchObject({ version: 1 });
      expect(other.scorerId).not.toBe(v1.scorerId);
      expect(await s.scorers.listScorerVersions(exp, 'judge')).toEqual([v1, v2]);
      expect(await s.scorers.getScorerVersion(exp, 'judge')).toEqual(v2);
      expect(await s.scorers.getScorerVersion(exp, 'judge', 1)).toEqual(v1);
      expect(await s.scorers.getScorerVersion(exp, 'judge', 3)).toBeUndefined();
      expect(await s.scorers.getScorerVersion('not-a-number', 'judge')).toBeUndefined();
      expect(await s.scorers.experimentOfScorer(v1.scorerId)).toBe(exp);
      expect(await s.scorers.experimentOfScorer('nope')).toBeUndefined();
    });

    it('hands out distinct versions to concurrent registrations', async () => {
      const made = await Promise.all(Array.from({ length: 6 }, (_, i) => register('judge', `{"i": ${i}}`)));
      expect(made.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(made.map((v) => v.scorerId)).size).toBe(1);
    });

    it('lists the latest version per scorer of the selected experiments and keys, by experiment then name', async () => {
      const other = await s.experiments.createExperiment({ name: 'other', artifactLocation: () => 'x', tags: [], now: NOW });
      const third = await s.experiments.createExperiment({ name: 'third', artifactLocation: () => 'x', tags: [], now: NOW });
      await register('safety', '{"s": 1}');
      await register('accuracy', '{"a": 1}');
      const a2 = await register('accuracy', '{"a": 2}');
      const safety = await s.scorers.getScorerVersion(exp, 'safety');
      const o1 = await register('relevance', '{}', other);
      const t1 = await register('x/y', '{}', third);
      await register('ignored', '{}', third);
      expect(await s.scorers.listLatestScorers({ experimentIds: [exp], keys: [] })).toEqual([a2, safety]);
      expect(await s.scorers.listLatestScorers({ experimentIds: [other, exp], keys: [] })).toEqual([a2, safety, o1]);
      expect(
        await s.scorers.listLatestScorers({
          experimentIds: [other],
          keys: [
            { experimentId: third, name: 'x/y' },
            { experimentId: 'junk', name: 'x' },
          ],
        }),
      ).toEqual([o1, t1]);
      expect(await s.scorers.listLatestScorers({ experimentIds: [], keys: [] })).toEqual([]);
    });

    it('deletes one version, leaving the scorer and its config, or the whole scorer with its config', async () => {
      const v1 = await register('judge', '{"v": 1}');
      const v2 = await register('judge', '{"v": 2}');
      await s.scorers.putOnlineConfig({ configId: 'c1', scorerId: v1.scorerId, experimentId: exp, sampleRate: 0.5 });
      expect(await s.scorers.deleteScorer(exp, 'judge', 3)).toBe('no-version');
      expect(await s.scorers.deleteScorer(exp, 'judge', 1)).toBe('deleted');
      expect(await s.scorers.listScorerVersions(exp, 'judge')).toEqual([v2]);
      expect(await s.scorers.onlineConfigs([v1.scorerId])).toHaveLength(1);
      expect(await s.scorers.deleteScorer(exp, 'judge')).toBe('deleted');
      expect(await s.scorers.listScorerVersions(exp, 'judge')).toEqual([]);
      expect(await s.scorers.onlineConfigs([v1.scorerId])).toEqual([]);
      expect(await s.scorers.experimentOfScorer(v1.scorerId)).toBeUndefined();
      expect(await s.scorers.deleteScorer(exp, 'judge')).toBe('no-scorer');
      expect(await s.scorers.deleteScorer('junk', 'judge')).toBe('no-scorer');
      // A name registered again starts over at version 1 with a new id.
      const again = await register('judge', '{}');
      expect(again.version).toBe(1);
      expect(again.scorerId).not.toBe(v1.scorerId);
    });

    it('keeps one online config per scorer, replaced on each write (rate 0 kept as a row)', async () => {
      const judge = await register('judge', '{}');
      const safety = await register('safety', '{}');
      await s.scorers.putOnlineConfig({ configId: 'c1', scorerId: judge.scorerId, experimentId: exp, sampleRate: 0.5, filterString: "status = 'OK'" });
      await s.scorers.putOnlineConfig({ configId: 'c2', scorerId: judge.scorerId, experimentId: exp, sampleRate: 0 });
      await s.scorers.putOnlineConfig({ configId: 'c3', scorerId: safety.scorerId, experimentId: exp, sampleRate: 0.25 });
      expect(await s.scorers.onlineConfigs([judge.scorerId, 'missing'])).toEqual([
        { configId: 'c2', scorerId: judge.scorerId, experimentId: exp, sampleRate: 0 },
      ]);
      expect(await s.scorers.onlineConfigs([safety.scorerId, judge.scorerId])).toHaveLength(2);
      expect(await s.scorers.onlineConfigs([])).toEqual([]);
    });

    it('lists the active online scorers across experiments with their latest version', async () => {
      const other = await s.experiments.createExperiment({ name: 'other', artifactLocation: () => 'x', tags: [], now: NOW });
      const gone = await s.experiments.createExperiment({ name: 'gone', artifactLocation: () => 'x', tags: [], now: NOW });
      const judge = await register('judge', '{"v": 1}');
      const latest = await register('judge', '{"v": 2}');
      const stopped = await register('stopped', '{}');
      const elsewhere = await register('elsewhere', '{}', other);
      const deleted = await register('deleted', '{}', gone);
      await s.scorers.putOnlineConfig({ configId: 'c1', scorerId: judge.scorerId, experimentId: exp, sampleRate: 0.5, filterString: "status = 'OK'" });
      await s.scorers.putOnlineConfig({ configId: 'c2', scorerId: stopped.scorerId, experimentId: exp, sampleRate: 0 });
      await s.scorers.putOnlineConfig({ configId: 'c3', scorerId: elsewhere.scorerId, experimentId: other, sampleRate: 1 });
      await s.scorers.putOnlineConfig({ configId: 'c4', scorerId: deleted.scorerId, experimentId: gone, sampleRate: 1 });
      await s.experiments.setExperimentLifecycle(gone, 'deleted', NOW + 1);
      expect(await s.scorers.activeOnlineScorers()).toEqual([
        {
          experimentId: exp,
          scorerId: judge.scorerId,
          name: 'judge',
          version: 2,
          serializedScorer: latest.serializedScorer,
          sampleRate: 0.5,
          filterString: "status = 'OK'",
        },
        { experimentId: other, scorerId: elsewhere.scorerId, name: 'elsewhere', version: 1, serializedScorer: '{}', sampleRate: 1 },
      ]);
    });
  });
}
