import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type {
  GatewayBindingFilter,
  GatewayBindingRecord,
  GatewayBudgetPolicyRecord,
  GatewayEndpointPatch,
  GatewayEndpointRecord,
  GatewayListFilter,
  GatewayModelDefinitionPatch,
  GatewayModelDefinitionRecord,
  GatewayModelMappingRecord,
  GatewaySecretPatch,
  GatewaySecretRecord,
  GatewayStore,
  NewGatewayEndpoint,
  NewModelMapping,
} from '../gateway-store.js';
import type { Page } from '../webhook-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { GatewayEndpointsTable, GatewayModelDefinitionsTable, GatewaySecretsTable } from './gateway-schema.js';
import {
  budgetPolicyRow,
  fallbackConfigText,
  modelDefinitionRow,
  secretRow,
  toBinding,
  toBudgetPolicy,
  toEndpoint,
  toMapping,
  toModelDefinition,
  toSecret,
  type ModelDefinitionRow,
} from './gateway-rows.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** PRIMARY models first, then FALLBACK ones by their order; ties by creation. */
function mappingOrder(a: GatewayModelMappingRecord, b: GatewayModelMappingRecord): number {
  if (a.linkageType !== b.linkageType) return a.linkageType === 'PRIMARY' ? -1 : 1;
  const order = (a.fallbackOrder ?? Number.MAX_SAFE_INTEGER) - (b.fallbackOrder ?? Number.MAX_SAFE_INTEGER);
  if (order !== 0) return order;
  return a.createdAt - b.createdAt || a.mappingId.localeCompare(b.mappingId);
}

function mappingRows(endpointId: string, mappings: readonly NewModelMapping[]) {
  return mappings.map((m) => ({
    mapping_id: m.mappingId,
    endpoint_id: endpointId,
    model_definition_id: m.modelDefinitionId,
    linkage_type: m.linkageType,
    weight: m.weight,
    fallback_order: m.fallbackOrder ?? null,
    created_at: m.createdAt,
    created_by: m.createdBy ?? null,
  }));
}

/**
 * The AI gateway's configuration on SQLite or PostgreSQL. Name clashes are found by the unique
 * constraints; an endpoint and its models are written in one transaction; reads assemble an endpoint
 * from three queries (the endpoint rows, their models joined with definitions and secret names, their
 * tags), whatever the number of endpoints.
 *
 * @example
 * const gateway = new SqlGatewayStore(db, dialect);
 * const endpoint = await gateway.getEndpointByName('chat');
 */
