import { ApiError } from '@loupe/protocol';
import type { Services } from '../services/services.js';
import type { Holder, ResourceRef } from './access.js';
import type { ResourceParents } from './authorizer.js';

/** Links remembered at once (each a few dozen bytes); a full cache drops its oldest entry. */
const MAX_LINKS = 50_000;

/**
 * The inheritance map of docs/adr/0013-auth.md §3 over the services: runs, traces, logged models,
 * label schemas and review queues to their experiment (links that never change, so they are cached
 * without invalidation), datasets to all their experiments (read each time: they change), scorers (by
 * id) to their experiment (read each time: a deleted scorer holds nothing), experiments by name to their id. A resource that does not exist answers the service's 404, as MLflow's
 * validators do (`get_run` raises); a dataset that does not exist has no holders (refused).
 *
 * @example
 * const authorizer = new PermissionAuthorizer(permissions, new ServiceParents(services), 'READ');
 */
export class ServiceParents implements ResourceParents {
  private readonly experimentOf = new Map<string, string>();

  constructor(private readonly services: Services) {}

  async holdersOf(resource: ResourceRef): Promise<readonly Holder[]> {
    switch (resource.type) {
      case 'experiment':
        return [{ type: 'experiment', id: resource.id }];
      case 'registered-model':
        return [{ type: 'registered-model', name: resource.name }];
      case 'experiment-name':
        return [{ type: 'experiment', id: (await this.services.experiments.getByName(resource.name)).experimentId }];
      case 'dataset':
        return this.datasetHolders(resource.id);
      case 'scorer': {
        // A scorer id that names nothing holds nothing (MLflow skips unknown ids in the online-configs read).
        const experimentId = await this.services.scorers.experimentOfScorer(resource.id);
        return experimentId === undefined ? [] : [{ type: 'experiment', id: experimentId }];
      }
      default:
        return [{ type: 'experiment', id: await this.linkedExperiment(resource) }];
    }
  }

  private async datasetHolders(datasetId: string): Promise<Holder[]> {
    try {
      const ids = await this.services.datasets.experimentIds(datasetId);
      return ids.map((id) => ({ type: 'experiment', id }));
    } catch (err) {
      if (ApiError.is(err) && err.status === 404) return [];
      throw err;
    }
  }

  private async linkedExperiment(
    resource: Exclude<ResourceRef, { type: 'experiment' | 'registered-model' | 'experiment-name' | 'dataset' | 'scorer' }>,
  ): Promise<string> {
    const key = `${resource.type}:${resource.id}`;
    const cached = this.experimentOf.get(key);
    if (cached !== undefined) return cached;
    const experimentId = await this.lookUp(resource);
    if (this.experimentOf.size >= MAX_LINKS) this.experimentOf.delete(this.experimentOf.keys().next().value as string);
    this.experimentOf.set(key, experimentId);
    return experimentId;
  }

  private async lookUp(
    resource: Exclude<ResourceRef, { type: 'experiment' | 'registered-model' | 'experiment-name' | 'dataset' | 'scorer' }>,
  ): Promise<string> {
    switch (resource.type) {
      case 'run':
        return (await this.services.runs.getInfo(resource.id)).experimentId;
      case 'trace':
        return (await this.services.traces.getTraceInfo(resource.id)).experimentId;
      case 'logged-model':
        return (await this.services.loggedModels.get(resource.id, true)).experimentId;
      case 'label-schema':
        return (await this.services.labelSchemas.get(resource.id)).experimentId;
      case 'review-queue':
        return (await this.services.reviewQueues.get(resource.id)).experimentId;
    }
  }
}
