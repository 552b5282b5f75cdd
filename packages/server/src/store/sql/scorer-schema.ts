/** Scorer registry tables (migrations/0018). Times are epoch milliseconds. */
export interface ScorersTable {
  scorer_id: string;
  experiment_id: number;
  scorer_name: string;
}

export interface ScorerVersionsTable {
  scorer_id: string;
  scorer_version: number;
  /** The client's serialized scorer (JSON text), as sent. */
  serialized_scorer: string;
  creation_time: number;
}

export interface OnlineScoringConfigsTable {
  online_scoring_config_id: string;
  scorer_id: string;
  experiment_id: number;
  sample_rate: number;
  filter_string: string | null;
}

/** Online scoring cursors (migrations/0021). */
export interface OnlineScoringCursorsTable {
  scorer_id: string;
  /** `trace` or `session`. */
  lane: string;
  /** JSON of the cursor: the sort position after the last trace handed to the job queue. */
  position: string;
  updated_at: number;
}

/** The scorer tables as Kysely sees them. */
export interface ScorerTables {
  scorers: ScorersTable;
  scorer_versions: ScorerVersionsTable;
  online_scoring_configs: OnlineScoringConfigsTable;
  online_scoring_cursors: OnlineScoringCursorsTable;
}
