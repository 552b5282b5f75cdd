import type { RestClient } from './rest-client.js';

/** A registered scorer version (spec §8.2): MLflow's scorer JSON, in the SDK's names. */
export interface RegisteredScorer {
  experimentId: string;
  name: string;
  version: number;
  scorerId: string;
  /** The scorer as MLflow's clients serialize it (JSON text). */
  serializedScorer: string;
  /** Epoch ms. */
  creationTime: number;
}

/** How a registered scorer samples live traces (spec §11.1); a rate of 0 means stopped. */
export interface OnlineScoringConfig {
  configId: string;
  scorerId: string;
  experimentId: string;
  sampleRate: number;
  /** Which traces, in the trace search grammar. */
  filterString?: string;
}

/** A judge to register for online scoring: MLflow's `make_judge` on a gateway endpoint. */
export interface JudgeRegistration {
  name: string;
  /** With `{{ inputs }}`, `{{ outputs }}`, `{{ trace }}` or `{{ conversation }}` (session judges). */
  instructions: string;
  /** `gateway:/<endpoint>` for online scoring (other models register, but cannot be started). */
  model: string;
  description?: string;
}

/** Scorer registry and online scoring: `scorer.register()`, `.start()`, `.update()`, `.stop()` of MLflow's Python client. */
export interface ScorerMethods {
  /**
   * Registers a judge as MLflow's `make_judge(...).register(experiment_id=...)` does: a new version
   * each time. Its serialized form is the one MLflow's Python client writes, so Python can load it.
   *
   * @example
   * await client.registerJudge('1', { name: 'helpful', model: 'gateway:/judge-ep', instructions: 'Is {{ outputs }} a helpful answer to {{ inputs }}?' });
   */
  registerJudge(experimentId: string, judge: JudgeRegistration): Promise<RegisteredScorer>;
  /** The latest version of each scorer of the experiment. */
  listScorers(experimentId: string): Promise<RegisteredScorer[]>;
  /** One version; the latest without `version`. */
  getScorer(experimentId: string, name: string, version?: number): Promise<RegisteredScorer>;
  /**
   * Starts (or updates) online scoring: new traces of the experiment matching `filterString` are
   * judged at `sampleRate` (0 to 1) on the server. Only gateway judges can be started.
   *
   * @example
   * await client.startScorer('1', 'helpful', { sampleRate: 0.5, filterString: "trace.status = 'OK'" });
   */
  startScorer(experimentId: string, name: string, sampling: { sampleRate: number; filterString?: string }): Promise<OnlineScoringConfig>;
  /** Stops online scoring (a rate of 0), keeping the filter. */
  stopScorer(experimentId: string, name: string): Promise<OnlineScoringConfig>;
  /** The online configs of these scorer ids (none for a scorer never started). */
  getOnlineScoringConfigs(scorerIds: readonly string[]): Promise<OnlineScoringConfig[]>;
  /** Deletes one version, or without `version` the scorer with all its versions and its online config. */
  deleteScorer(experimentId: string, name: string, version?: number): Promise<void>;
}

interface WireScorer {
  experiment_id: number | string;
  scorer_name: string;
  scorer_version: number;
  serialized_scorer: string;
  creation_time: number | string;
  scorer_id: string;
}

interface WireConfig {
  online_scoring_config_id: string;
  scorer_id: string;
  sample_rate: number;
  experiment_id: string;
  filter_string?: string;
}

type Self = { rest: RestClient };

const api = (path: string) => `/api/3.0/mlflow/scorers/${path}`;

function toScorer(w: WireScorer): RegisteredScorer {
  return {
    experimentId: String(w.experiment_id),
    name: w.scorer_name,
    version: Number(w.scorer_version),
    scorerId: w.scorer_id,
    serializedScorer: w.serialized_scorer,
    creationTime: Number(w.creation_time),
  };
}

function toConfig(w: WireConfig): OnlineScoringConfig {
  return {
    configId: w.online_scoring_config_id,
    scorerId: w.scorer_id,
    experimentId: String(w.experiment_id),
    sampleRate: Number(w.sample_rate),
    ...(w.filter_string ? { filterString: w.filter_string } : {}),
  };
}

/**
 * A judge in the JSON MLflow 3.11's `make_judge(...).model_dump()` gives (`instructions_judge_pydantic_data`).
 *
 * @example
 * serializeJudge({ name: 'helpful', instructions: 'Is {{ outputs }} helpful?', model: 'gateway:/judge-ep' });
 */
export function serializeJudge(judge: JudgeRegistration): string {
  return JSON.stringify({
    name: judge.name,
    description: judge.description ?? null,
    aggregations: [],
    is_session_level_scorer: /\{\{\s*conversation\s*\}\}/.test(judge.instructions),
    mlflow_version: '3.11.0',
    serialization_version: 1,
    builtin_scorer_class: null,
    builtin_scorer_pydantic_data: null,
    call_source: null,
    call_signature: null,
    original_func_name: null,
    instructions_judge_pydantic_data: { instructions: judge.instructions, model: judge.model },
  });
}

/** Implementation of {@link ScorerMethods}, mixed into the client. */
export const scorerMethods: ScorerMethods & ThisType<Self & ScorerMethods> = {
  async registerJudge(experimentId, judge) {
    const res = await this.rest.post<{
      version: number;
      scorer_id: string;
      experiment_id: string;
      name: string;
      serialized_scorer: string;
      creation_time: number;
    }>(api('register'), { experiment_id: experimentId, name: judge.name, serialized_scorer: serializeJudge(judge) });
    return toScorer({ ...res, scorer_name: res.name, scorer_version: res.version });
  },
  async listScorers(experimentId) {
    const res = await this.rest.get<{ scorers?: WireScorer[] }>(api('list'), { experiment_id: experimentId });
    return (res.scorers ?? []).map(toScorer);
  },
  async getScorer(experimentId, name, version) {
    const res = await this.rest.get<{ scorer: WireScorer }>(api('get'), { experiment_id: experimentId, name, ...(version !== undefined ? { version } : {}) });
    return toScorer(res.scorer);
  },
  async startScorer(experimentId, name, sampling) {
    const res = await this.rest.call<{ config: WireConfig }>({
      method: 'PUT',
      path: api('online-config'),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        experiment_id: experimentId,
        name,
        sample_rate: sampling.sampleRate,
        ...(sampling.filterString !== undefined ? { filter_string: sampling.filterString } : {}),
      }),
    });
    return toConfig(res.config);
  },
  async stopScorer(experimentId, name) {
    // `stop()` keeps the filter: read the current config first, as MLflow's client does.
    const scorer = await this.getScorer(experimentId, name);
    const [current] = await this.getOnlineScoringConfigs([scorer.scorerId]);
    return this.startScorer(experimentId, name, { sampleRate: 0, ...(current?.filterString ? { filterString: current.filterString } : {}) });
  },
  async getOnlineScoringConfigs(scorerIds) {
    if (scorerIds.length === 0) return [];
    const res = await this.rest.get<{ configs?: WireConfig[] }>(api('online-configs'), { scorer_ids: scorerIds });
    return (res.configs ?? []).map(toConfig);
  },
  async deleteScorer(experimentId, name, version) {
    await this.rest.delete(api('delete'), { experiment_id: experimentId, name, ...(version !== undefined ? { version } : {}) });
  },
};
