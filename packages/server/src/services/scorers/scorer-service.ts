import { ApiError, parseTraceFilter } from '@loupe/protocol';
import type { Clock } from '../../clock.js';
import type { OnlineScoringConfigRecord, ScorerStore, ScorerVersionRecord } from '../../store/scorer-store.js';
import type { ExperimentService } from '../experiment-service.js';
import type { GatewayEndpointDirectory } from './gateway-endpoint-directory.js';
import { endpointNotFound, scorerTraits } from './serialized-scorer.js';

/** The `scorers.scorer_name` width (spec §8.2). */
const MAX_NAME_LENGTH = 256;

/** A registration (checked at the edge: the fields are present). */
export interface RegisterScorerCommand {
  experimentId: string;
  name: string;
  /** The client's serialized scorer: JSON text, stored as sent. */
  serializedScorer: string;
}

/** Which scorers to list: every scorer of `experimentId` or of `experimentIds`, plus the named ones. */
export interface ListScorersQuery {
  experimentId?: string;
  experimentIds: readonly string[];
  keys: readonly { experimentId: string; name: string }[];
}

/** `scorer.start()` / `.update()` / `.stop()` (spec §11.1): the sampling of a registered scorer. */
export interface OnlineConfigCommand {
  experimentId: string;
  name: string;
  /** 0 stops the scorer; above 0 needs a gateway judge. */
  sampleRate: number;
  /** A trace search filter (which traces to score). */
  filterString?: string;
}

/** What the online scorer runs: a scorer sampling above zero, at its latest version, on a gateway judge. */
export interface ActiveOnlineScorer {
  experimentId: string;
  scorerId: string;
  scorerName: string;
  version: number;
  serializedScorer: string;
  sampleRate: number;
  filterString?: string;
}

function notFound(experimentId: string, name: string, version?: number): ApiError {
  const which = version === undefined ? `'${name}'` : `'${name}' and version ${version}`;
  return ApiError.notFound(`Scorer with name ${which} not found for experiment ${experimentId}.`);
}

/** Python's `str()` of a float, as MLflow's messages print the rate. */
function pyFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/**
 * The scorer registry and online-scoring configs (spec §8.2, §11.1; MLflow's `register_scorer` ...
 * `upsert_online_scoring_config`). Scorers live in active experiments; each registration is a new
 * version. A judge on a gateway model (`gateway:/<endpoint>`) needs its endpoint, asked through the
 * {@link GatewayEndpointDirectory} port. An online config belongs to the scorer, not a version: it
 * applies to the latest one, and goes when the scorer does.
 *
 * @example
 * const v = await scorers.register({ experimentId: '1', name: 'judge', serializedScorer });
 * await scorers.setOnlineConfig({ experimentId: '1', name: 'judge', sampleRate: 0.5 });
 */
export class ScorerService {
  constructor(
    private readonly store: ScorerStore,
    private readonly experiments: ExperimentService,
    private readonly gatewayEndpoints: GatewayEndpointDirectory,
    private readonly clock: Clock,
    private readonly ids: { scorerId: () => string; configId: () => string },
  ) {}

  async register(command: RegisterScorerCommand): Promise<ScorerVersionRecord> {
    await this.experiments.getActive(command.experimentId);
    if (command.name.trim() === '') throw ApiError.invalid('Scorer name cannot be empty or contain only whitespace.');
    if (command.name.length > MAX_NAME_LENGTH) {
      throw ApiError.invalid(`Scorer name exceeds the maximum length of ${MAX_NAME_LENGTH} characters (got ${command.name.length}).`);
    }
    const traits = scorerTraits(command.serializedScorer);
    if (traits.gatewayEndpoint !== undefined && !(await this.gatewayEndpoints.endpointExists(traits.gatewayEndpoint))) {
      throw endpointNotFound(traits.gatewayEndpoint);
    }
    return this.store.registerScorerVersion({
      experimentId: command.experimentId,
      name: command.name,
      serializedScorer: command.serializedScorer,
      newScorerId: this.ids.scorerId,
      now: this.clock.now(),
    });
  }

  /** The latest version of each selected scorer, by experiment id then name; the named experiments must be active. */
  async list(query: ListScorersQuery): Promise<ScorerVersionRecord[]> {
    const experimentIds = query.experimentId ? [query.experimentId] : [...query.experimentIds];
    for (const id of experimentIds) await this.experiments.getActive(id);
    return this.store.listLatestScorers({ experimentIds, keys: query.keys });
  }

