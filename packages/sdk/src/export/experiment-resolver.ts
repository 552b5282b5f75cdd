import { getOrCreateExperimentId } from '../client/experiments.js';
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