export class SqlGatewayStore implements GatewayStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  // ---- secrets ----

  async createSecret(record: GatewaySecretRecord): Promise<'created' | 'taken'> {
    try {
      await this.db.insertInto('gateway_secrets').values(secretRow(record)).execute();
      return 'created';
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async getSecret(secretId: string): Promise<GatewaySecretRecord | undefined> {
    const row = await this.db.selectFrom('gateway_secrets').selectAll().where('secret_id', '=', secretId).executeTakeFirst();
    return row && toSecret(row);
  }

  async getSecretByName(secretName: string): Promise<GatewaySecretRecord | undefined> {
    const row = await this.db.selectFrom('gateway_secrets').selectAll().where('secret_name', '=', secretName).executeTakeFirst();
    return row && toSecret(row);
  }

  async listSecrets(provider?: string): Promise<GatewaySecretRecord[]> {
    let query = this.db.selectFrom('gateway_secrets').selectAll();
    if (provider !== undefined) query = query.where('provider', '=', provider);
    const rows = await query.orderBy('created_at').orderBy('secret_id').execute();
    return rows.map(toSecret);
  }

  async updateSecret(secretId: string, patch: GatewaySecretPatch): Promise<GatewaySecretRecord | undefined> {
    const set: Updateable<GatewaySecretsTable> = { last_updated_at: patch.lastUpdatedAt, last_updated_by: patch.lastUpdatedBy ?? null };
    if (patch.valueCiphertext !== undefined) set.value_ciphertext = patch.valueCiphertext;
    if (patch.maskedValues !== undefined) set.masked_values = JSON.stringify(patch.maskedValues);
    if (patch.authConfig !== undefined) set.auth_config = JSON.stringify(patch.authConfig);
    const result = await this.db.updateTable('gateway_secrets').set(set).where('secret_id', '=', secretId).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.getSecret(secretId);
  }

  async deleteSecret(secretId: string): Promise<boolean> {
    // Its model definitions keep existing with no secret (the foreign key sets it null), as in MLflow.
    const result = await this.db.deleteFrom('gateway_secrets').where('secret_id', '=', secretId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // ---- model definitions ----

  private definitions(db: Db) {
    return db
      .selectFrom('gateway_model_definitions as d')
      .leftJoin('gateway_secrets as s', 's.secret_id', 'd.secret_id')
      .selectAll('d')
      .select('s.secret_name');
  }

  async createModelDefinition(record: GatewayModelDefinitionRecord): Promise<'created' | 'taken' | 'no-secret'> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        if (record.secretId !== undefined && !(await secretExists(tx, record.secretId))) return 'no-secret';
        await tx.insertInto('gateway_model_definitions').values(modelDefinitionRow(record)).execute();
        return 'created';
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async getModelDefinition(modelDefinitionId: string): Promise<GatewayModelDefinitionRecord | undefined> {
    const row = await this.definitions(this.db).where('d.model_definition_id', '=', modelDefinitionId).executeTakeFirst();
    return row && toModelDefinition(row as ModelDefinitionRow);
  }

  async listModelDefinitions(filter: GatewayListFilter): Promise<GatewayModelDefinitionRecord[]> {
    let query = this.definitions(this.db);
    if (filter.provider !== undefined) query = query.where('d.provider', '=', filter.provider);
    if (filter.secretId !== undefined) query = query.where('d.secret_id', '=', filter.secretId);
    const rows = await query.orderBy('d.created_at').orderBy('d.model_definition_id').execute();
    return rows.map((r) => toModelDefinition(r as ModelDefinitionRow));
  }

  async existingModelDefinitionIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('gateway_model_definitions')
      .select('model_definition_id')
      .where('model_definition_id', 'in', [...ids])
      .execute();
    return new Set(rows.map((r) => r.model_definition_id));
  }

  async updateModelDefinition(
    modelDefinitionId: string,
    patch: GatewayModelDefinitionPatch,
  ): Promise<GatewayModelDefinitionRecord | 'taken' | 'no-secret' | undefined> {
    const set: Updateable<GatewayModelDefinitionsTable> = { last_updated_at: patch.lastUpdatedAt };
    if (patch.lastUpdatedBy !== undefined) set.last_updated_by = patch.lastUpdatedBy;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.secretId !== undefined) set.secret_id = patch.secretId;
    if (patch.provider !== undefined) set.provider = patch.provider;
    if (patch.modelName !== undefined) set.model_name = patch.modelName;
    try {
      const outcome = await this.db.transaction().execute(async (tx) => {
        if (patch.secretId !== undefined && !(await secretExists(tx, patch.secretId))) return 'no-secret' as const;
        const result = await tx.updateTable('gateway_model_definitions').set(set).where('model_definition_id', '=', modelDefinitionId).executeTakeFirst();
        return Number(result.numUpdatedRows) === 0 ? undefined : ('updated' as const);
      });
      if (outcome !== 'updated') return outcome;
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
    return this.getModelDefinition(modelDefinitionId);
  }

  async deleteModelDefinition(modelDefinitionId: string): Promise<'deleted' | 'in-use' | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const used = await tx
        .selectFrom('gateway_endpoint_models')
        .select('mapping_id')
        .where('model_definition_id', '=', modelDefinitionId)
        .limit(1)
        .executeTakeFirst();
      if (used) return 'in-use';
      const result = await tx.deleteFrom('gateway_model_definitions').where('model_definition_id', '=', modelDefinitionId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0 ? 'deleted' : undefined;
    });
  }

  // ---- endpoints ----

  async createEndpoint(record: NewGatewayEndpoint): Promise<'created' | 'taken'> {
    try {
      await this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('gateway_endpoints')
          .values({
            endpoint_id: record.endpointId,
            name: record.name,
            routing_strategy: record.routingStrategy ?? null,
            fallback_config: fallbackConfigText(record.fallbackConfig),
            experiment_id: record.experimentId ?? null,
            usage_tracking: record.usageTracking ? 1 : 0,
            created_at: record.createdAt,
            last_updated_at: record.lastUpdatedAt,
            created_by: record.createdBy ?? null,
            last_updated_by: record.lastUpdatedBy ?? null,
          })
          .execute();
        if (record.modelMappings.length > 0)
          await tx.insertInto('gateway_endpoint_models').values(mappingRows(record.endpointId, record.modelMappings)).execute();
      });
      return 'created';
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async getEndpoint(endpointId: string): Promise<GatewayEndpointRecord | undefined> {
    const [endpoint] = await this.assemble(this.db, await this.db.selectFrom('gateway_endpoints').selectAll().where('endpoint_id', '=', endpointId).execute());
    return endpoint;
  }

  async getEndpointByName(name: string): Promise<GatewayEndpointRecord | undefined> {
    const [endpoint] = await this.assemble(this.db, await this.db.selectFrom('gateway_endpoints').selectAll().where('name', '=', name).execute());
    return endpoint;
  }

  async listEndpoints(filter: GatewayListFilter): Promise<GatewayEndpointRecord[]> {
    let query = this.db.selectFrom('gateway_endpoints as e').selectAll('e');
    if (filter.provider !== undefined || filter.secretId !== undefined) {
      const { provider, secretId } = filter;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('gateway_endpoint_models as m')
            .innerJoin('gateway_model_definitions as d', 'd.model_definition_id', 'm.model_definition_id')
            .select('m.mapping_id')
            .whereRef('m.endpoint_id', '=', 'e.endpoint_id')
            .$if(provider !== undefined, (q) => q.where('d.provider', '=', provider as string))
            .$if(secretId !== undefined, (q) => q.where('d.secret_id', '=', secretId as string)),
        ),
      );
    }
    return this.assemble(this.db, await query.orderBy('e.created_at').orderBy('e.endpoint_id').execute());
  }

  /** Endpoint rows with their models (and definitions) and tags. */
  private async assemble(db: Db, rows: Selectable<GatewayEndpointsTable>[]): Promise<GatewayEndpointRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.endpoint_id);
    const mappingRowsRead = await db
      .selectFrom('gateway_endpoint_models as m')
      .innerJoin('gateway_model_definitions as d', 'd.model_definition_id', 'm.model_definition_id')
      .leftJoin('gateway_secrets as s', 's.secret_id', 'd.secret_id')
      .selectAll('m')
      .select([
        'd.name as d_name',
        'd.secret_id as d_secret_id',
        'd.provider as d_provider',
        'd.model_name as d_model_name',
        'd.created_at as d_created_at',
        'd.last_updated_at as d_last_updated_at',
        'd.created_by as d_created_by',
        'd.last_updated_by as d_last_updated_by',
        's.secret_name as s_secret_name',
      ])
      .where('m.endpoint_id', 'in', ids)
      .execute();
    const tagRows = await db.selectFrom('gateway_endpoint_tags').selectAll().where('endpoint_id', 'in', ids).orderBy('key').execute();
    const mappings = new Map<string, GatewayModelMappingRecord[]>();
    for (const r of mappingRowsRead) {
      const definition = toModelDefinition({
        model_definition_id: r.model_definition_id,
        name: r.d_name,
        secret_id: r.d_secret_id,
        provider: r.d_provider,
        model_name: r.d_model_name,
        created_at: r.d_created_at,
        last_updated_at: r.d_last_updated_at,
        created_by: r.d_created_by,
        last_updated_by: r.d_last_updated_by,
        secret_name: r.s_secret_name,
      });
      const list = mappings.get(r.endpoint_id) ?? [];
      list.push(toMapping(r, definition));
      mappings.set(r.endpoint_id, list);
    }
    const tags = new Map<string, { key: string; value: string }[]>();
    for (const t of tagRows) {
      const list = tags.get(t.endpoint_id) ?? [];
      list.push({ key: t.key, value: t.value });
      tags.set(t.endpoint_id, list);
    }
    return rows.map((row) => toEndpoint(row, (mappings.get(row.endpoint_id) ?? []).sort(mappingOrder), tags.get(row.endpoint_id) ?? []));
  }

  async updateEndpoint(endpointId: string, patch: GatewayEndpointPatch): Promise<GatewayEndpointRecord | 'taken' | undefined> {
    const set: Updateable<GatewayEndpointsTable> = { last_updated_at: patch.lastUpdatedAt };
    if (patch.lastUpdatedBy !== undefined) set.last_updated_by = patch.lastUpdatedBy;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.routingStrategy !== undefined) set.routing_strategy = patch.routingStrategy;
    if (patch.fallbackConfig !== undefined) set.fallback_config = fallbackConfigText(patch.fallbackConfig);
    if (patch.experimentId !== undefined) set.experiment_id = patch.experimentId;
    if (patch.usageTracking !== undefined) set.usage_tracking = patch.usageTracking ? 1 : 0;
    try {
      const found = await this.db.transaction().execute(async (tx) => {
        const result = await tx.updateTable('gateway_endpoints').set(set).where('endpoint_id', '=', endpointId).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        if (patch.modelMappings !== undefined) {
          await tx.deleteFrom('gateway_endpoint_models').where('endpoint_id', '=', endpointId).execute();
          if (patch.modelMappings.length > 0) await tx.insertInto('gateway_endpoint_models').values(mappingRows(endpointId, patch.modelMappings)).execute();
        }
        return true;
      });
      if (!found) return undefined;
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
    return this.getEndpoint(endpointId);
  }

  async deleteEndpoint(endpointId: string): Promise<boolean> {
    // Models, tags and bindings go by their foreign keys' cascade.
    const result = await this.db.deleteFrom('gateway_endpoints').where('endpoint_id', '=', endpointId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async attachModel(endpointId: string, mapping: NewModelMapping, now: number): Promise<GatewayModelMappingRecord | 'taken'> {
    try {
      await this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('gateway_endpoint_models')
          .values(mappingRows(endpointId, [mapping]))
          .execute();
        const set: Updateable<GatewayEndpointsTable> = { last_updated_at: now };
        if (mapping.createdBy !== undefined) set.last_updated_by = mapping.createdBy;
        await tx.updateTable('gateway_endpoints').set(set).where('endpoint_id', '=', endpointId).execute();
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
    const definition = await this.getModelDefinition(mapping.modelDefinitionId);
    return { ...mapping, endpointId, ...(definition ? { modelDefinition: definition } : {}) };
  }

  async detachModel(endpointId: string, modelDefinitionId: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .deleteFrom('gateway_endpoint_models')
        .where('endpoint_id', '=', endpointId)
        .where('model_definition_id', '=', modelDefinitionId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await tx.updateTable('gateway_endpoints').set({ last_updated_at: now }).where('endpoint_id', '=', endpointId).execute();
      return true;
    });
  }

  async setEndpointTag(endpointId: string, key: string, value: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      if (!(await tx.selectFrom('gateway_endpoints').select('endpoint_id').where('endpoint_id', '=', endpointId).executeTakeFirst())) return false;
      await tx
        .insertInto('gateway_endpoint_tags')
        .values({ endpoint_id: endpointId, key, value })
        .onConflict((oc) => oc.columns(['endpoint_id', 'key']).doUpdateSet({ value }))
        .execute();
      return true;
    });
  }

  async deleteEndpointTag(endpointId: string, key: string): Promise<boolean> {
    if (!(await this.db.selectFrom('gateway_endpoints').select('endpoint_id').where('endpoint_id', '=', endpointId).executeTakeFirst())) return false;
    await this.db.deleteFrom('gateway_endpoint_tags').where('endpoint_id', '=', endpointId).where('key', '=', key).execute();
    return true;
  }

  // ---- bindings ----

  async createBinding(record: GatewayBindingRecord): Promise<'created' | 'taken'> {
    try {
      await this.db
        .insertInto('gateway_endpoint_bindings')
        .values({
          endpoint_id: record.endpointId,
          resource_type: record.resourceType,
          resource_id: record.resourceId,
          created_at: record.createdAt,
          last_updated_at: record.lastUpdatedAt,
          created_by: record.createdBy ?? null,
          last_updated_by: record.lastUpdatedBy ?? null,
        })
        .execute();
      return 'created';
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async deleteBinding(endpointId: string, resourceType: string, resourceId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('gateway_endpoint_bindings')
      .where('endpoint_id', '=', endpointId)
      .where('resource_type', '=', resourceType)
      .where('resource_id', '=', resourceId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listBindings(filter: GatewayBindingFilter): Promise<GatewayBindingRecord[]> {
    let query = this.db.selectFrom('gateway_endpoint_bindings').selectAll();
    if (filter.endpointId !== undefined) query = query.where('endpoint_id', '=', filter.endpointId);
    if (filter.resourceType !== undefined) query = query.where('resource_type', '=', filter.resourceType);
    if (filter.resourceId !== undefined) query = query.where('resource_id', '=', filter.resourceId);
    const rows = await query.orderBy('created_at').orderBy('endpoint_id').orderBy('resource_type').orderBy('resource_id').execute();
    return rows.map(toBinding);
  }

  // ---- budget policies ----

  async createBudgetPolicy(record: GatewayBudgetPolicyRecord): Promise<void> {
    await this.db.insertInto('gateway_budget_policies').values(budgetPolicyRow(record)).execute();
  }

  async getBudgetPolicy(budgetPolicyId: string): Promise<GatewayBudgetPolicyRecord | undefined> {
    const row = await this.db.selectFrom('gateway_budget_policies').selectAll().where('budget_policy_id', '=', budgetPolicyId).executeTakeFirst();
    return row && toBudgetPolicy(row);
  }

  async listBudgetPolicies(offset: number, limit: number): Promise<Page<GatewayBudgetPolicyRecord>> {
    const rows = await this.db
      .selectFrom('gateway_budget_policies')
      .selectAll()
      .orderBy('created_at')
      .orderBy('budget_policy_id')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return { items: rows.slice(0, limit).map(toBudgetPolicy), hasMore: rows.length > limit };
  }

  async allBudgetPolicies(): Promise<GatewayBudgetPolicyRecord[]> {
    const rows = await this.db.selectFrom('gateway_budget_policies').selectAll().orderBy('created_at').orderBy('budget_policy_id').execute();
    return rows.map(toBudgetPolicy);
  }

  async replaceBudgetPolicy(record: GatewayBudgetPolicyRecord): Promise<boolean> {
    const { budget_policy_id: id, created_at: _createdAt, created_by: _createdBy, ...fields } = budgetPolicyRow(record);
    const result = await this.db.updateTable('gateway_budget_policies').set(fields).where('budget_policy_id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteBudgetPolicy(budgetPolicyId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('gateway_budget_policies').where('budget_policy_id', '=', budgetPolicyId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

async function secretExists(db: Db, secretId: string): Promise<boolean> {
  return (await db.selectFrom('gateway_secrets').select('secret_id').where('secret_id', '=', secretId).executeTakeFirst()) !== undefined;
}
