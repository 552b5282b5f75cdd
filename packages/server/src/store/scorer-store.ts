/** One registered version of a scorer (spec §8.2). Times in epoch milliseconds. */
export interface ScorerVersionRecord {
  scorerId: string;
  experimentId: string;
  name: string;
  version: number;
  /** The client's serialized scorer (JSON text), as stored. */
  serializedScorer: string;
  creationTime: number;
}

/** A scorer's online-scoring configuration (spec §11.1): at most one per scorer, for all its versions. */
export interface OnlineScoringConfigRecord {
  configId: string;
  scorerId: string;
  experimentId: string;
  /** 0 means stopped (`scorer.stop()`); the row is kept. */
  sampleRate: number;
  filterString?: string;
}

/** A scorer with a sampling rate above zero, with its latest version (what the online scorer runs). */
export interface ActiveOnlineScorerRecord {
  experimentId: string;
  scorerId: string;
  name: string;
  version: number;
  serializedScorer: string;
  sampleRate: number;
  filterString?: string;
}

/** Input of {@link ScorerStore.registerScorerVersion}. */
export interface NewScorerVersion {
  experimentId: string;
  name: string;
  serializedScorer: string;
  /** Makes the scorer's id when the name is new in the experiment. */
  newScorerId: () => string;
  now: number;
}

/** Which scorers {@link ScorerStore.listLatestScorers} returns: every scorer of these experiments, and these named ones. */
export interface ScorerSelection {
  experimentIds: readonly string[];
  keys: readonly { experimentId: string; name: string }[];
}

/** What {@link ScorerStore.deleteScorer} did. */
export type ScorerDeletion = 'deleted' | 'no-scorer' | 'no-version';

/**
 * The scorer registry and online-scoring configs (spec §8.2, §11.1). The store does not read the
 * serialized scorers; the service checks them. Experiment ids that are not integers name nothing.
 */
export interface ScorerStore {
  /** Adds the next version (1 for a new name) in one transaction; concurrent registrations get distinct versions. */
  registerScorerVersion(input: NewScorerVersion): Promise<ScorerVersionRecord>;
  /** The latest version of each selected scorer, ordered by experiment id then name. */
  listLatestScorers(selection: ScorerSelection): Promise<ScorerVersionRecord[]>;
  /** Every version of one scorer, oldest first (empty when there is no such scorer). */
  listScorerVersions(experimentId: string, name: string): Promise<ScorerVersionRecord[]>;
  /** One version, or the latest when `version` is absent. */
  getScorerVersion(experimentId: string, name: string, version?: number): Promise<ScorerVersionRecord | undefined>;
  /** The experiment a scorer id belongs to. */
  experimentOfScorer(scorerId: string): Promise<string | undefined>;
  /**
   * Deletes one version (the scorer and its online config stay, as in MLflow), or, without `version`,
   * the scorer with all its versions and its online config.
   */
  deleteScorer(experimentId: string, name: string, version?: number): Promise<ScorerDeletion>;
  /** Replaces the scorer's online config (a new config id each time). */
  putOnlineConfig(config: OnlineScoringConfigRecord): Promise<void>;
  /** The configs of these scorers (unknown ids are skipped). */
  onlineConfigs(scorerIds: readonly string[]): Promise<OnlineScoringConfigRecord[]>;
  /** Configs with a rate above zero in active experiments, each with its scorer's latest version; by experiment id then name. */
  activeOnlineScorers(): Promise<ActiveOnlineScorerRecord[]>;
}
