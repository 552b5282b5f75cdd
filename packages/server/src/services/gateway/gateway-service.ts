import { ApiError } from '@loupe/protocol';
import type { Clock, IdGenerator } from '../../clock.js';
import type {
  GatewayBindingFilter,
  GatewayBindingRecord,
  GatewayBudgetPolicyRecord,
  GatewayEndpointPatch,
  GatewayEndpointRecord,
  GatewayFallbackConfig,
  GatewayListFilter,
  GatewayModelDefinitionRecord,
  GatewayModelMappingRecord,
  GatewaySecretRecord,
  GatewayStore,
  NewModelMapping,
} from '../../store/gateway-store.js';
import type { SecretCipher } from '../webhooks/secret-cipher.js';
import { budgetWindow, type BudgetWindow } from './budget-windows.js';
import type {
  ActiveBudget,
  BudgetPolicyFields,
  BudgetWindowReport,
  CreateEndpointCommand,
  CreateModelDefinitionCommand,
  CreateSecretCommand,
  FallbackSettings,
  ModelConfig,
  ResolvedEndpoint,
  ResolvedModel,
  ResolvedSecret,
  UpdateEndpointCommand,
  UpdateModelDefinitionCommand,
  UpdateSecretCommand,
} from './gateway-commands.js';
import { maskSecretValues } from './secret-masking.js';

/** What the service needs besides its store. */
export interface GatewayServiceDeps {
  store: GatewayStore;
  clock: Clock;
  ids: IdGenerator;
  /** Null: no secret key; storing a secret value is refused. Keyed for gateway secrets (`gateway-secret-v1`). */
  cipher: SecretCipher | null;
  /**
   * The experiment of an endpoint's traces when usage tracking is on and none was named: the one called
   * `name`, created if missing, tagged as the endpoint's (MLflow's `mlflow.experiment.sourceType`
   * GATEWAY and `mlflow.experiment.sourceId`).
   */
  experimentIdFor(name: string, endpointId: string): Promise<string>;
  /** What was spent in a budget's window; the data plane records spend (until then: 0). */
  spendOf?(policy: GatewayBudgetPolicyRecord, window: BudgetWindow): Promise<number>;
}

function secretNotFound(what: string): ApiError {
  return ApiError.notFound(`Gateway secret ${what} not found.`);
}

function endpointNotFound(what: string): ApiError {
  return ApiError.notFound(`Gateway endpoint ${what} not found.`);
}

function modelDefinitionNotFound(id: string): ApiError {
  return ApiError.notFound(`Gateway model definition with ID '${id}' not found.`);
}

function endpointNameTaken(name: string): ApiError {
  return ApiError.alreadyExists(`Endpoint with name '${name}' already exists`);
}

function budgetNotFound(id: string): ApiError {
  return ApiError.notFound(`Budget policy with ID '${id}' not found.`);
}

/**
 * The get RPCs take an id or a name. MLflow's handlers require the id (its store takes either), so
 * neither is MLflow's "missing" for the id; both is its store's "exactly one".
 */
function exactlyOne(aName: string, a: string | undefined, bName: string, b: string | undefined): void {
  if (a === undefined && b === undefined) throw ApiError.missing(aName);
  if (a !== undefined && b !== undefined) throw ApiError.invalid(`Exactly one of ${aName} or ${bName} must be provided`);
}

/** MLflow's offset page tokens: base64 of `{"offset": n}`. */
function decodeOffsetToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Reported below.
  }
  throw ApiError.invalid(`Invalid page token, could not base64-decode or parse: '${token}'`);
}

/**
 * The AI gateway's control plane (MLflow 3.9+; spec §8.4, §11.2): secrets encrypted before they are
 * stored and only ever returned masked, model definitions, endpoints with their models, tags and
 * bindings, and budget policies, with MLflow's rules and messages. For the data plane it resolves an
 * endpoint by name with decrypted credentials ({@link resolveEndpoint}) and lists the budgets that
 * apply to a request with their current windows ({@link budgetsForEndpoint}).
 *
 * @example
 * const secret = await gateway.createSecret({ secretName: 'openai', value: { api_key: 'sk-...' }, provider: 'openai' });
 * const endpoint = await gateway.resolveEndpoint('chat'); // endpoint.models[0].secret.value.api_key
 */
