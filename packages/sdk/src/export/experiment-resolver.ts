import { LoupeApiError } from '../client/api-error.js';
import type { RestClient } from '../client/rest-client.js';

/**
 * The experiment traces go to: an id as given, or a name looked up once (and created when missing,
 * as MLflow's `set_experiment` does). A failed lookup is tried again on the next call.
 *
 * @example
 * const resolve = experimentResolver(rest, { experimentName: 'agent' });
 * const id = await resolve();
 */
export function experimentResolver(rest: RestClient, target: { experimentId?: string; experimentName?: string }): () => Promise<string> {
  if (target.experimentId !== undefined) {
    const id = target.experimentId;
    return () => Promise.resolve(id);
  }
  const name = target.experimentName ?? 'Default';
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= getOrCreateExperimentId(rest, name).catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
    return cached;
  };
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
