import {
  ApiError,
  hasPromptTag,
  LoggedModelTagKey,
  parseModelVersionFilter,
  parseModelVersionOrderBy,
  parseRegisteredModelFilter,
  parseRegisteredModelOrderBy,
  promptScope,
  REGISTRY_LIMITS,
  type KeyValue,
  type ModelVersionStage,
} from '@loupe/protocol';
import type { Clock } from '../../clock.js';
import type { LoggedModelRecord } from '../../store/logged-model-store.js';
import type { ModelVersionRecord, NewRegistryEvent, RegisteredModelRecord, RegistryStore, WriteFacts } from '../../store/registry-store.js';
import type { RunInfoRecord } from '../../store/tracking-store.js';
import { maxResults, nextPageToken, pageRequest } from '../pagination.js';
import { ModelVersionSources } from './model-version-sources.js';
import { aliasChanged, modelVersionCreated, modelVersionTagChanged, registeredModelCreated, registeredModelTagChanged } from './registry-events.js';

/** Stages whose versions `archive_existing_versions` may archive (MLflow's active stages). */
const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production'];

/** A filter holding NUL can match nothing and PostgreSQL cannot take it as a parameter: refused up front. */
function filterOf(filter: string | undefined): string | undefined {
  if (filter?.includes('\u0000'))
    throw ApiError.invalid(`Invalid filter '${filter.split('\u0000').join('\\u0000').slice(0, 200)}': NUL characters are not allowed.`);
  return filter;
}

const modelNotFound = (name: string) => ApiError.notFound(`Registered Model with name=${name} not found`);
const versionNotFound = (name: string, version: number) => ApiError.notFound(`Model Version (name=${name}, version=${version}) not found`);

/** Creates a registered model (or a prompt: its tags carry `mlflow.prompt.is_prompt`). */
export interface CreateRegisteredModelCommand {
  name: string;
  tags: KeyValue[];
  description?: string | undefined;
}

/** Creates a model version; the edge has checked the fields' shapes and lengths. */
export interface CreateModelVersionCommand {
  name: string;
  source: string;
  runId?: string | undefined;
  tags: KeyValue[];
  runLink?: string | undefined;
  description?: string | undefined;
  modelId?: string | undefined;
}

/** A registry search as the client wrote it (spec §9.3, §9.4). */
export interface RegistrySearchCommand {
  filter?: string | undefined;
  orderBy: string[];
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** What the registry service is built from besides its store and clock. */
export interface RegistryServiceOptions {
  /** Looks runs up (local sources must lie in their run's artifact folder; `runs:/` sources resolve through them). */
  runs: { getInfo(runId: string): Promise<RunInfoRecord> };
  /** Looks logged models up (`models:/m-...` sources, `model_id`) and records their versions on them. */
  loggedModels: { get(modelId: string, allowDeleted?: boolean): Promise<LoggedModelRecord>; setTags(modelId: string, tags: KeyValue[]): Promise<void> };
  /** MLflow's `MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX`: a source must match it when set. */
  sourceValidationRegex?: RegExp | undefined;
  /**
   * Called after a write whose webhook events were committed (seam 1 of issue 16): an in-process
   * dispatcher wakes at once; dispatchers of other servers find the rows by polling.
   */
  onRegistryEvents?: (() => void) | undefined;
}

/**
 * Model and prompt registry use cases (spec §6, §7) with MLflow 3.11's semantics and messages:
 * registered models and versions, tags, aliases (`latest` resolved), legacy stages, sources checked and
 * resolved (`models:/`, `runs:/`), the logged model recording its versions, and the webhook events of
 * each change stored with it.
 *
 * @example
 * const registry = new RegistryService(store, clock, { runs, loggedModels });
 * const model = await registry.createRegisteredModel({ name: 'clf', tags: [] });
 */
export class RegistryService {
  private readonly sources: ModelVersionSources;

