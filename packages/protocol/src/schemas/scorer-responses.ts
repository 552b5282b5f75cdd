import { z } from 'zod';

/** Reply schemas of the scorer RPCs (spec §8.2) and the online-scoring routes (spec §11.1), as they go on the wire. */

/** The proto `Scorer`: `experiment_id` is an int32, so a JSON number here (unlike everywhere else). */
export const ScorerJson = z.strictObject({
  experiment_id: z.number().int(),
  scorer_name: z.string(),
  scorer_version: z.number().int(),
  serialized_scorer: z.string(),
  creation_time: z.number().int(),
  scorer_id: z.string(),
});
/** A registered scorer version. */
export type Scorer = z.infer<typeof ScorerJson>;

/** RegisterScorer's reply: flat, and its `experiment_id` is the proto's string. */
export const RegisterScorer = z.strictObject({
  version: z.number().int(),
  scorer_id: z.string(),
  experiment_id: z.string(),
  name: z.string(),
  serialized_scorer: z.string(),
  creation_time: z.number().int(),
});
/** ListScorers and ListScorerVersions (protobuf JSON: no `scorers` key when there are none). */
export const ListScorers = z.strictObject({ scorers: z.array(ScorerJson).optional() });
export const GetScorer = z.strictObject({ scorer: ScorerJson });

/** MLflow's `OnlineScoringConfig.to_dict()`: `filter_string` only when set. */
export const OnlineScoringConfigJson = z.strictObject({
  online_scoring_config_id: z.string(),
  scorer_id: z.string(),
  sample_rate: z.number(),
  experiment_id: z.string(),
  filter_string: z.string().optional(),
});
/** A scorer's online-scoring configuration. */
export type OnlineScoringConfig = z.infer<typeof OnlineScoringConfigJson>;

/** PUT /scorers/online-config. */
export const UpsertOnlineScoringConfig = z.strictObject({ config: OnlineScoringConfigJson });
/** GET /scorers/online-configs: plain JSON, so an empty list is sent as `[]`. */
export const GetOnlineScoringConfigs = z.strictObject({ configs: z.array(OnlineScoringConfigJson) });

/** POST /loupe/scorers/backfill: traces in the window and judgement jobs added. */
export const BackfillScorer = z.strictObject({ trace_count: z.number(), job_count: z.number() });
/** POST /loupe/scorers/run: jobs added, under one request id. */
export const RunScorer = z.strictObject({ job_count: z.number(), request_id: z.string() });

/** One scorer's online-scoring progress (GET /loupe/scorers/status). Times are epoch milliseconds. */
export const ScorerStatusJson = z.strictObject({
  scorer_id: z.string(),
  name: z.string(),
  /** The latest version, the one online scoring runs. */
  version: z.number().int(),
  /** Whether the scorer judges sessions (on their last trace) rather than single traces. */
  session_level: z.boolean(),
  /** Why the latest version cannot run on the server (not a gateway judge, needs expectations, ...). */
  online_error: z.string().optional(),
  /** When its newest judgement was written (an LLM_JUDGE assessment named after it, on the experiment's traces). */
  last_judgement_time_ms: z.number().optional(),
  /** The scheduler's cursor: traces that ended up to this time have been examined. */
  examined_through_ms: z.number().optional(),
  /** When the scheduler last moved the cursor (it moves when it finds traces to examine). */
  cursor_update_time_ms: z.number().optional(),
  /** Judgement jobs queued and not started. */
  pending_jobs: z.number().int(),
  /** Judgement jobs being run now. */
  running_jobs: z.number().int(),
  /** Judgement jobs that failed for good (kept with their error). */
  failed_jobs: z.number().int(),
  /**
   * While sampling above zero: finished traces matching its filter that ended after the cursor (those
   * started in the last day), which the scheduler has yet to examine (and will sample).
   */
  unexamined_traces: z.number().int().optional(),
});
/** One scorer's online-scoring progress. */
export type ScorerOnlineStatus = z.infer<typeof ScorerStatusJson>;
/** GET /loupe/scorers/status: every scorer of the experiment, by name. */
export const ScorerStatus = z.strictObject({ scorers: z.array(ScorerStatusJson) });

/** A job as MLflow's jobs API answers it (`mlflow/server/job_api.py`'s `Job`). */
export const JobJson = z.strictObject({
  job_id: z.string(),
  creation_time: z.number(),
  job_name: z.string(),
  params: z.record(z.string(), z.unknown()),
  timeout: z.number().nullable(),
  status: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMEOUT', 'CANCELED']),
  result: z.unknown(),
  retry_count: z.number(),
  last_update_time: z.number(),
});
export const GetJob = JobJson;
export const SearchJobs = z.strictObject({ jobs: z.array(JobJson) });
