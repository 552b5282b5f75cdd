import type { Filter, KeyValue, ModelVersionFilterEntity, ModelVersionStage, ModelVersionStatus, OrderBy, RegisteredModelFilterEntity } from '@loupe/protocol';
import type { Page, PageRequest } from './tracking-store.js';

/** The stage of a deleted model version: its row stays (so its number is never reused) but nothing shows it. */
export const DELETED_STAGE = 'Deleted_Internal';

/** A model version as stored (times in epoch milliseconds; spec §6.1). */
export interface ModelVersionRecord {
  name: string;
  version: number;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description?: string;
  userId?: string;
  currentStage: ModelVersionStage;
  source: string;
  /** Where the files are: a `models:/` or `runs:/` source resolved when the version was created. */
  storageLocation?: string;
  runId?: string;
  runLink?: string;
  status: ModelVersionStatus;
  statusMessage?: string;
  /** The logged model the version was made from. */
  modelId?: string;
  /** Sorted by key. */
  tags: KeyValue[];
  /** The aliases pointing at this version, sorted. */
  aliases: string[];
}

/** An alias of a registered model. */
export interface AliasRecord {
  alias: string;
  version: number;
}

/** A registered model as stored (spec §6.1). */
export interface RegisteredModelRecord {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description?: string;
  /** Sorted by key. */
  tags: KeyValue[];
  /** Sorted by alias. */
  aliases: AliasRecord[];
  /** The newest version of each stage, newest first. */
  latestVersions: ModelVersionRecord[];
}

/**
 * One row of the registry's event outbox: a change MLflow turns into a webhook event (entity and
 * action in MLflow's lowercase names, `data` its event payload).
 */
export interface NewRegistryEvent {
  entity: string;
  action: string;
  data: Record<string, unknown>;
  /** Epoch milliseconds (the service's clock). */
  createdAt: number;
}

/** An event as stored; `seq` grows with each insert. */
export interface RegistryEventRecord extends NewRegistryEvent {
  seq: number;
}

/** What a write learns inside its transaction that decides its events: MLflow's `_is_prompt(name)` after the change. */
export interface WriteFacts {
  /** The registered model is a prompt (tag `mlflow.prompt.is_prompt` = `true`, any case) after the write. */
  isPrompt: boolean;
}

/** Builds the events of a write from what the write found; they are stored in the write's transaction. */
export type RegistryEvents = (facts: WriteFacts) => NewRegistryEvent[];

/** Input of {@link RegistryStore.createRegisteredModel}. */
export interface NewRegisteredModel {
  name: string;
  description?: string;
  /** The last value of a repeated key wins. */
  tags: KeyValue[];
  now: number;
}

/** Input of {@link RegistryStore.createModelVersion}. */
export interface NewModelVersion {
  name: string;
  source: string;
  storageLocation?: string;
  runId?: string;
  runLink?: string;
  description?: string;
  modelId?: string;
  /** The last value of a repeated key wins. */
  tags: KeyValue[];
  now: number;
}

/** A registered-model search (spec §9.3): prompts or models only (see `promptScope`). */
export interface RegisteredModelSearchQuery {
  filter: Filter<RegisteredModelFilterEntity>;
  prompts: boolean;
  /** The store adds `name ASC` unless the name is ordered already. */
  orderBy: OrderBy<RegisteredModelFilterEntity>[];
  page: PageRequest;
}

/** A model-version search (spec §9.4); deleted versions are never returned. */
export interface ModelVersionSearchQuery {
  filter: Filter<ModelVersionFilterEntity>;
  prompts: boolean;
  /** The store adds `name ASC`, `version DESC` unless ordered already. */
  orderBy: OrderBy<ModelVersionFilterEntity>[];
  page: PageRequest;
}

/** What a rename found. */
export type RenameResult = 'renamed' | 'missing' | 'taken';