export class GatewayService {
  constructor(private readonly deps: GatewayServiceDeps) {}

  private newId(prefix: string): string {
    return `${prefix}-${this.deps.ids.hex32()}`;
  }

  // ---- secrets ----

  /** Whether this server can store secret values (`GetSecretsConfig`). */
  secretsAvailable(): boolean {
    return this.deps.cipher !== null;
  }

  async createSecret(command: CreateSecretCommand): Promise<GatewaySecretRecord> {
    const now = this.deps.clock.now();
    const secretId = this.newId('s');
    const record: GatewaySecretRecord = {
      secretId,
      secretName: command.secretName,
      valueCiphertext: this.encrypt(secretId, command.value),
      maskedValues: maskSecretValues(command.value),
      ...(command.provider !== undefined ? { provider: command.provider } : {}),
      ...(command.authConfig !== undefined && Object.keys(command.authConfig).length > 0 ? { authConfig: command.authConfig } : {}),
      createdAt: now,
      lastUpdatedAt: now,
      ...(command.by !== undefined ? { createdBy: command.by, lastUpdatedBy: command.by } : {}),
    };
    if ((await this.deps.store.createSecret(record)) === 'taken') throw ApiError.alreadyExists(`Secret with name '${command.secretName}' already exists`);
    return record;
  }

  async getSecret(ref: { secretId?: string; secretName?: string }): Promise<GatewaySecretRecord> {
    exactlyOne('secret_id', ref.secretId, 'secret_name', ref.secretName);
    const secret = ref.secretId !== undefined ? await this.deps.store.getSecret(ref.secretId) : await this.deps.store.getSecretByName(ref.secretName as string);
    if (!secret) throw secretNotFound(ref.secretId !== undefined ? `with ID '${ref.secretId}'` : `with name '${ref.secretName}'`);
    return secret;
  }

  listSecrets(provider?: string): Promise<GatewaySecretRecord[]> {
    return this.deps.store.listSecrets(provider);
  }

  async updateSecret(secretId: string, command: UpdateSecretCommand): Promise<GatewaySecretRecord> {
    const updated = await this.deps.store.updateSecret(secretId, {
      ...(command.value !== undefined ? { valueCiphertext: this.encrypt(secretId, command.value), maskedValues: maskSecretValues(command.value) } : {}),
      ...(command.authConfig !== undefined ? { authConfig: command.authConfig } : {}),
      lastUpdatedAt: this.deps.clock.now(),
      ...(command.by !== undefined ? { lastUpdatedBy: command.by } : {}),
    });
    if (!updated) throw secretNotFound(`with ID '${secretId}'`);
    return updated;
  }

  async deleteSecret(secretId: string): Promise<void> {
    if (!(await this.deps.store.deleteSecret(secretId))) throw secretNotFound(`with ID '${secretId}'`);
  }

  // ---- model definitions ----

  async createModelDefinition(command: CreateModelDefinitionCommand): Promise<GatewayModelDefinitionRecord> {
    const now = this.deps.clock.now();
    const record: GatewayModelDefinitionRecord = {
      modelDefinitionId: this.newId('d'),
      name: command.name,
      secretId: command.secretId,
      provider: command.provider,
      modelName: command.modelName,
      createdAt: now,
      lastUpdatedAt: now,
      ...(command.by !== undefined ? { createdBy: command.by, lastUpdatedBy: command.by } : {}),
    };
    const outcome = await this.deps.store.createModelDefinition(record);
    if (outcome === 'no-secret') throw secretNotFound(`with ID '${command.secretId}'`);
    if (outcome === 'taken') throw ApiError.alreadyExists(`Model definition with name '${command.name}' already exists`);
    return this.getModelDefinition(record.modelDefinitionId);
  }

  async getModelDefinition(modelDefinitionId: string): Promise<GatewayModelDefinitionRecord> {
    const definition = await this.deps.store.getModelDefinition(modelDefinitionId);
    if (!definition) throw modelDefinitionNotFound(modelDefinitionId);
    return definition;
  }

