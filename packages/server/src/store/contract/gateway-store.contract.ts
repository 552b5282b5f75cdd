import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  GatewayBudgetPolicyRecord,
  GatewayModelDefinitionRecord,
  GatewaySecretRecord,
  GatewayStore,
  NewGatewayEndpoint,
  NewModelMapping,
} from '../gateway-store.js';

/** The store the gateway contract needs, on one fresh database. */
export interface GatewayStores {
  gateway: GatewayStore;
  dispose(): Promise<void>;
}

/** Makes fresh stores for each test. */
export type GatewayStoresFactory = () => Promise<GatewayStores>;

const NOW = 1_700_000_000_000;

/**
 * The behaviour every GatewayStore must have, run by each backend's test file.
 *
 * @example
 * gatewayStoreContract(() => openSqlStores(backend));
 */
export function gatewayStoreContract(factory: GatewayStoresFactory): void {
  describe('GatewayStore contract', () => {
    let s: GatewayStores;
    let g: GatewayStore;
    let n = 0;
    beforeEach(async () => {
      s = await factory();
      g = s.gateway;
    });
    afterEach(async () => {
      await s.dispose();
    });

    const secret = (over: Partial<GatewaySecretRecord> = {}): GatewaySecretRecord => ({
      secretId: `s-${++n}`,
      secretName: `key-${n}`,
      valueCiphertext: `v1.cipher-${n}`,
      maskedValues: { api_key: 'sk-...abcd' },
      provider: 'openai',
      createdAt: NOW + n,
      lastUpdatedAt: NOW + n,
      ...over,
    });
    const definition = (secretId: string, over: Partial<GatewayModelDefinitionRecord> = {}): GatewayModelDefinitionRecord => ({
      modelDefinitionId: `d-${++n}`,
      name: `model-${n}`,
      secretId,
      provider: 'openai',
      modelName: 'gpt-4o',
      createdAt: NOW + n,
      lastUpdatedAt: NOW + n,
      ...over,
    });
    const mapping = (modelDefinitionId: string, over: Partial<NewModelMapping> = {}): NewModelMapping => ({
      mappingId: `m-${++n}`,
      modelDefinitionId,
      linkageType: 'PRIMARY',
      weight: 1,
      createdAt: NOW + n,
      ...over,
    });
    const endpoint = (mappings: NewModelMapping[], over: Partial<NewGatewayEndpoint> = {}): NewGatewayEndpoint => ({
      endpointId: `e-${++n}`,
      name: `endpoint-${n}`,
      usageTracking: false,
      createdAt: NOW + n,
      lastUpdatedAt: NOW + n,
      modelMappings: mappings,
      ...over,
    });
    const budget = (over: Partial<GatewayBudgetPolicyRecord> = {}): GatewayBudgetPolicyRecord => ({
      budgetPolicyId: `bp-${++n}`,
      budgetUnit: 'USD',
      budgetAmount: 12.5,
      durationUnit: 'DAYS',
      durationValue: 1,
      targetScope: 'GLOBAL',
      budgetAction: 'REJECT',
      createdAt: NOW + n,
      lastUpdatedAt: NOW + n,
      ...over,
    });

    /** A secret, a model definition using it and an endpoint with it as PRIMARY. */
    async function world() {
      const sec = secret();
      await g.createSecret(sec);
      const def = definition(sec.secretId);
      await g.createModelDefinition(def);
      const ep = endpoint([mapping(def.modelDefinitionId)]);
      await g.createEndpoint(ep);
      return { sec, def, ep };
    }

    it('stores a secret and reads it back by id and by name; names are unique', async () => {
      const a = secret({ authConfig: { auth_mode: 'access_keys', aws_region_name: 'us-east-1' }, createdBy: 'alice', lastUpdatedBy: 'alice' });
      expect(await g.createSecret(a)).toBe('created');
      expect(await g.getSecret(a.secretId)).toEqual(a);
      expect(await g.getSecretByName(a.secretName)).toEqual(a);
      expect(await g.createSecret(secret({ secretName: a.secretName }))).toBe('taken');
      expect(await g.getSecret('s-none')).toBeUndefined();
    });

    it('lists secrets in creation order, filtered by provider', async () => {
      const a = secret();
      const b = secret({ provider: 'anthropic' });
      const c = secret();
      for (const x of [a, b, c]) await g.createSecret(x);
      expect((await g.listSecrets()).map((x) => x.secretId)).toEqual([a.secretId, b.secretId, c.secretId]);
      expect((await g.listSecrets('openai')).map((x) => x.secretId)).toEqual([a.secretId, c.secretId]);
    });

    it('updates a secret: only what is given changes', async () => {
      const a = secret({ authConfig: { region: 'eu' } });
      await g.createSecret(a);
      const rotated = await g.updateSecret(a.secretId, {
        valueCiphertext: 'v1.new',
        maskedValues: { api_key: 'sk-...wxyz' },
        lastUpdatedAt: NOW + 99,
        lastUpdatedBy: 'bob',
      });
      expect(rotated).toEqual({ ...a, valueCiphertext: 'v1.new', maskedValues: { api_key: 'sk-...wxyz' }, lastUpdatedAt: NOW + 99, lastUpdatedBy: 'bob' });
      const reconfigured = await g.updateSecret(a.secretId, { authConfig: { region: 'us' }, lastUpdatedAt: NOW + 100 });
      expect(reconfigured?.authConfig).toEqual({ region: 'us' });
      expect(reconfigured?.valueCiphertext).toBe('v1.new');
      expect(await g.updateSecret('s-none', { lastUpdatedAt: NOW })).toBeUndefined();
    });

    it('deleting a secret orphans its model definitions', async () => {
      const { sec, def } = await world();
      expect(await g.deleteSecret(sec.secretId)).toBe(true);
      expect(await g.deleteSecret(sec.secretId)).toBe(false);
      const orphan = await g.getModelDefinition(def.modelDefinitionId);
      expect(orphan?.secretId).toBeUndefined();
      expect(orphan?.secretName).toBeUndefined();
    });

    it('creates model definitions with their secret name; names unique; the secret must exist', async () => {
      const sec = secret();
      await g.createSecret(sec);
      const def = definition(sec.secretId, { createdBy: 'alice', lastUpdatedBy: 'alice' });
      expect(await g.createModelDefinition(def)).toBe('created');
      expect(await g.getModelDefinition(def.modelDefinitionId)).toEqual({ ...def, secretName: sec.secretName });
      expect(await g.createModelDefinition(definition(sec.secretId, { name: def.name }))).toBe('taken');
      expect(await g.createModelDefinition(definition('s-none'))).toBe('no-secret');
      expect(await g.existingModelDefinitionIds([def.modelDefinitionId, 'd-none'])).toEqual(new Set([def.modelDefinitionId]));
    });

    it('lists and updates model definitions', async () => {
      const s1 = secret();
      const s2 = secret();
      await g.createSecret(s1);
      await g.createSecret(s2);
      const a = definition(s1.secretId);
      const b = definition(s2.secretId, { provider: 'anthropic' });
      await g.createModelDefinition(a);
      await g.createModelDefinition(b);
      expect((await g.listModelDefinitions({})).map((d) => d.modelDefinitionId)).toEqual([a.modelDefinitionId, b.modelDefinitionId]);
      expect((await g.listModelDefinitions({ provider: 'anthropic' })).map((d) => d.modelDefinitionId)).toEqual([b.modelDefinitionId]);
      expect((await g.listModelDefinitions({ secretId: s1.secretId })).map((d) => d.modelDefinitionId)).toEqual([a.modelDefinitionId]);

      const moved = await g.updateModelDefinition(a.modelDefinitionId, { secretId: s2.secretId, modelName: 'gpt-5', lastUpdatedAt: NOW + 50 });
      expect(moved).toMatchObject({ secretId: s2.secretId, secretName: s2.secretName, modelName: 'gpt-5', lastUpdatedAt: NOW + 50, name: a.name });
      expect(await g.updateModelDefinition(a.modelDefinitionId, { name: b.name, lastUpdatedAt: NOW })).toBe('taken');
      expect(await g.updateModelDefinition(a.modelDefinitionId, { secretId: 's-none', lastUpdatedAt: NOW })).toBe('no-secret');
      expect(await g.updateModelDefinition('d-none', { lastUpdatedAt: NOW })).toBeUndefined();
    });

    it('refuses to delete a model definition an endpoint uses', async () => {
      const { def, ep } = await world();
      expect(await g.deleteModelDefinition(def.modelDefinitionId)).toBe('in-use');
      expect(await g.detachModel(ep.endpointId, def.modelDefinitionId, NOW + 500)).toBe(true);
      expect(await g.deleteModelDefinition(def.modelDefinitionId)).toBe('deleted');
      expect(await g.deleteModelDefinition(def.modelDefinitionId)).toBeUndefined();
    });

    it('creates an endpoint with its models, read with their definitions, PRIMARY first', async () => {
      const sec = secret();
      await g.createSecret(sec);
      const primary = definition(sec.secretId);
      const backup = definition(sec.secretId);
      await g.createModelDefinition(primary);
      await g.createModelDefinition(backup);
      const ep = endpoint(
        [mapping(backup.modelDefinitionId, { linkageType: 'FALLBACK', fallbackOrder: 0, weight: 0 }), mapping(primary.modelDefinitionId, { weight: 0.75 })],
        {
          routingStrategy: 'REQUEST_BASED_TRAFFIC_SPLIT',
          fallbackConfig: { strategy: 'SEQUENTIAL', maxAttempts: 2, modelDefinitionIds: [backup.modelDefinitionId] },
          experimentId: '7',
          usageTracking: true,
          createdBy: 'alice',
        },
      );
      expect(await g.createEndpoint(ep)).toBe('created');
      const read = await g.getEndpoint(ep.endpointId);
      expect(read).toMatchObject({
        endpointId: ep.endpointId,
        name: ep.name,
        routingStrategy: 'REQUEST_BASED_TRAFFIC_SPLIT',
        fallbackConfig: { strategy: 'SEQUENTIAL', maxAttempts: 2, modelDefinitionIds: [backup.modelDefinitionId] },
        experimentId: '7',
        usageTracking: true,
        createdBy: 'alice',
        tags: [],
      });
      expect(read?.modelMappings.map((m) => [m.modelDefinitionId, m.linkageType, m.weight, m.fallbackOrder])).toEqual([
        [primary.modelDefinitionId, 'PRIMARY', 0.75, undefined],
        [backup.modelDefinitionId, 'FALLBACK', 0, 0],
      ]);
      expect(read?.modelMappings[0]?.modelDefinition).toEqual({ ...primary, secretName: sec.secretName });
      expect(await g.getEndpointByName(ep.name)).toEqual(read);
      expect(await g.createEndpoint(endpoint([], { name: ep.name }))).toBe('taken');
      expect(await g.getEndpoint('e-none')).toBeUndefined();
    });

    it('lists endpoints, filtered by the provider or secret of their models', async () => {
      const one = await world();
      const other = secret({ provider: 'anthropic' });
      await g.createSecret(other);
      const claude = definition(other.secretId, { provider: 'anthropic' });
      await g.createModelDefinition(claude);
      const ep2 = endpoint([mapping(claude.modelDefinitionId)]);
      await g.createEndpoint(ep2);
      const bare = endpoint([]);
      await g.createEndpoint(bare);
      expect((await g.listEndpoints({})).map((e) => e.endpointId)).toEqual([one.ep.endpointId, ep2.endpointId, bare.endpointId]);
      expect((await g.listEndpoints({ provider: 'anthropic' })).map((e) => e.endpointId)).toEqual([ep2.endpointId]);
      expect((await g.listEndpoints({ secretId: one.sec.secretId })).map((e) => e.endpointId)).toEqual([one.ep.endpointId]);
    });

    it('updates an endpoint; new models replace the old ones; names stay unique', async () => {
      const { sec, def, ep } = await world();
      const other = definition(sec.secretId);
      await g.createModelDefinition(other);
      const updated = await g.updateEndpoint(ep.endpointId, {
        name: 'renamed',
        modelMappings: [mapping(other.modelDefinitionId)],
        experimentId: '3',
        usageTracking: true,
        lastUpdatedAt: NOW + 70,
        lastUpdatedBy: 'bob',
      });
      expect(updated).toMatchObject({ name: 'renamed', experimentId: '3', usageTracking: true, lastUpdatedAt: NOW + 70, lastUpdatedBy: 'bob' });
      expect(updated !== 'taken' && updated?.modelMappings.map((m) => m.modelDefinitionId)).toEqual([other.modelDefinitionId]);
      // The old model is free again.
      expect(await g.deleteModelDefinition(def.modelDefinitionId)).toBe('deleted');
      const cleared = await g.updateEndpoint(ep.endpointId, { experimentId: null, usageTracking: false, lastUpdatedAt: NOW + 80 });
      expect(cleared !== 'taken' && cleared?.experimentId).toBeUndefined();
      const second = endpoint([]);
      await g.createEndpoint(second);
      expect(await g.updateEndpoint(second.endpointId, { name: 'renamed', lastUpdatedAt: NOW })).toBe('taken');
      expect(await g.updateEndpoint('e-none', { lastUpdatedAt: NOW })).toBeUndefined();
    });

    it('attaches a model once per linkage and detaches it', async () => {
      const { sec, def, ep } = await world();
      const extra = definition(sec.secretId);
      await g.createModelDefinition(extra);
      const attached = await g.attachModel(ep.endpointId, mapping(extra.modelDefinitionId, { linkageType: 'FALLBACK', fallbackOrder: 1 }), NOW + 90);
      expect(attached).toMatchObject({ endpointId: ep.endpointId, modelDefinitionId: extra.modelDefinitionId, linkageType: 'FALLBACK', fallbackOrder: 1 });
      expect(attached !== 'taken' && attached.modelDefinition?.name).toBe(extra.name);
      expect(await g.attachModel(ep.endpointId, mapping(def.modelDefinitionId), NOW + 91)).toBe('taken');
      // The same model as FALLBACK too is another linkage.
      expect(await g.attachModel(ep.endpointId, mapping(def.modelDefinitionId, { linkageType: 'FALLBACK' }), NOW + 92)).not.toBe('taken');
      expect((await g.getEndpoint(ep.endpointId))?.lastUpdatedAt).toBe(NOW + 92);
      expect(await g.detachModel(ep.endpointId, extra.modelDefinitionId, NOW + 93)).toBe(true);
      expect(await g.detachModel(ep.endpointId, extra.modelDefinitionId, NOW + 94)).toBe(false);
      expect((await g.getEndpoint(ep.endpointId))?.modelMappings).toHaveLength(2);
    });

    it('sets, overwrites and deletes endpoint tags', async () => {
      const { ep } = await world();
      expect(await g.setEndpointTag(ep.endpointId, 'team', 'a')).toBe(true);
      expect(await g.setEndpointTag(ep.endpointId, 'team', 'b')).toBe(true);
      expect(await g.setEndpointTag(ep.endpointId, 'env', 'prod')).toBe(true);
      expect((await g.getEndpoint(ep.endpointId))?.tags).toEqual([
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'b' },
      ]);
      expect(await g.deleteEndpointTag(ep.endpointId, 'team')).toBe(true);
      expect(await g.deleteEndpointTag(ep.endpointId, 'missing')).toBe(true);
      expect((await g.getEndpoint(ep.endpointId))?.tags).toEqual([{ key: 'env', value: 'prod' }]);
      expect(await g.setEndpointTag('e-none', 'k', 'v')).toBe(false);
      expect(await g.deleteEndpointTag('e-none', 'k')).toBe(false);
    });

    it('binds endpoints to resources, once per resource, and lists them by filter', async () => {
      const { ep } = await world();
      const binding = {
        endpointId: ep.endpointId,
        resourceType: 'scorer',
        resourceId: 'sc-1',
        createdAt: NOW,
        lastUpdatedAt: NOW,
        createdBy: 'alice',
        lastUpdatedBy: 'alice',
      };
      expect(await g.createBinding(binding)).toBe('created');
      expect(await g.createBinding(binding)).toBe('taken');
      await g.createBinding({ ...binding, resourceId: 'sc-2', createdAt: NOW + 1 });
      expect(await g.listBindings({ endpointId: ep.endpointId })).toEqual([binding, { ...binding, resourceId: 'sc-2', createdAt: NOW + 1 }]);
      expect(await g.listBindings({ resourceType: 'scorer', resourceId: 'sc-2' })).toHaveLength(1);
      expect(await g.deleteBinding(ep.endpointId, 'scorer', 'sc-1')).toBe(true);
      expect(await g.deleteBinding(ep.endpointId, 'scorer', 'sc-1')).toBe(false);
    });

    it('deleting an endpoint takes its models, tags and bindings with it', async () => {
      const { def, ep } = await world();
      await g.setEndpointTag(ep.endpointId, 'k', 'v');
      await g.createBinding({ endpointId: ep.endpointId, resourceType: 'scorer', resourceId: 'x', createdAt: NOW, lastUpdatedAt: NOW });
      expect(await g.deleteEndpoint(ep.endpointId)).toBe(true);
      expect(await g.deleteEndpoint(ep.endpointId)).toBe(false);
      expect(await g.listBindings({})).toEqual([]);
      expect(await g.deleteModelDefinition(def.modelDefinitionId)).toBe('deleted');
    });

    it('stores, pages, replaces and deletes budget policies', async () => {
      const a = budget({ createdBy: 'alice', lastUpdatedBy: 'alice' });
      const b = budget({ targetScope: 'ENDPOINT', targetValue: 'e-1', durationUnit: 'MONTHS', durationValue: 3 });
      const c = budget({ targetScope: 'USER', targetValue: 'bob', budgetAction: 'ALERT' });
      for (const x of [a, b, c]) await g.createBudgetPolicy(x);
      expect(await g.getBudgetPolicy(a.budgetPolicyId)).toEqual(a);
      const first = await g.listBudgetPolicies(0, 2);
      expect(first.items).toEqual([a, b]);
      expect(first.hasMore).toBe(true);
      expect(await g.listBudgetPolicies(2, 2)).toEqual({ items: [c], hasMore: false });
      expect(await g.allBudgetPolicies()).toEqual([a, b, c]);
      const replaced = { ...a, budgetAmount: 99.99, targetScope: 'WORKSPACE' as const, lastUpdatedAt: NOW + 500, lastUpdatedBy: 'bob' };
      expect(await g.replaceBudgetPolicy(replaced)).toBe(true);
      expect(await g.getBudgetPolicy(a.budgetPolicyId)).toEqual(replaced);
      expect(await g.replaceBudgetPolicy(budget())).toBe(false);
      expect(await g.deleteBudgetPolicy(a.budgetPolicyId)).toBe(true);
      expect(await g.deleteBudgetPolicy(a.budgetPolicyId)).toBe(false);
      expect(await g.getBudgetPolicy(a.budgetPolicyId)).toBeUndefined();
    });
  });
}
