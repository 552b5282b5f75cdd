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