  constructor(
    private readonly store: RegistryStore,
    private readonly clock: Clock,
    private readonly options: RegistryServiceOptions,
  ) {
    this.sources = new ModelVersionSources({ ...options, versions: this });
  }

  async createRegisteredModel(command: CreateRegisteredModelCommand): Promise<RegisteredModelRecord> {
    const now = this.clock.now();
    const isPromptRequest = hasPromptTag(command.tags);
    const created = await this.withEvents(
      (events) =>
        this.store.createRegisteredModel(
          { name: command.name, tags: command.tags, now, ...(command.description ? { description: command.description } : {}) },
          events,
        ),
      () => registeredModelCreated({ ...command, isPromptRequest }, now),
    );
    if (created) return created;
    const existing = await this.store.getRegisteredModel(command.name);
    const existingIsPrompt = existing !== undefined && hasPromptTag(existing.tags);
    if (existingIsPrompt !== isPromptRequest) {
      const [made, taken] = isPromptRequest ? ['prompt', 'registered model'] : ['registered model', 'prompt'];
      throw ApiError.alreadyExists(
        `Tried to create a ${made} with name '${command.name}', but the name is already taken by a ${taken}. MLflow does not allow creating a model and a prompt with the same name.`,
      );
    }
    throw ApiError.alreadyExists(`${isPromptRequest ? 'Prompt' : 'Registered Model'} (name=${command.name}) already exists.`);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModelRecord> {
    const model = await this.store.getRegisteredModel(name);
    if (!model) throw modelNotFound(name);
    return model;
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModelRecord> {
    const result = await this.store.renameRegisteredModel(name, newName, this.clock.now());
    if (result === 'missing') throw modelNotFound(name);
    if (result === 'taken') throw ApiError.alreadyExists(`Registered Model (name=${newName}) already exists.`);
    return this.getRegisteredModel(newName);
  }

  async updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModelRecord> {
    if (!(await this.store.updateRegisteredModel(name, description || undefined, this.clock.now()))) throw modelNotFound(name);
    return this.getRegisteredModel(name);
  }

  /** Deletes a model with its versions, tags and aliases. */
  async deleteRegisteredModel(name: string): Promise<void> {
    if (!(await this.store.deleteRegisteredModel(name))) throw modelNotFound(name);
  }

  async searchRegisteredModels(command: RegistrySearchCommand): Promise<{ models: RegisteredModelRecord[]; nextPageToken?: string }> {
    const limit = maxResults(command.maxResults, REGISTRY_LIMITS.searchModelsDefault, REGISTRY_LIMITS.searchModelsMax);
    const page = pageRequest(command.pageToken, limit);
    const scope = promptScope(parseRegisteredModelFilter(filterOf(command.filter)));
    const result = await this.store.searchRegisteredModels({ ...scope, orderBy: parseRegisteredModelOrderBy(command.orderBy), page });
    const token = nextPageToken(page, result.hasMore);
    return token ? { models: result.items, nextPageToken: token } : { models: result.items };
  }

  /** The newest version of each of `stages` (every stage when none is given). */
  async getLatestVersions(name: string, stages: ModelVersionStage[]): Promise<ModelVersionRecord[]> {
    const versions = await this.store.getLatestVersions(name, stages);
    if (!versions) throw modelNotFound(name);
    return versions;
  }

  async setRegisteredModelTag(name: string, tag: KeyValue): Promise<void> {
    const now = this.clock.now();
    const done = await this.withEvents(
      (events) => this.store.setRegisteredModelTag(name, tag, events),
      ({ isPrompt }: WriteFacts) => registeredModelTagChanged({ name, key: tag.key, value: tag.value }, isPrompt, now),
    );
    if (!done) throw modelNotFound(name);
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    const now = this.clock.now();
    const done = await this.withEvents(
      (events) => this.store.deleteRegisteredModelTag(name, key, events),
      ({ isPrompt }: WriteFacts) => registeredModelTagChanged({ name, key }, isPrompt, now),
    );
    if (!done) throw modelNotFound(name);
  }

  /**
   * Creates the model's next version (READY at once), after MLflow's source checks: the server's
   * source pattern; for prompts, no local paths; otherwise a local source must lie in its run's (or
   * logged model's) artifact folder and any other must not climb out of its path. `models:/` sources
   * resolve to where the files are; `runs:/` ones through the run. A version made from a logged model
   * is recorded on it (tag `mlflow.modelVersions`).
   */
  async createModelVersion(command: CreateModelVersionCommand): Promise<ModelVersionRecord> {
    const isPromptRequest = hasPromptTag(command.tags);
    const loggedModel = command.modelId ? await this.options.loggedModels.get(command.modelId, true) : undefined;
    await this.sources.check(command.source, { isPrompt: isPromptRequest, runId: command.runId, loggedModel });
    const resolved = await this.sources.resolve(command.source);
    const runId = command.runId || resolved.runId || loggedModel?.sourceRunId;
    const now = this.clock.now();
    const created = await this.withEvents(
      (events) =>
        this.store.createModelVersion(
          {
            name: command.name,
            source: command.source,
            tags: command.tags,
            now,
            ...(resolved.storageLocation ? { storageLocation: resolved.storageLocation } : {}),
            ...(runId ? { runId } : {}),
            ...(command.runLink ? { runLink: command.runLink } : {}),
            ...(command.description ? { description: command.description } : {}),
            ...(command.modelId ? { modelId: command.modelId } : {}),
          },
          events,
        ),
      (version: number) => modelVersionCreated({ ...command, version, isPromptRequest }, now),
    );
    if (!created) throw modelNotFound(command.name);
    if (!isPromptRequest && loggedModel) await this.recordVersionOnLoggedModel(loggedModel.modelId, created);
    return created;
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersionRecord> {
    const found = await this.store.getModelVersion(name, version);
    if (!found) throw versionNotFound(name, version);
    return found;
  }

  async updateModelVersion(name: string, version: number, description: string | undefined): Promise<ModelVersionRecord> {
    const updated = await this.store.updateModelVersion(name, version, description || undefined, this.clock.now());
    if (!updated) throw versionNotFound(name, version);
    return updated;
  }

  /** Moves a version to a stage; `archiveExisting` (Staging and Production only) archives the stage's other versions. */
  async transitionModelVersionStage(name: string, version: number, stage: ModelVersionStage, archiveExisting: boolean): Promise<ModelVersionRecord> {
    if (archiveExisting && !ACTIVE_STAGES.includes(stage)) {
      throw ApiError.invalid(
        `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ['Staging', 'Production']`,
      );
    }
    const moved = await this.store.transitionModelVersionStage(name, version, stage, archiveExisting, this.clock.now());
    if (!moved) throw versionNotFound(name, version);
    return moved;
  }

  /** Deletes a version and the aliases pointing at it. */
  async deleteModelVersion(name: string, version: number): Promise<void> {
    if (!(await this.store.deleteModelVersion(name, version, this.clock.now()))) throw versionNotFound(name, version);
  }

  async searchModelVersions(command: RegistrySearchCommand): Promise<{ versions: ModelVersionRecord[]; nextPageToken?: string }> {
    const limit = maxResults(command.maxResults, REGISTRY_LIMITS.searchVersionsDefault, REGISTRY_LIMITS.searchVersionsMax);
    const page = pageRequest(command.pageToken, limit);
    const scope = promptScope(parseModelVersionFilter(filterOf(command.filter)));
    const result = await this.store.searchModelVersions({ ...scope, orderBy: parseModelVersionOrderBy(command.orderBy), page });
    const token = nextPageToken(page, result.hasMore);
    return token ? { versions: result.items, nextPageToken: token } : { versions: result.items };
  }

  /** Where a version's files are (`get-download-uri`): its resolved location, else its source. */
  async getModelVersionDownloadUri(name: string, version: number): Promise<string> {
    const found = await this.getModelVersion(name, version);
    return found.storageLocation ?? found.source;
  }

  async setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void> {
    const now = this.clock.now();
    const done = await this.withEvents(
      (events) => this.store.setModelVersionTag(name, version, tag, events),
      ({ isPrompt }: WriteFacts) => modelVersionTagChanged({ name, version, key: tag.key, value: tag.value }, isPrompt, now),
    );
    if (!done) throw versionNotFound(name, version);
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    const now = this.clock.now();
    const done = await this.withEvents(
      (events) => this.store.deleteModelVersionTag(name, version, key, events),
      ({ isPrompt }: WriteFacts) => modelVersionTagChanged({ name, version, key }, isPrompt, now),
    );
    if (!done) throw versionNotFound(name, version);
  }

  /** Points an alias at a version, moving it if it pointed elsewhere. */
  async setAlias(name: string, alias: string, version: number): Promise<void> {
    const now = this.clock.now();
    const done = await this.withEvents(
      (events) => this.store.setAlias(name, alias, version, events),
      ({ isPrompt }: WriteFacts) => aliasChanged({ name, alias, version }, isPrompt, now),
    );
    if (!done) throw versionNotFound(name, version);
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    const now = this.clock.now();
    const done = await this.withEvents(
      (events) => this.store.deleteAlias(name, alias, events),
      ({ isPrompt }: WriteFacts) => aliasChanged({ name, alias }, isPrompt, now),
    );
    if (!done) throw modelNotFound(name);
  }

  /**
   * The version an alias points at; `latest` (any case) is the newest live version. An unknown alias is
   * INVALID_PARAMETER_VALUE, as in MLflow (clients read it as "missing").
   */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord> {
    if (alias.toLowerCase() === 'latest') {
      const [newest] = await this.getLatestVersions(name, []);
      if (!newest) throw ApiError.notFound(`Latest version not found for model ${name}.`);
      return newest;
    }
    const found = await this.store.getModelVersionByAlias(name, alias);
    if (found) return found;
    if (!(await this.store.getRegisteredModel(name))) throw modelNotFound(name);
    throw ApiError.invalid(`Registered model alias ${alias} not found.`);
  }

  /**
   * Runs a write with its events builder, then, once the write has committed, wakes the in-process
   * dispatcher when the write stored events (per call, so concurrent writes never hide each other's).
   */
  private async withEvents<T, F>(write: (events: (facts: F) => NewRegistryEvent[]) => Promise<T>, build: (facts: F) => NewRegistryEvent[]): Promise<T> {
    let stored = false;
    const result = await write((facts) => {
      const events = build(facts);
      stored ||= events.length > 0;
      return events;
    });
    if (stored) this.options.onRegistryEvents?.();
    return result;
  }

  /** Adds `{name, version}` to the logged model's `mlflow.modelVersions` list (once), as MLflow's server does. */
  private async recordVersionOnLoggedModel(modelId: string, version: ModelVersionRecord): Promise<void> {
    const model = await this.options.loggedModels.get(modelId, true);
    const current = model.tags.find((t) => t.key === LoggedModelTagKey.MODEL_VERSIONS)?.value;
    let list: unknown[] = [];
    if (current !== undefined) {
      try {
        const parsed: unknown = JSON.parse(current);
        if (Array.isArray(parsed)) list = parsed;
      } catch {
        list = [];
      }
    }
    const entry = { name: version.name, version: version.version };
    if (!list.some((e) => JSON.stringify(e) === JSON.stringify(entry))) list.push(entry);
    await this.options.loggedModels.setTags(modelId, [{ key: LoggedModelTagKey.MODEL_VERSIONS, value: JSON.stringify(list) }]);
  }
}
