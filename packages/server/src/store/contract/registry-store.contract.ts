import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseModelVersionFilter, parseModelVersionOrderBy, parseRegisteredModelFilter, parseRegisteredModelOrderBy, promptScope } from '@loupe/protocol';
import type { NewModelVersion, NewRegistryEvent, RegistryStore, WriteFacts } from '../registry-store.js';

/** The store the registry contract needs, on one fresh database. */
export interface RegistryStores {
  registry: RegistryStore;
  dispose(): Promise<void>;
}

/** Makes fresh stores for each test. */
export type RegistryStoresFactory = () => Promise<RegistryStores>;

const NOW = 1_700_000_000_000;
const PROMPT = { key: 'mlflow.prompt.is_prompt', value: 'true' };

/** An events builder that records the facts it was given and emits one event naming them. */
function recorder(entity: string) {
  const seen: WriteFacts[] = [];
  const build = (facts: WriteFacts): NewRegistryEvent[] => {
    seen.push(facts);
    return [{ entity, action: 'set', data: { prompt: facts.isPrompt }, createdAt: NOW }];
  };
  return { seen, build };
}

const none = () => [];

/**
 * The behaviour every RegistryStore must have, run by each backend's test file.
 *
 * @example
 * registryStoreContract(() => openSqlStores(backend));
 */
