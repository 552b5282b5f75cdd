import type { Experiment, ViewType } from '@loupe/protocol';
import { LoupeApiError } from './api-error.js';
import type { RestClient } from './rest-client.js';

/** A page of results and the token of the next one (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/**
 * A page from MLflow's paged answer: the items, and the next token when there is one.
 *
 * @example
 * toPage(res.runs, res.next_page_token);
 */
export function toPage<T>(items: T[] | undefined, nextPageToken: string | undefined): Page<T> {
  return { items: items ?? [], ...(nextPageToken ? { nextPageToken } : {}) };
}

/**
 * The id of the experiment named `name`, creating it if there is none.
 *
 * @example
 * const id = await getOrCreateExperimentId(rest, 'agent');
 */
export async function getOrCreateExperimentId(rest: RestClient, name: string): Promise<string> {
  const byName = async () =>
    (await rest.get<{ experiment: { experiment_id: string } }>('/api/2.0/mlflow/experiments/get-by-name', { experiment_name: name })).experiment.experiment_id;
  try {
    return await byName();
  } catch (err) {
    if (!(err instanceof LoupeApiError && err.isNotFound)) throw err;
  }
  try {
    return (await rest.post<{ experiment_id: string }>('/api/2.0/mlflow/experiments/create', { name })).experiment_id;
  } catch (err) {
    // Another process created it meanwhile.
    if (err instanceof LoupeApiError && (err.errorCode === 'RESOURCE_ALREADY_EXISTS' || err.status === 409)) return byName();
    throw err;
  }
}

/** Search arguments shared by every `search*` method. */
export interface SearchOptions {
  /** MLflow's filter grammar, e.g. `"metrics.acc > 0.9 and params.lr = '0.01'"`. */
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

/** Experiment methods of {@link LoupeClient}. */
export interface ExperimentMethods {
  /** Creates an experiment; returns its id. A taken name is `RESOURCE_ALREADY_EXISTS`. */
  createExperiment(name: string, options?: { artifactLocation?: string; tags?: Record<string, string> }): Promise<string>;
  /** The experiment with this id (throws `RESOURCE_DOES_NOT_EXIST` if none). */
  getExperiment(experimentId: string): Promise<Experiment>;
  /** The experiment with this name, or undefined. */
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  /** The id of the experiment named `name`, created when missing. */
  getOrCreateExperiment(name: string): Promise<string>;
  /** Experiments matching a filter (`name LIKE 'agent%'`, `tags.team = 'core'`). */
  searchExperiments(options?: SearchOptions & { viewType?: ViewType }): Promise<Page<Experiment>>;
  /** Soft-deletes an experiment (and its runs). */
  deleteExperiment(experimentId: string): Promise<void>;
  /** Sets an experiment tag. */
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
}

type Self = { rest: RestClient };
const api = (p: string) => `/api/2.0/mlflow/${p}`;

/** Implementation of {@link ExperimentMethods}, mixed into {@link LoupeClient}. */
export const experimentMethods: ExperimentMethods & ThisType<Self> = {
  async createExperiment(name, options = {}) {
    const body = {
      name,
      ...(options.artifactLocation ? { artifact_location: options.artifactLocation } : {}),
      ...(options.tags ? { tags: Object.entries(options.tags).map(([key, value]) => ({ key, value })) } : {}),
    };
    return (await this.rest.post<{ experiment_id: string }>(api('experiments/create'), body)).experiment_id;
  },
  async getExperiment(experimentId) {
    return (await this.rest.get<{ experiment: Experiment }>(api('experiments/get'), { experiment_id: experimentId })).experiment;
  },
  async getExperimentByName(name) {
    try {
      return (await this.rest.get<{ experiment: Experiment }>(api('experiments/get-by-name'), { experiment_name: name })).experiment;
    } catch (err) {
      if (err instanceof LoupeApiError && err.isNotFound) return undefined;
      throw err;
    }
  },
  getOrCreateExperiment(name) {
    return getOrCreateExperimentId(this.rest, name);
  },
  async searchExperiments(options = {}) {
    const res = await this.rest.post<{ experiments?: Experiment[]; next_page_token?: string }>(api('experiments/search'), {
      max_results: options.maxResults ?? 1000,
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.orderBy ? { order_by: options.orderBy } : {}),
      ...(options.pageToken ? { page_token: options.pageToken } : {}),
      ...(options.viewType ? { view_type: options.viewType } : {}),
    });
    return toPage(res.experiments, res.next_page_token);
  },
  async deleteExperiment(experimentId) {
    await this.rest.post(api('experiments/delete'), { experiment_id: experimentId });
  },
  async setExperimentTag(experimentId, key, value) {
    await this.rest.post(api('experiments/set-experiment-tag'), { experiment_id: experimentId, key, value });
  },
};
