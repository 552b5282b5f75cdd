import { ApiError, parseExperimentFilter, parseExperimentOrderBy, type KeyValue, type ViewType } from '@loupe/protocol';
import type { ExperimentRecord, ExperimentStore } from '../store/tracking-store.js';
import type { Clock } from '../clock.js';
import { maxResults, nextPageToken, pageRequest } from './pagination.js';
import { appendToUri } from './validation.js';

/** The id MLflow gives its default experiment. */
export const DEFAULT_EXPERIMENT_ID = '0';

/** Creates an experiment; the edge has checked the name, tags and location (spec §2.2). */
export interface CreateExperimentCommand {
  name: string;
  /** Where its artifacts go; unset: under the server's default artifact root. */
  artifactLocation?: string | undefined;
  tags: KeyValue[];
}

/** Searches experiments with MLflow's filter and order_by grammar. */
export interface SearchExperimentsCommand {
  filter?: string | undefined;
  orderBy: string[];
  viewType?: ViewType | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/**
 * Experiment use cases (spec §2.2): naming rules, default artifact locations, lifecycle.
 *
 * @example
 * const experiments = new ExperimentService(store, clock, 'mlflow-artifacts:/');
 * const experimentId = await experiments.create({ name: 'demo', tags: [] });
 */
export class ExperimentService {
  constructor(
    private readonly store: ExperimentStore,
    private readonly clock: Clock,
    private readonly defaultArtifactRoot: string,
  ) {}

  /** Returns the new experiment's id. */
  async create(command: CreateExperimentCommand): Promise<string> {
    return this.store.createExperiment({
      name: command.name,
      artifactLocation: command.artifactLocation ?? ((id) => appendToUri(this.defaultArtifactRoot, id)),
      tags: command.tags,
      now: this.clock.now(),
    });
  }

  async get(experimentId: string): Promise<ExperimentRecord> {
    const experiment = await this.store.getExperiment(experimentId);
    if (!experiment) throw ApiError.notFound(`No Experiment with id=${experimentId} exists`);
    return this.withDefaultLocation(experiment);
  }

  /** An active experiment, or INVALID_PARAMETER_VALUE naming its state. */
  async getActive(experimentId: string): Promise<ExperimentRecord> {
    const experiment = await this.get(experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw ApiError.invalid(`The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`);
    }
    return experiment;
  }

  async getByName(name: string): Promise<ExperimentRecord> {
    const experiment = await this.store.getExperimentByName(name);
    if (!experiment) throw ApiError.notFound(`Could not find experiment with name '${name}'`);
    return this.get(experiment.experimentId);
  }

  async search(command: SearchExperimentsCommand): Promise<{ experiments: ExperimentRecord[]; nextPageToken?: string }> {
    const page = pageRequest(command.pageToken, maxResults(command.maxResults, 1000, 50_000));
    const result = await this.store.searchExperiments({
      viewType: command.viewType ?? 'ACTIVE_ONLY',
      filter: parseExperimentFilter(command.filter),
      orderBy: parseExperimentOrderBy(command.orderBy),
      page,
    });
    const experiments = result.items.map((e) => this.withDefaultLocation(e));
    const token = nextPageToken(page, result.hasMore);
    return token ? { experiments, nextPageToken: token } : { experiments };
  }

  async delete(experimentId: string): Promise<void> {
    const experiment = await this.get(experimentId);
    await this.store.setExperimentLifecycle(experiment.experimentId, 'deleted', this.clock.now());
  }

  async restore(experimentId: string): Promise<void> {
    const experiment = await this.get(experimentId);
    await this.store.setExperimentLifecycle(experiment.experimentId, 'active', this.clock.now());
  }

  /** Renames an active experiment; no new name, or the same one, changes nothing. */
  async rename(experimentId: string, newName: string | undefined): Promise<void> {
    const experiment = await this.getActive(experimentId);
    if (newName === undefined || newName === experiment.name) return;
    await this.store.renameExperiment(experiment.experimentId, newName, this.clock.now());
  }

  async setTag(experimentId: string, tag: KeyValue): Promise<void> {
    const experiment = await this.getActive(experimentId);
    await this.store.setExperimentTag(experiment.experimentId, tag);
  }

  async deleteTag(experimentId: string, key: string): Promise<void> {
    const experiment = await this.getActive(experimentId);
    const deleted = await this.store.deleteExperimentTag(experiment.experimentId, key);
    if (!deleted) throw ApiError.notFound(`No tag with name: ${key} in experiment with id ${experiment.experimentId}`);
  }

  /** The default experiment MLflow's migrations create has no location: it lives under the root. */
  private withDefaultLocation(experiment: ExperimentRecord): ExperimentRecord {
    return experiment.experimentId === DEFAULT_EXPERIMENT_ID && experiment.artifactLocation === ''
      ? { ...experiment, artifactLocation: appendToUri(this.defaultArtifactRoot, DEFAULT_EXPERIMENT_ID) }
      : experiment;
  }
}