/**
 * The model and prompt registry (spec §6, §7). Models are found by name; versions by name and number,
 * deleted versions never. A write that finds its model or version missing does nothing and says so
 * (undefined or false); the service turns that into MLflow's error. Every write that MLflow turns into
 * a webhook event stores the events its `events` builder returns in the same transaction.
 */
export interface RegistryStore {
  /** Undefined when the name is taken (the model is left as it was). */
  createRegisteredModel(input: NewRegisteredModel, events: RegistryEvents): Promise<RegisteredModelRecord | undefined>;
  getRegisteredModel(name: string): Promise<RegisteredModelRecord | undefined>;
  /** Renames the model and moves its versions along (their update time set to `now`). */
  renameRegisteredModel(name: string, newName: string, now: number): Promise<RenameResult>;
  /** Sets (or clears, with undefined) the description. False when the model does not exist. */
  updateRegisteredModel(name: string, description: string | undefined, now: number): Promise<boolean>;
  /** Deletes the model with its tags, aliases and every version. False when it does not exist. */
  deleteRegisteredModel(name: string): Promise<boolean>;
  searchRegisteredModels(query: RegisteredModelSearchQuery): Promise<Page<RegisteredModelRecord>>;
  /** False when the model does not exist. */
  setRegisteredModelTag(name: string, tag: KeyValue, events: RegistryEvents): Promise<boolean>;
  /** Deleting a tag that is not there is not an error. False when the model does not exist. */
  deleteRegisteredModelTag(name: string, key: string, events: RegistryEvents): Promise<boolean>;

  /**
   * Adds the next version (1, 2, ...; numbers of deleted versions are not reused) in READY, and touches
   * the model's update time. `events` learns the version number. Undefined when the model does not exist.
   */
  createModelVersion(input: NewModelVersion, events: (version: number) => NewRegistryEvent[]): Promise<ModelVersionRecord | undefined>;
  getModelVersion(name: string, version: number): Promise<ModelVersionRecord | undefined>;
  /** Sets (or clears) the description; undefined when the version does not exist. */
  updateModelVersion(name: string, version: number, description: string | undefined, now: number): Promise<ModelVersionRecord | undefined>;
  /**
   * Moves a version to `stage`; with `archiveExisting`, the model's other versions in that stage go to
   * Archived. Touches the model. Undefined when the version does not exist.
   */
  transitionModelVersionStage(
    name: string,
    version: number,
    stage: ModelVersionStage,
    archiveExisting: boolean,
    now: number,
  ): Promise<ModelVersionRecord | undefined>;
  /**
   * Deletes a version: its aliases go, its row stays as a redacted tombstone that nothing returns.
   * Touches the model. False when the version does not exist.
   */
  deleteModelVersion(name: string, version: number, now: number): Promise<boolean>;
  searchModelVersions(query: ModelVersionSearchQuery): Promise<Page<ModelVersionRecord>>;
  /** The model's newest version of each of `stages` (every stage when empty), newest first. Undefined when the model does not exist. */
  getLatestVersions(name: string, stages: readonly ModelVersionStage[]): Promise<ModelVersionRecord[] | undefined>;
  /** False when the version does not exist. */
  setModelVersionTag(name: string, version: number, tag: KeyValue, events: RegistryEvents): Promise<boolean>;
  /** Deleting a tag that is not there is not an error. False when the version does not exist. */
  deleteModelVersionTag(name: string, version: number, key: string, events: RegistryEvents): Promise<boolean>;

  /** Points the alias at the version (moving it if it existed). False when the version does not exist. */
  setAlias(name: string, alias: string, version: number, events: RegistryEvents): Promise<boolean>;
  /** Deleting an alias that is not there is not an error. False when the model does not exist. */
  deleteAlias(name: string, alias: string, events: RegistryEvents): Promise<boolean>;
  /** The version an alias points at; undefined when the alias (or its version) does not exist. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined>;

  /** Outbox rows after `afterSeq`, oldest first (the webhook dispatcher and tests read them). */
  listRegistryEvents(afterSeq: number, limit: number): Promise<RegistryEventRecord[]>;
}
