import { z } from 'zod';
import { int64, repeated, required, requiredList, requiredStr, str, type WireIssue } from './fields.js';

/**
 * Request schemas of MLflow's scorer registry RPCs (`service.proto` RegisterScorer ... DeleteScorer,
 * spec §8.2) and of the two plain-JSON online-scoring routes of `mlflow/server/handlers.py` (spec
 * §11.1). Rules that need the database (the experiment, the scorer, the gateway endpoint) and the
 * range of `sample_rate` are the service's, as they are MLflow's store's.
 */

const invalid = { loupe: 'invalid' } satisfies WireIssue;

/** Python's name of a JSON value's type, as MLflow's type errors quote it. */
function pythonType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

const experimentAndName = { experiment_id: requiredStr(), name: requiredStr() };

/** POST /scorers/register: a new version of the experiment's scorer of that name. */
export const RegisterScorer = z.object({ ...experimentAndName, serialized_scorer: requiredStr() });

/**
 * GET /scorers/list: the latest version of each scorer of `experiment_id` or of `experiment_ids` (not
 * both), plus the scorers named by `scorer_keys` (`<experiment id>/<URL-encoded name>`).
 */
export const ListScorers = z
  .object({ experiment_id: str().optional(), experiment_ids: repeated(str()), scorer_keys: repeated(str()) })
  .superRefine((req, ctx) => {
    if (req.experiment_id && req.experiment_ids.length > 0) {
      ctx.addIssue({ code: 'custom', message: "Specify only one of 'experiment_id' or 'experiment_ids', not both.", params: invalid });
    }
    for (const key of req.scorer_keys) {
      if (scorerKey(key) === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `Invalid scorer key '${key}' in parameter 'scorer_keys': expected '<experiment_id>/<URL-encoded scorer name>'.`,
          params: invalid,
        });
      }
    }
  });

/**
 * A `scorer_keys` entry split into its experiment id and decoded name; undefined when it is not one.
 *
 * @example
 * scorerKey('3/my%2Fjudge'); // { experimentId: '3', name: 'my/judge' }
 */
export function scorerKey(key: string): { experimentId: string; name: string } | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return undefined;
  try {
    return { experimentId: key.slice(0, slash), name: decodeURIComponent(key.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}

/** GET /scorers/versions: every version of one scorer. */
export const ListScorerVersions = z.object(experimentAndName);

/** GET /scorers/get: one version (absent: the latest). */
export const GetScorer = z.object({ ...experimentAndName, version: int64().optional() });

/** DELETE /scorers/delete (JSON body): one version, or every version when `version` is absent. */
export const DeleteScorer = GetScorer;

/**
 * PUT /scorers/online-config (plain JSON): the scorer's sampling. `sample_rate` is read as Python's
 * `float()` reads it (numbers and numeric strings); its range is checked by the service.
 */
export const UpsertOnlineScoringConfig = z.object({
  ...experimentAndName,
  sample_rate: required(
    z.unknown().transform((v, ctx) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isNaN(n)) {
        ctx.addIssue({ code: 'custom', message: `sample_rate must be a number, got ${pythonType(v)}.`, params: invalid });
        return z.NEVER;
      }
      return n;
    }),
  ),
  filter_string: z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'string') return v;
      ctx.addIssue({
        code: 'custom',
        message: `Invalid value ${JSON.stringify(v)} for parameter 'filter_string' supplied: Value was of type '${pythonType(v)}'. Expected type 'str' or None.`,
        params: invalid,
      });
      return z.NEVER;
    }),
});

/** GET /scorers/online-configs: the configs of these scorers (repeated `scorer_ids`). */
export const GetOnlineScoringConfigs = z.object({ scorer_ids: requiredList(str()) });

/** POST /loupe/scorers/backfill (Loupe): judge the traces that started in a window with the scorer's sampling. */
export const BackfillScorer = z.object({
  ...experimentAndName,
  start_time_ms: required(int64()),
  end_time_ms: required(int64()),
});

/** POST /loupe/scorers/run (Loupe): judge these traces now with the scorer's latest version. */
export const RunScorer = z.object({
  ...experimentAndName,
  trace_ids: requiredList(str()),
});

/** GET /loupe/scorers/status (Loupe): how far online scoring has come for each scorer of the experiment. */
export const ScorerStatus = z.object({ experiment_id: requiredStr() });

/** MLflow's job statuses (`mlflow.entities._job_status.JobStatus`). */
export const JobStatusName = z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMEOUT', 'CANCELED']);

/** GET /ajax-api/3.0/jobs/{job_id} (MLflow's FastAPI jobs router). */
export const GetJob = z.object({ job_id: requiredStr() });

/** POST /ajax-api/3.0/jobs/search: by job name and statuses (`params` is accepted and matched on the payload's top-level keys). */
export const SearchJobs = z.object({
  job_name: z.string().nullish(),
  statuses: z.array(JobStatusName).nullish(),
  params: z.record(z.string(), z.unknown()).nullish(),
});
