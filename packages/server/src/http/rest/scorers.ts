import { scorerKey, ScorerRequests as R, ScorerResponses as W, TrackingResponses } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { RawJson } from '../json-response.js';
import { onlineConfigJson, scorerJson } from '../wire/scorer-json.js';
import { ref } from '../../auth/access.js';

const SCORERS = '/mlflow/scorers';

/** The experiments a ListScorers request reads: its selector and the experiment of each scorer key. */
function listedExperiments(req: { experiment_id?: string | undefined; experiment_ids: string[]; scorer_keys: string[] }): string[] {
  const ids = req.experiment_id ? [req.experiment_id] : [...req.experiment_ids];
  for (const key of req.scorer_keys) {
    const parsed = scorerKey(key);
    if (parsed) ids.push(parsed.experimentId);
  }
  return [...new Set(ids)];
}

/**
 * The scorer registry (spec §8.2: MLflow's RegisterScorer, ListScorers, ListScorerVersions, GetScorer,
 * DeleteScorer) and online scoring (spec §11.1: the plain-JSON `online-config` and `online-configs`
 * routes of `handlers.py`), under `/api/3.0` and `/ajax-api/3.0`. Scorers take their experiment's
 * permission, as in MLflow's auth app: READ to read, EDIT to register and set sampling, MANAGE to delete.
 */
export const scorerRoutes = [
  rpc({
    method: 'POST',
    path: `${SCORERS}/register`,
    versions: [3],
    request: R.RegisterScorer,
    response: W.RegisterScorer,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const v = await services.scorers.register({ experimentId: req.experiment_id, name: req.name, serializedScorer: req.serialized_scorer });
      return {
        version: v.version,
        scorer_id: v.scorerId,
        experiment_id: v.experimentId,
        name: v.name,
        serialized_scorer: v.serializedScorer,
        creation_time: v.creationTime,
      };
    },
  }),
  rpc({
    method: 'GET',
    path: `${SCORERS}/list`,
    versions: [3],
    request: R.ListScorers,
    response: W.ListScorers,
    access: { read: (req) => ref.experiments(listedExperiments(req)) },
    handle: async (req, { services }) => {
      const keys = req.scorer_keys.flatMap((k) => scorerKey(k) ?? []);
      const scorers = await services.scorers.list({
        ...(req.experiment_id ? { experimentId: req.experiment_id } : {}),
        experimentIds: req.experiment_ids,
        keys,
      });
      return { scorers: scorers.map(scorerJson) };
    },
  }),
  rpc({
    method: 'GET',
    path: `${SCORERS}/versions`,
    versions: [3],
    request: R.ListScorerVersions,
    response: W.ListScorers,
    access: { read: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => ({ scorers: (await services.scorers.listVersions(req.experiment_id, req.name)).map(scorerJson) }),
  }),
  rpc({
    method: 'GET',
    path: `${SCORERS}/get`,
    versions: [3],
    request: R.GetScorer,
    response: W.GetScorer,
    access: { read: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => ({ scorer: scorerJson(await services.scorers.get(req.experiment_id, req.name, req.version)) }),
  }),
  rpc({
    method: 'DELETE',
    path: `${SCORERS}/delete`,
    versions: [3],
    request: R.DeleteScorer,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    audit: (req) => ({
      action: 'scorer.delete',
      resourceType: 'scorer',
      resourceId: `${req.experiment_id}/${req.name}${req.version === undefined ? '' : `/${req.version}`}`,
    }),
    handle: (req, { services }) => services.scorers.delete(req.experiment_id, req.name, req.version),
  }),
  rpc({
    method: 'PUT',
    path: `${SCORERS}/online-config`,
    versions: [3],
    request: R.UpsertOnlineScoringConfig,
    response: W.UpsertOnlineScoringConfig,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const config = await services.scorers.setOnlineConfig({
        experimentId: req.experiment_id,
        name: req.name,
        sampleRate: req.sample_rate,
        ...(req.filter_string !== undefined ? { filterString: req.filter_string } : {}),
      });
      return { config: onlineConfigJson(config) };
    },
  }),
  rpc({
    method: 'GET',
    path: `${SCORERS}/online-configs`,
    versions: [3],
    request: R.GetOnlineScoringConfigs,
    response: W.GetOnlineScoringConfigs,
    access: { read: (req) => ref.scorers(req.scorer_ids) },
    // Plain JSON (MLflow's `json.dumps`), so an empty list stays `[]`.
    handle: async (req, { services }) => new RawJson(JSON.stringify({ configs: (await services.scorers.onlineConfigs(req.scorer_ids)).map(onlineConfigJson) })),
  }),
];