  /** Every version, oldest first; RESOURCE_DOES_NOT_EXIST when the scorer has none. */
  async listVersions(experimentId: string, name: string): Promise<ScorerVersionRecord[]> {
    await this.experiments.getActive(experimentId);
    const versions = await this.store.listScorerVersions(experimentId, name);
    if (versions.length === 0) throw notFound(experimentId, name);
    return versions;
  }

  /** One version, the latest without `version`. */
  async get(experimentId: string, name: string, version?: number): Promise<ScorerVersionRecord> {
    await this.experiments.getActive(experimentId);
    const found = await this.store.getScorerVersion(experimentId, name, version);
    if (!found) throw notFound(experimentId, name, version);
    return found;
  }

  /** One version, or (without `version`) the scorer with all its versions and its online config. */
  async delete(experimentId: string, name: string, version?: number): Promise<void> {
    await this.experiments.getActive(experimentId);
    const outcome = await this.store.deleteScorer(experimentId, name, version);
    if (outcome === 'no-scorer') throw notFound(experimentId, name);
    if (outcome === 'no-version') throw notFound(experimentId, name, version);
  }

  /**
   * Replaces the scorer's online config (MLflow's upsert: a new config each time). A rate above zero
   * needs the latest version to be a gateway judge whose endpoint exists and whose instructions do not
   * need expectations; 0 (`stop()`) is always accepted and kept as a row.
   */
  async setOnlineConfig(command: OnlineConfigCommand): Promise<OnlineScoringConfigRecord> {
    const { experimentId, name, sampleRate, filterString } = command;
    if (!(sampleRate >= 0 && sampleRate <= 1)) throw ApiError.invalid(`sample_rate must be between 0.0 and 1.0, got ${pyFloat(sampleRate)}`);
    if (filterString) parseTraceFilter(filterString);
    await this.experiments.getActive(experimentId);
    const latest = await this.store.getScorerVersion(experimentId, name);
    if (!latest) throw notFound(experimentId, name);
    if (sampleRate > 0) await this.checkRunnableOnline(latest);
    const config: OnlineScoringConfigRecord = { configId: this.ids.configId(), scorerId: latest.scorerId, experimentId, sampleRate };
    if (filterString !== undefined) config.filterString = filterString;
    await this.store.putOnlineConfig(config);
    return config;
  }

  private async checkRunnableOnline(scorer: ScorerVersionRecord): Promise<void> {
    const traits = scorerTraits(scorer.serializedScorer);
    if (traits.gatewayEndpoint === undefined) {
      throw ApiError.invalid(
        `Scorer '${scorer.name}' does not use a gateway model. Automatic evaluation is only supported for scorers that use gateway models.`,
      );
    }
    if (traits.needsExpectations) {
      throw ApiError.invalid(
        `Scorer '${scorer.name}' requires expectations, but scorers with expectations are not currently supported for automatic evaluation.`,
      );
    }
    // MLflow keeps the endpoint's id in the stored scorer; Loupe keeps the name and checks it again here.
    if (!(await this.gatewayEndpoints.endpointExists(traits.gatewayEndpoint))) throw endpointNotFound(traits.gatewayEndpoint);
  }

  /** The configs of these scorers (unknown ids are skipped, as in MLflow). */
  async onlineConfigs(scorerIds: readonly string[]): Promise<OnlineScoringConfigRecord[]> {
    return this.store.onlineConfigs(scorerIds);
  }

  /** The experiment a scorer belongs to (authorization of the online-configs read). */
  async experimentOfScorer(scorerId: string): Promise<string | undefined> {
    return this.store.experimentOfScorer(scorerId);
  }

  /**
   * Every scorer to run online, across experiments: a rate above zero, in an active experiment, and a
   * latest version that is a gateway judge (MLflow drops a config whose newest version left the gateway).
   */
  async listActiveOnlineScorers(): Promise<ActiveOnlineScorer[]> {
    const active: ActiveOnlineScorer[] = [];
    for (const record of await this.store.activeOnlineScorers()) {
      let gateway: string | undefined;
      try {
        gateway = scorerTraits(record.serializedScorer).gatewayEndpoint;
      } catch {
        gateway = undefined;
      }
      if (gateway === undefined) continue;
      const scorer: ActiveOnlineScorer = {
        experimentId: record.experimentId,
        scorerId: record.scorerId,
        scorerName: record.name,
        version: record.version,
        serializedScorer: record.serializedScorer,
        sampleRate: record.sampleRate,
      };
      if (record.filterString !== undefined) scorer.filterString = record.filterString;
      active.push(scorer);
    }
    return active;
  }
}