  listModelDefinitions(filter: GatewayListFilter): Promise<GatewayModelDefinitionRecord[]> {
    return this.deps.store.listModelDefinitions(filter);
  }

  async updateModelDefinition(modelDefinitionId: string, command: UpdateModelDefinitionCommand): Promise<GatewayModelDefinitionRecord> {
    const outcome = await this.deps.store.updateModelDefinition(modelDefinitionId, {
      ...(command.name !== undefined ? { name: command.name } : {}),
      ...(command.secretId !== undefined ? { secretId: command.secretId } : {}),
      ...(command.provider !== undefined ? { provider: command.provider } : {}),
      ...(command.modelName !== undefined ? { modelName: command.modelName } : {}),
      lastUpdatedAt: this.deps.clock.now(),
      ...(command.by !== undefined ? { lastUpdatedBy: command.by } : {}),
    });
    if (outcome === undefined) throw modelDefinitionNotFound(modelDefinitionId);
    if (outcome === 'no-secret') throw secretNotFound(`with ID '${command.secretId}'`);
    if (outcome === 'taken') throw ApiError.alreadyExists(`Model definition with name '${command.name}' already exists`);
    return outcome;
  }

  async deleteModelDefinition(modelDefinitionId: string): Promise<void> {
    const outcome = await this.deps.store.deleteModelDefinition(modelDefinitionId);
    if (outcome === undefined) throw modelDefinitionNotFound(modelDefinitionId);
    if (outcome === 'in-use')
      throw new ApiError('INVALID_STATE', 'Cannot delete model definition that is currently in use by endpoints. Detach it from all endpoints first.');
  }

  // ---- endpoints ----

  private mappingsOf(configs: readonly ModelConfig[], now: number, by: string | undefined): NewModelMapping[] {
    return configs.map((c) => ({
      mappingId: this.newId('m'),
      modelDefinitionId: c.modelDefinitionId,
      linkageType: c.linkageType,
      weight: c.weight ?? 1,
      ...(c.fallbackOrder !== undefined ? { fallbackOrder: c.fallbackOrder } : {}),
      createdAt: now,
      ...(by !== undefined ? { createdBy: by } : {}),
    }));
  }

  private async checkModelDefinitions(configs: readonly ModelConfig[]): Promise<void> {
    const wanted = [...new Set(configs.map((c) => c.modelDefinitionId))];
    const existing = await this.deps.store.existingModelDefinitionIds(wanted);
    const missing = wanted.filter((id) => !existing.has(id));
    if (missing.length > 0) throw ApiError.notFound(`Model definitions not found: ${missing.join(', ')}`);
  }

  /** MLflow keeps the FALLBACK models' ids with the fallback settings. */
  private fallbackOf(settings: FallbackSettings | undefined, configs: readonly ModelConfig[]): GatewayFallbackConfig | undefined {
    const fallbackIds = configs.filter((c) => c.linkageType === 'FALLBACK').map((c) => c.modelDefinitionId);
    if (!settings && fallbackIds.length === 0) return undefined;
    return {
      ...(settings?.strategy !== undefined ? { strategy: settings.strategy } : {}),
      ...(settings?.maxAttempts !== undefined ? { maxAttempts: settings.maxAttempts } : {}),
      modelDefinitionIds: fallbackIds,
    };
  }

