import type { OnlineScoringConfig, Scorer } from '@loupe/protocol';
import type { OnlineScoringConfigRecord, ScorerVersionRecord } from '../../store/scorer-store.js';

/**
 * A scorer version as the proto `Scorer` (spec §8.2): `experiment_id` is an int32 there, so it goes
 * out as a JSON number.
 *
 * @example
 * scorerJson(version); // { experiment_id: 1, scorer_name: 'judge', scorer_version: 2, ... }
 */
export function scorerJson(v: ScorerVersionRecord): Scorer {
  return {
    experiment_id: Number(v.experimentId),
    scorer_name: v.name,
    scorer_version: v.version,
    serialized_scorer: v.serializedScorer,
    creation_time: v.creationTime,
    scorer_id: v.scorerId,
  };
}

/**
 * An online config as MLflow's `OnlineScoringConfig.to_dict()` writes it (`filter_string` only when set).
 *
 * @example
 * onlineConfigJson(config); // { online_scoring_config_id, scorer_id, sample_rate: 0.5, experiment_id: '1' }
 */
export function onlineConfigJson(c: OnlineScoringConfigRecord): OnlineScoringConfig {
  return {
    online_scoring_config_id: c.configId,
    scorer_id: c.scorerId,
    sample_rate: c.sampleRate,
    experiment_id: c.experimentId,
    ...(c.filterString !== undefined ? { filter_string: c.filterString } : {}),
  };
}
