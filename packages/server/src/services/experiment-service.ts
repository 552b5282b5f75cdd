import { ApiError, parseExperimentFilter, parseExperimentOrderBy, type Experiment, type RequestOf } from '@loupe/protocol';
import type { TrackingRequests as R } from '@loupe/protocol';
import type { ExperimentStore } from '../store/tracking-store.js';
import type { Clock } from './clock.js';
import { maxResults, nextPageToken, pageRequest } from './pagination.js';
import { appendToUri, validateArtifactLocation, validateExperimentName, validateExperimentTags } from './validation.js';

/** The id MLflow gives its default experiment. */
export const DEFAULT_EXPERIMENT_ID = '0';

/**
 * Experiment use cases (spec §2.2): naming rules, default artifact locations, lifecycle.
 *
 * @example
 * const experiments = new ExperimentService(store, clock, 'mlflow-artifacts:/');
 * const { experiment_id } = await experiments.create({ name: 'demo', tags: [] });
 */
export class ExperimentService {
  constructor(
    private readonly store: ExperimentStore,
    private readonly clock: Clock,
    private readonly defaultArtifactRoot: string,
  ) {}

  async create(req: RequestOf<typeof R.CreateExperiment>): Promise<{ experiment_id: string }> {
    const name = validateExperimentName(req.name);
    const tags = req.tags.map((t) => ({ key: t.key ?? '', value: t.value ?? '' }));
    validateExperimentTags(tags);
    const location = req.artifact_location?.trim() || undefined;
    if (location !== undefined) validateArtifactLocation(location);
    const experiment_id = await this.store.createExperiment({
      name,
      artifactLocation: location ?? ((id) => appendToUri(this.defaultArtifactRoot, id)),
      tags,
      now: this.clock.now(),
    });
    return { experiment_id };
  }

  async get(experimentId: string | undefined): Promise<Experiment> {
    if (!experimentId) throw ApiError.missing('experiment_id');
    const experiment = await this.store.getExperiment(experimentId);
    if (!experiment) throw ApiError.notFound(`No Experiment with id=${experimentId} exists`);
    return experiment.experiment_id === DEFAULT_EXPERIMENT_ID && experiment.artifact_location === ''
      ? { ...experiment, artifact_location: appendToUri(this.defaultArtifactRoot, DEFAULT_EXPERIMENT_ID) }
      : experiment;
  }

  /** An active experiment, or INVALID_PARAMETER_VALUE naming its state. */
  async getActive(experimentId: string | undefined): Promise<Experiment> {
    const experiment = await this.get(experimentId);
    if (experiment.lifecycle_stage !== 'active') {
      throw ApiError.invalid(`The experiment ${experiment.experiment_id} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`);
    }
    return experiment;
  }

  async getByName(name: string | undefined): Promise<Experiment> {
    if (!name) throw ApiError.missing('experiment_name');
    const experiment = await this.store.getExperimentByName(name);
    if (!experiment) throw ApiError.notFound(`Could not find experiment with name '${name}'`);
    return this.get(experiment.experiment_id);
  }

  async search(req: RequestOf<typeof R.SearchExperiments>): Promise<{ experiments: Experiment[]; next_page_token?: string }> {
    const page = pageRequest(req.page_token, maxResults(req.max_results, 1000, 50_000));
    const result = await this.store.searchExperiments({
      viewType: req.view_type ?? 'ACTIVE_ONLY',
      filter: parseExperimentFilter(req.filter),
      orderBy: parseExperimentOrderBy(req.order_by),
      page,
    });
    const experiments = result.items.map((e) =>
      e.experiment_id === DEFAULT_EXPERIMENT_ID && e.artifact_location === '' ? { ...e, artifact_location: appendToUri(this.defaultArtifactRoot, '0') } : e,
    );
    const token = nextPageToken(page, result.hasMore);
    return token ? { experiments, next_page_token: token } : { experiments };
  }

  async delete(experimentId: string | undefined): Promise<void> {
    const experiment = await this.get(experimentId);
    await this.store.setExperimentLifecycle(experiment.experiment_id, 'deleted', this.clock.now());
  }

  async restore(experimentId: string | undefined): Promise<void> {
    const experiment = await this.get(experimentId);
    await this.store.setExperimentLifecycle(experiment.experiment_id, 'active', this.clock.now());
  }

  async rename(req: RequestOf<typeof R.UpdateExperiment>): Promise<void> {
    const experiment = await this.getActive(req.experiment_id);
    if (req.new_name === undefined) return;
    const name = validateExperimentName(req.new_name, 'new_name');
    if (name === experiment.name) return;
    await this.store.renameExperiment(experiment.experiment_id, name, this.clock.now());
  }

  async setTag(req: RequestOf<typeof R.SetExperimentTag>): Promise<void> {
    if (!req.key) throw ApiError.missing('key');
    const value = req.value ?? '';
    validateExperimentTags([{ key: req.key, value }]);
    const experiment = await this.getActive(req.experiment_id);
    await this.store.setExperimentTag(experiment.experiment_id, { key: req.key, value });
  }

  async deleteTag(req: RequestOf<typeof R.DeleteExperimentTag>): Promise<void> {
    if (!req.key) throw ApiError.missing('key');
    const experiment = await this.getActive(req.experiment_id);
    const deleted = await this.store.deleteExperimentTag(experiment.experiment_id, req.key);
    if (!deleted) throw ApiError.notFound(`No tag with name: ${req.key} in experiment with id ${experiment.experiment_id}`);
  }
}