  async createEndpoint(command: CreateEndpointCommand): Promise<GatewayEndpointRecord> {
    if (command.modelConfigs.length === 0) throw ApiError.invalid('Endpoint must have at least one model configuration');
    await this.checkModelDefinitions(command.modelConfigs);
    // Before an experiment is made for it (the unique constraint still decides a race).
    if (await this.deps.store.getEndpointByName(command.name)) throw endpointNameTaken(command.name);
    const now = this.deps.clock.now();
    const endpointId = this.newId('e');
    // MLflow's handler: usage tracking is on unless the request turns it off; with it on and no
    // experiment named, traces go to `gateway/<name>`.
    const usageTracking = command.usageTracking ?? true;
    const experimentId =
      usageTracking && command.experimentId === undefined ? await this.deps.experimentIdFor(`gateway/${command.name}`, endpointId) : command.experimentId;
    const fallbackConfig = this.fallbackOf(command.fallbackConfig, command.modelConfigs);
    const outcome = await this.deps.store.createEndpoint({
      endpointId,
      name: command.name,
      ...(command.routingStrategy !== undefined ? { routingStrategy: command.routingStrategy } : {}),
      ...(fallbackConfig ? { fallbackConfig } : {}),
      ...(experimentId !== undefined ? { experimentId } : {}),
      usageTracking,
      createdAt: now,
      lastUpdatedAt: now,
      ...(command.by !== undefined ? { createdBy: command.by, lastUpdatedBy: command.by } : {}),
      modelMappings: this.mappingsOf(command.modelConfigs, now, command.by),
    });
    if (outcome === 'taken') throw endpointNameTaken(command.name);
    return this.getEndpoint({ endpointId });
  }

  async getEndpoint(ref: { endpointId?: string; name?: string }): Promise<GatewayEndpointRecord> {
    exactlyOne('endpoint_id', ref.endpointId, 'name', ref.name);
    const endpoint =
      ref.endpointId !== undefined ? await this.deps.store.getEndpoint(ref.endpointId) : await this.deps.store.getEndpointByName(ref.name as string);
    if (!endpoint) throw endpointNotFound(ref.endpointId !== undefined ? `with ID '${ref.endpointId}'` : `with name '${ref.name}'`);
    return endpoint;
  }

  listEndpoints(filter: GatewayListFilter): Promise<GatewayEndpointRecord[]> {
    return this.deps.store.listEndpoints(filter);
  }

  async updateEndpoint(endpointId: string, command: UpdateEndpointCommand): Promise<GatewayEndpointRecord> {
    const current = await this.getEndpoint({ endpointId });
    const now = this.deps.clock.now();
    const patch: GatewayEndpointPatch = { lastUpdatedAt: now, ...(command.by !== undefined ? { lastUpdatedBy: command.by } : {}) };
    if (command.name !== undefined) patch.name = command.name;
    if (command.routingStrategy !== undefined) patch.routingStrategy = command.routingStrategy;
    if (command.modelConfigs !== undefined) {
      await this.checkModelDefinitions(command.modelConfigs);
      patch.modelMappings = this.mappingsOf(command.modelConfigs, now, command.by);
      patch.fallbackConfig = this.fallbackOf(command.fallbackConfig, command.modelConfigs) ?? null;
    } else if (command.fallbackConfig !== undefined) {
      patch.fallbackConfig = {
        ...(command.fallbackConfig.strategy !== undefined ? { strategy: command.fallbackConfig.strategy } : {}),
        ...(command.fallbackConfig.maxAttempts !== undefined ? { maxAttempts: command.fallbackConfig.maxAttempts } : {}),
        modelDefinitionIds: current.fallbackConfig?.modelDefinitionIds ?? [],
      };
    }
    if (command.usageTracking === false) {
      // Turning usage tracking off forgets the experiment (MLflow's UpdateGatewayEndpoint).
      patch.usageTracking = false;
      patch.experimentId = null;
    } else if (command.usageTracking === true) {
      patch.usageTracking = true;
      patch.experimentId =
        command.experimentId ?? current.experimentId ?? (await this.deps.experimentIdFor(`gateway/${command.name ?? current.name}`, endpointId));
    } else if (command.experimentId !== undefined) {
      patch.experimentId = command.experimentId;
    }
    const outcome = await this.deps.store.updateEndpoint(endpointId, patch);
    if (outcome === undefined) throw endpointNotFound(`with ID '${endpointId}'`);
    if (outcome === 'taken') throw endpointNameTaken(command.name as string);
    return outcome;
  }

  async deleteEndpoint(endpointId: string): Promise<void> {
    if (!(await this.deps.store.deleteEndpoint(endpointId))) throw endpointNotFound(`with ID '${endpointId}'`);
  }