export function registryStoreContract(factory: RegistryStoresFactory): void {
  describe('RegistryStore contract', () => {
    let s: RegistryStores;
    beforeEach(async () => {
      s = await factory();
    });
    afterEach(async () => {
      await s.dispose();
    });

    const model = (name: string, tags = [] as { key: string; value: string }[], now = NOW) => s.registry.createRegisteredModel({ name, tags, now }, none);
    const version = async (name: string, over: Partial<NewModelVersion> = {}) => {
      const created = await s.registry.createModelVersion({ name, source: `mlflow-artifacts:/1/${name}`, tags: [], now: NOW, ...over }, () => []);
      if (!created) throw new Error(`no model ${name}`);
      return created;
    };
    const searchModels = async (filter = '', orderBy: string[] = [], limit = 100, offset = 0) => {
      const scope = promptScope(parseRegisteredModelFilter(filter));
      return s.registry.searchRegisteredModels({ ...scope, orderBy: parseRegisteredModelOrderBy(orderBy), page: { limit, offset } });
    };
    const searchVersions = async (filter = '', orderBy: string[] = [], limit = 1000) => {
      const scope = promptScope(parseModelVersionFilter(filter));
      const page = await s.registry.searchModelVersions({ ...scope, orderBy: parseModelVersionOrderBy(orderBy), page: { limit, offset: 0 } });
      return page.items.map((v) => `${v.name}/${v.version}`);
    };

    it('creates a model with its tags (last value of a repeated key wins) and reads it back', async () => {
      const created = await s.registry.createRegisteredModel(
        {
          name: 'clf',
          description: 'fraud',
          tags: [
            { key: 'b', value: '1' },
            { key: 'a', value: 'x' },
            { key: 'b', value: '2' },
          ],
          now: NOW,
        },
        none,
      );
      expect(created).toEqual({
        name: 'clf',
        creationTimestamp: NOW,
        lastUpdatedTimestamp: NOW,
        description: 'fraud',
        tags: [
          { key: 'a', value: 'x' },
          { key: 'b', value: '2' },
        ],
        aliases: [],
        latestVersions: [],
      });
      expect(await s.registry.getRegisteredModel('clf')).toEqual(created);
      expect(await s.registry.getRegisteredModel('CLF')).toBeUndefined();
      expect(await model('clf')).toBeUndefined();
    });

    it('numbers versions per model, never reusing a deleted number, in READY', async () => {
      await model('a');
      await model('b');
      expect((await version('a')).version).toBe(1);
      expect((await version('a')).version).toBe(2);
      expect((await version('b')).version).toBe(1);
      expect(await s.registry.deleteModelVersion('a', 2, NOW + 5)).toBe(true);
      expect(await s.registry.getModelVersion('a', 2)).toBeUndefined();
      expect(await s.registry.deleteModelVersion('a', 2, NOW + 5)).toBe(false);
      expect((await s.registry.getRegisteredModel('a'))?.lastUpdatedTimestamp).toBe(NOW + 5);
      const third = await version('a', {
        runId: 'r'.repeat(32),
        modelId: 'm-1',
        storageLocation: 'mlflow-artifacts:/1/m',
        description: 'd',
        tags: [{ key: 't', value: 'v' }],
      });
      expect(third).toEqual({
        name: 'a',
        version: 3,
        creationTimestamp: NOW,
        lastUpdatedTimestamp: NOW,
        description: 'd',
        currentStage: 'None',
        source: 'mlflow-artifacts:/1/a',
        storageLocation: 'mlflow-artifacts:/1/m',
        runId: 'r'.repeat(32),
        status: 'READY',
        modelId: 'm-1',
        tags: [{ key: 't', value: 'v' }],
        aliases: [],
      });
      expect(await s.registry.createModelVersion({ name: 'nope', source: 's', tags: [], now: NOW }, () => [])).toBeUndefined();
    });

    it('hands out distinct numbers to concurrent creators of one model', async () => {
      await model('busy');
      const made = await Promise.all(Array.from({ length: 12 }, () => version('busy')));
      expect(made.map((v) => v.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    });

    it('keeps the latest version of each stage, newest first, and archives on transition', async () => {
      await model('m');
      for (let i = 0; i < 4; i++) await version('m');
      await s.registry.transitionModelVersionStage('m', 1, 'Production', false, NOW + 1);
      await s.registry.transitionModelVersionStage('m', 2, 'Staging', false, NOW + 2);
      expect((await s.registry.getRegisteredModel('m'))?.latestVersions.map((v) => [v.version, v.currentStage])).toEqual([
        [4, 'None'],
        [2, 'Staging'],
        [1, 'Production'],
      ]);
      const moved = await s.registry.transitionModelVersionStage('m', 3, 'Production', true, NOW + 3);
      expect(moved).toMatchObject({ version: 3, currentStage: 'Production', lastUpdatedTimestamp: NOW + 3 });
      expect((await s.registry.getModelVersion('m', 1))?.currentStage).toBe('Archived');
      expect((await s.registry.getLatestVersions('m', ['Production', 'Archived']))?.map((v) => v.version)).toEqual([3, 1]);
      expect(await s.registry.getLatestVersions('m', [])).toHaveLength(4);
      expect(await s.registry.getLatestVersions('none', [])).toBeUndefined();
      expect(await s.registry.transitionModelVersionStage('m', 9, 'Staging', false, NOW)).toBeUndefined();
    });

    it('points aliases at versions, moves them, and drops them with their version', async () => {
      await model('m');
      await version('m');
      await version('m');
      const events = recorder('model_version_alias');
      expect(await s.registry.setAlias('m', 'champion', 1, events.build)).toBe(true);
      expect(await s.registry.setAlias('m', 'champion', 2, events.build)).toBe(true);
      expect(await s.registry.setAlias('m', 'shadow', 2, events.build)).toBe(true);
      expect(await s.registry.setAlias('m', 'x', 7, events.build)).toBe(false);
      expect((await s.registry.getModelVersionByAlias('m', 'champion'))?.aliases).toEqual(['champion', 'shadow']);
      expect((await s.registry.getRegisteredModel('m'))?.aliases).toEqual([
        { alias: 'champion', version: 2 },
        { alias: 'shadow', version: 2 },
      ]);
      expect(await s.registry.deleteAlias('m', 'shadow', events.build)).toBe(true);
      expect(await s.registry.deleteAlias('m', 'never-set', events.build)).toBe(true);
      await s.registry.deleteModelVersion('m', 2, NOW);
      expect(await s.registry.getModelVersionByAlias('m', 'champion')).toBeUndefined();
      expect((await s.registry.getRegisteredModel('m'))?.aliases).toEqual([]);
      expect(events.seen).toHaveLength(5);
    });

    it('renames a model with its versions, refusing a taken name', async () => {
      await model('old');
      await model('other');
      await version('old');
      expect(await s.registry.renameRegisteredModel('old', 'other', NOW + 1)).toBe('taken');
      expect(await s.registry.renameRegisteredModel('gone', 'x', NOW + 1)).toBe('missing');
      expect(await s.registry.renameRegisteredModel('old', 'new', NOW + 2)).toBe('renamed');
      expect(await s.registry.getRegisteredModel('old')).toBeUndefined();
      expect(await s.registry.getModelVersion('new', 1)).toMatchObject({ name: 'new', lastUpdatedTimestamp: NOW + 2 });
    });

    it('deletes a model with its tags, aliases and versions; the name starts over', async () => {
      await model('gone', [{ key: 't', value: '1' }]);
      await version('gone', { tags: [{ key: 'vt', value: '1' }] });
      await s.registry.setAlias('gone', 'a', 1, none);
      expect(await s.registry.deleteRegisteredModel('gone')).toBe(true);
      expect(await s.registry.deleteRegisteredModel('gone')).toBe(false);
      expect(await s.registry.getModelVersion('gone', 1)).toBeUndefined();
      expect(await searchVersions("name = 'gone'")).toEqual([]);
      await model('gone');
      expect((await version('gone')).tags).toEqual([]);
      expect((await s.registry.getRegisteredModel('gone'))?.tags).toEqual([]);
    });

    it('sets and deletes tags, telling the events whether the model is a prompt after the write', async () => {
      await model('m');
      await version('m');
      const events = recorder('tag');
      expect(await s.registry.setRegisteredModelTag('m', { key: 'k', value: 'v' }, events.build)).toBe(true);
      expect(await s.registry.setRegisteredModelTag('m', { key: PROMPT.key, value: 'TRUE' }, events.build)).toBe(true);
      expect(await s.registry.setModelVersionTag('m', 1, { key: 'k', value: 'v1' }, events.build)).toBe(true);
      expect(await s.registry.setModelVersionTag('m', 1, { key: 'k', value: 'v2' }, events.build)).toBe(true);
      expect(await s.registry.deleteModelVersionTag('m', 1, 'absent', events.build)).toBe(true);
      expect(await s.registry.deleteRegisteredModelTag('m', PROMPT.key, events.build)).toBe(true);
      expect(await s.registry.setModelVersionTag('m', 2, { key: 'k', value: 'v' }, events.build)).toBe(false);
      expect(await s.registry.deleteRegisteredModelTag('nope', 'k', events.build)).toBe(false);
      expect(events.seen.map((f) => f.isPrompt)).toEqual([false, true, true, true, true, false]);
      expect((await s.registry.getModelVersion('m', 1))?.tags).toEqual([{ key: 'k', value: 'v2' }]);
      expect((await s.registry.getRegisteredModel('m'))?.tags).toEqual([{ key: 'k', value: 'v' }]);
    });

    it('stores the events of a write in its transaction, in order', async () => {
      await s.registry.createRegisteredModel({ name: 'p', tags: [PROMPT], now: NOW }, (f) => [
        { entity: 'prompt', action: 'created', data: { name: 'p', prompt: f.isPrompt }, createdAt: NOW },
      ]);
      await s.registry.createModelVersion({ name: 'p', source: 'prompt-template', tags: [], now: NOW }, (v) => [
        { entity: 'prompt_version', action: 'created', data: { version: String(v) }, createdAt: NOW + 1 },
      ]);
      const failing = () => {
        throw new Error('event builder failed');
      };
      await expect(s.registry.setRegisteredModelTag('p', { key: 'lost', value: '1' }, failing)).rejects.toThrow('event builder failed');
      await expect(s.registry.createModelVersion({ name: 'p', source: 's', tags: [], now: NOW }, failing)).rejects.toThrow('event builder failed');
      // The failed writes left nothing behind: no tag, no version 2, no event.
      expect((await s.registry.getRegisteredModel('p'))?.tags).toEqual([PROMPT]);
      expect(await s.registry.getModelVersion('p', 2)).toBeUndefined();
      const events = await s.registry.listRegistryEvents(0, 10);
      expect(events.map(({ entity, action, data, createdAt }) => ({ entity, action, data, createdAt }))).toEqual([
        { entity: 'prompt', action: 'created', data: { name: 'p', prompt: true }, createdAt: NOW },
        { entity: 'prompt_version', action: 'created', data: { version: '1' }, createdAt: NOW + 1 },
      ]);
      expect(events[1]!.seq).toBeGreaterThan(events[0]!.seq);
      expect(await s.registry.listRegistryEvents(events[0]!.seq, 10)).toHaveLength(1);
    });

    it('searches models by name and tags, prompts apart from models', async () => {
      await model('fraud-a', [{ key: 'team', value: 'risk' }], NOW + 3);
      await model('fraud-b', [{ key: 'team', value: 'Risk' }], NOW + 1);
      await model('churn', [], NOW + 2);
      await model('fraud-prompt', [PROMPT, { key: 'team', value: 'risk' }], NOW + 4);
      const names = async (filter: string, orderBy: string[] = []) => (await searchModels(filter, orderBy)).items.map((m) => m.name);
      expect(await names('')).toEqual(['churn', 'fraud-a', 'fraud-b']);
      expect(await names("name LIKE 'fraud%'")).toEqual(['fraud-a', 'fraud-b']);
      expect(await names("name ILIKE 'FRAUD-%'")).toEqual(['fraud-a', 'fraud-b']);
      expect(await names("name != 'churn'")).toEqual(['fraud-a', 'fraud-b']);
      expect(await names("tags.team = 'risk'")).toEqual(['fraud-a']);
      expect(await names("tags.team ILIKE 'risk'")).toEqual(['fraud-a', 'fraud-b']);
      expect(await names("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['fraud-prompt']);
      expect(await names("tags.`mlflow.prompt.is_prompt` = 'true' AND tags.team = 'risk'")).toEqual(['fraud-prompt']);
      expect(await names("tags.`mlflow.prompt.is_prompt` != 'true'")).toEqual(['churn', 'fraud-a', 'fraud-b']);
      expect(await names("tags.`mlflow.prompt.is_prompt` = 'false'")).toEqual(['churn', 'fraud-a', 'fraud-b']);
      expect(await names('', ['timestamp DESC'])).toEqual(['fraud-a', 'churn', 'fraud-b']);
      expect(await names('', ['creation_timestamp'])).toEqual(['fraud-b', 'churn', 'fraud-a']);
      const first = await searchModels('', [], 2, 0);
      expect([first.items.map((m) => m.name), first.hasMore]).toEqual([['churn', 'fraud-a'], true]);
      const second = await searchModels('', [], 2, 2);
      expect([second.items.map((m) => m.name), second.hasMore]).toEqual([['fraud-b'], false]);
    });

    it('searches versions by name, run, source, number and tags, leaving out deleted and prompt versions', async () => {
      await model('a');
      await model('b');
      await model('p', [PROMPT]);
      await version('a', { runId: 'run1', source: 'runs:/run1/model' });
      await version('a', { runId: 'run2', tags: [{ key: 'env', value: 'prod' }] });
      await version('a', { runId: 'run3' });
      await version('b', { runId: 'run1', now: NOW + 10 });
      await version('p', { source: 'prompt-template', tags: [PROMPT] });
      await s.registry.deleteModelVersion('a', 3, NOW);
      expect(await searchVersions('')).toEqual(['b/1', 'a/2', 'a/1']);
      expect(await searchVersions("name = 'a'")).toEqual(['a/2', 'a/1']);
      expect(await searchVersions("run_id IN ('run1', 'run3')")).toEqual(['b/1', 'a/1']);
      expect(await searchVersions("source_path LIKE 'runs:/%'")).toEqual(['a/1']);
      expect(await searchVersions('version_number >= 2')).toEqual(['a/2']);
      expect(await searchVersions("tags.env = 'prod'")).toEqual(['a/2']);
      expect(await searchVersions("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['p/1']);
      expect(await searchVersions('', ['name DESC', 'version_number ASC'])).toEqual(['b/1', 'a/1', 'a/2']);
      expect(await searchVersions("name = 'a'", [], 1)).toEqual(['a/2']);
    });
  });
}