  async attachModel(endpointId: string, config: ModelConfig, by: string | undefined): Promise<GatewayModelMappingRecord> {
    await this.getEndpoint({ endpointId });
    await this.getModelDefinition(config.modelDefinitionId);
    const now = this.deps.clock.now();
    const [mapping] = this.mappingsOf([config], now, by);
    const outcome = await this.deps.store.attachModel(endpointId, mapping as NewModelMapping, now);
    if (outcome === 'taken') throw ApiError.alreadyExists(`Model definition '${config.modelDefinitionId}' is already attached to endpoint '${endpointId}'`);
    return outcome;
  }

  async detachModel(endpointId: string, modelDefinitionId: string): Promise<void> {
    if (!(await this.deps.store.detachModel(endpointId, modelDefinitionId, this.deps.clock.now())))
      throw ApiError.notFound(`Model definition '${modelDefinitionId}' is not attached to endpoint '${endpointId}'`);
  }

  async setEndpointTag(endpointId: string, key: string, value: string): Promise<void> {
    if (!(await this.deps.store.setEndpointTag(endpointId, key, value))) throw endpointNotFound(`with ID '${endpointId}'`);
  }

  async deleteEndpointTag(endpointId: string, key: string): Promise<void> {
    if (!(await this.deps.store.deleteEndpointTag(endpointId, key))) throw endpointNotFound(`with ID '${endpointId}'`);
  }

  // ---- bindings ----

  async createBinding(endpointId: string, resourceType: string, resourceId: string, by: string | undefined): Promise<GatewayBindingRecord> {
    await this.getEndpoint({ endpointId });
    const now = this.deps.clock.now();
    const record: GatewayBindingRecord = {
      endpointId,
      resourceType,
      resourceId,
      createdAt: now,
      lastUpdatedAt: now,
      ...(by !== undefined ? { createdBy: by, lastUpdatedBy: by } : {}),
    };
    if ((await this.deps.store.createBinding(record)) === 'taken')
      throw ApiError.alreadyExists(`Endpoint '${endpointId}' is already bound to ${resourceType} '${resourceId}'`);
    return record;
  }

  async deleteBinding(endpointId: string, resourceType: string, resourceId: string): Promise<void> {
    if (!(await this.deps.store.deleteBinding(endpointId, resourceType, resourceId)))
      throw ApiError.notFound(`No binding of endpoint '${endpointId}' to ${resourceType} '${resourceId}' was found.`);
  }

  listBindings(filter: GatewayBindingFilter): Promise<GatewayBindingRecord[]> {
    return this.deps.store.listBindings(filter);
  }

  // ---- budget policies ----

  /** The whole policy is checked as it will be stored: what the scope needs, the target it names. */
  private async checkedPolicy(fields: BudgetPolicyFields): Promise<Omit<GatewayBudgetPolicyRecord, 'budgetPolicyId' | 'createdAt' | 'lastUpdatedAt'>> {
    // Every field is required, in the order MLflow's handler checks them.
    if (fields.budgetUnit === undefined) throw ApiError.missing('budget_unit');
    if (fields.budgetAmount === undefined) throw ApiError.missing('budget_amount');
    if (fields.durationUnit === undefined && fields.durationValue === undefined) throw ApiError.missing('duration');
    if (fields.durationUnit === undefined) throw ApiError.missing('duration.unit');
    if (fields.durationValue === undefined) throw ApiError.missing('duration.value');
    if (fields.targetScope === undefined) throw ApiError.missing('target_scope');
    if (fields.budgetAction === undefined) throw ApiError.missing('budget_action');
    const targetScope = fields.targetScope;
    const needsTarget = targetScope === 'ENDPOINT' || targetScope === 'USER';
    if (needsTarget && fields.targetValue === undefined) throw ApiError.invalid(`target_value is required when target_scope is ${targetScope}.`);
    if (!needsTarget && fields.targetValue !== undefined) throw ApiError.invalid(`target_value must not be set when target_scope is ${targetScope}.`);
    if (targetScope === 'ENDPOINT') await this.getEndpoint({ endpointId: fields.targetValue as string });
    return {
      budgetUnit: fields.budgetUnit,
      budgetAmount: fields.budgetAmount,
      durationUnit: fields.durationUnit,
      durationValue: fields.durationValue,
      targetScope,
      ...(needsTarget ? { targetValue: fields.targetValue as string } : {}),
      budgetAction: fields.budgetAction,
    };
  }

  async createBudgetPolicy(fields: BudgetPolicyFields, by: string | undefined): Promise<GatewayBudgetPolicyRecord> {
    const checked = await this.checkedPolicy(fields);
    const now = this.deps.clock.now();
    const record: GatewayBudgetPolicyRecord = {
      budgetPolicyId: this.newId('bp'),
      ...checked,
      createdAt: now,
      lastUpdatedAt: now,
      ...(by !== undefined ? { createdBy: by, lastUpdatedBy: by } : {}),
    };
    await this.deps.store.createBudgetPolicy(record);
    return record;
  }

  async getBudgetPolicy(budgetPolicyId: string): Promise<GatewayBudgetPolicyRecord> {
    const policy = await this.deps.store.getBudgetPolicy(budgetPolicyId);
    if (!policy) throw budgetNotFound(budgetPolicyId);
    return policy;
  }

  async listBudgetPolicies(maxResults: number, pageToken: string | undefined): Promise<{ policies: GatewayBudgetPolicyRecord[]; nextPageToken?: string }> {
    const offset = decodeOffsetToken(pageToken);
    const page = await this.deps.store.listBudgetPolicies(offset, maxResults);
    return page.hasMore
      ? { policies: page.items, nextPageToken: Buffer.from(JSON.stringify({ offset: offset + maxResults })).toString('base64') }
      : { policies: page.items };
  }

  /** Fields given replace the stored ones; a scope change without a target_value drops the old target. */
  async updateBudgetPolicy(budgetPolicyId: string, fields: BudgetPolicyFields, by: string | undefined): Promise<GatewayBudgetPolicyRecord> {
    const current = await this.getBudgetPolicy(budgetPolicyId);
    const scopeChanged = fields.targetScope !== undefined && fields.targetScope !== current.targetScope;
    const checked = await this.checkedPolicy({
      budgetUnit: fields.budgetUnit ?? current.budgetUnit,
      budgetAmount: fields.budgetAmount ?? current.budgetAmount,
      durationUnit: fields.durationUnit ?? current.durationUnit,
      durationValue: fields.durationValue ?? current.durationValue,
      targetScope: fields.targetScope ?? current.targetScope,
      ...((fields.targetValue ?? (scopeChanged ? undefined : current.targetValue)) !== undefined
        ? { targetValue: (fields.targetValue ?? current.targetValue) as string }
        : {}),
      budgetAction: fields.budgetAction ?? current.budgetAction,
    });
    const record: GatewayBudgetPolicyRecord = {
      budgetPolicyId,
      ...checked,
      createdAt: current.createdAt,
      lastUpdatedAt: this.deps.clock.now(),
      ...(current.createdBy !== undefined ? { createdBy: current.createdBy } : {}),
      ...((by ?? current.lastUpdatedBy) !== undefined ? { lastUpdatedBy: (by ?? current.lastUpdatedBy) as string } : {}),
    };
    if (!(await this.deps.store.replaceBudgetPolicy(record))) throw budgetNotFound(budgetPolicyId);
    return record;
  }

  async deleteBudgetPolicy(budgetPolicyId: string): Promise<void> {
    if (!(await this.deps.store.deleteBudgetPolicy(budgetPolicyId))) throw budgetNotFound(budgetPolicyId);
  }

  /** Every policy's current window and what was spent in it (`ListGatewayBudgetWindows`). */
  async listBudgetWindows(): Promise<BudgetWindowReport[]> {
    const now = this.deps.clock.now();
    const reports: BudgetWindowReport[] = [];
    for (const policy of await this.deps.store.allBudgetPolicies()) {
      const window = budgetWindow(policy.durationUnit, policy.durationValue, now);
      reports.push({ budgetPolicyId: policy.budgetPolicyId, window, currentSpend: (await this.deps.spendOf?.(policy, window)) ?? 0 });
    }
    return reports;
  }

  /**
   * The budgets a request to the endpoint counts against, each with its window now: GLOBAL and
   * WORKSPACE ones (one workspace here), ENDPOINT ones naming this endpoint, USER ones naming `user`.
   * For the data plane, which records spend and refuses (429) or alerts past a limit.
   */
  async budgetsForEndpoint(endpointId: string, user?: string): Promise<ActiveBudget[]> {
    const now = this.deps.clock.now();
    return (await this.deps.store.allBudgetPolicies())
      .filter(
        (p) =>
          p.targetScope === 'GLOBAL' ||
          p.targetScope === 'WORKSPACE' ||
          (p.targetScope === 'ENDPOINT' && p.targetValue === endpointId) ||
          (p.targetScope === 'USER' && user !== undefined && p.targetValue === user),
      )
      .map((policy) => ({ policy, window: budgetWindow(policy.durationUnit, policy.durationValue, now) }));
  }

  // ---- the data plane's lookups ----

  /** Whether an endpoint of this name exists. */
  async endpointExists(name: string): Promise<boolean> {
    return (await this.deps.store.getEndpointByName(name)) !== undefined;
  }

  /**
   * The endpoint of this name with each model's definition and decrypted secret (server-internal:
   * never on the wire). RESOURCE_DOES_NOT_EXIST when there is no such endpoint.
   */
  async resolveEndpoint(name: string): Promise<ResolvedEndpoint> {
    const endpoint = await this.deps.store.getEndpointByName(name);
    if (!endpoint) throw endpointNotFound(`with name '${name}'`);
    const secrets = new Map<string, ResolvedSecret | undefined>();
    const models: ResolvedModel[] = [];
    for (const mapping of endpoint.modelMappings) {
      const definition = mapping.modelDefinition ?? (await this.getModelDefinition(mapping.modelDefinitionId));
      const secretId = definition.secretId;
      if (secretId !== undefined && !secrets.has(secretId)) secrets.set(secretId, await this.resolveSecret(secretId));
      const secret = secretId === undefined ? undefined : secrets.get(secretId);
      models.push({
        mappingId: mapping.mappingId,
        linkageType: mapping.linkageType,
        weight: mapping.weight,
        ...(mapping.fallbackOrder !== undefined ? { fallbackOrder: mapping.fallbackOrder } : {}),
        modelDefinition: definition,
        ...(secret ? { secret } : {}),
      });
    }
    return {
      endpointId: endpoint.endpointId,
      name: endpoint.name,
      ...(endpoint.routingStrategy !== undefined ? { routingStrategy: endpoint.routingStrategy } : {}),
      ...(endpoint.fallbackConfig !== undefined ? { fallbackConfig: endpoint.fallbackConfig } : {}),
      ...(endpoint.experimentId !== undefined ? { experimentId: endpoint.experimentId } : {}),
      usageTracking: endpoint.usageTracking,
      models,
    };
  }

  private async resolveSecret(secretId: string): Promise<ResolvedSecret | undefined> {
    const secret = await this.deps.store.getSecret(secretId);
    if (!secret) return undefined;
    if (!this.deps.cipher) throw new Error('a gateway secret is stored but this server has no secret key (--secret-key / LOUPE_SECRET_KEY) to read it');
    return {
      secretId: secret.secretId,
      secretName: secret.secretName,
      ...(secret.provider !== undefined ? { provider: secret.provider } : {}),
      value: JSON.parse(this.deps.cipher.decrypt(secret.valueCiphertext, secret.secretId)) as Record<string, string>,
      authConfig: secret.authConfig ?? {},
    };
  }

  private encrypt(secretId: string, value: Record<string, string>): string {
    if (!this.deps.cipher) {
      throw new ApiError(
        'BAD_REQUEST',
        'This server cannot store gateway secrets: it has no secret key. Start every Loupe server on this database with the same --secret-key (or LOUPE_SECRET_KEY / LOUPE_SECRETS_KEY), then create the secret again.',
      );
    }
    return this.deps.cipher.encrypt(JSON.stringify(value), secretId);
  }
}
