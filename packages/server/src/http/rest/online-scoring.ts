import { ScorerRequests as R, ScorerResponses as W } from '@loupe/protocol';
import { ref } from '../../auth/access.js';
import type { OnlineScorerStatus } from '../../services/scorers/online/online-scoring-service.js';
import type { JobRecord } from '../../store/job-store.js';
import { RawJson } from '../json-response.js';
import { rpc } from '../rpc.js';

type JobStatusName = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'CANCELED';

const STATUS_NAMES: Record<JobRecord['status'], JobStatusName> = { pending: 'PENDING', running: 'RUNNING', succeeded: 'SUCCEEDED', failed: 'FAILED' };
const STATUSES_OF: Partial<Record<JobStatusName, JobRecord['status']>> = { PENDING: 'pending', RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed' };

/** A job as MLflow's jobs router answers it: the kind as `job_name`, the payload as `params`, the error as `result`. */
function jobJson(job: JobRecord) {
  const params =
    typeof job.payload === 'object' && job.payload !== null && !Array.isArray(job.payload)
      ? (job.payload as Record<string, unknown>)
      : { payload: job.payload };
  return {
    job_id: job.id,
    creation_time: job.createdAt,
    job_name: job.kind,
    params,
    timeout: null,
    status: STATUS_NAMES[job.status],
    result: job.lastError,
    retry_count: Math.max(0, job.attempts - 1),
    last_update_time: job.updatedAt,
  };
}

/** A scorer's progress on the wire (snake_case, optional fields only when known). */
function scorerStatusJson(s: OnlineScorerStatus) {
  return {
    scorer_id: s.scorerId,
    name: s.name,
    version: s.version,
    session_level: s.sessionLevel,
    ...(s.onlineError !== undefined ? { online_error: s.onlineError } : {}),
    ...(s.lastJudgementMs !== undefined ? { last_judgement_time_ms: s.lastJudgementMs } : {}),
    ...(s.examinedThroughMs !== undefined ? { examined_through_ms: s.examinedThroughMs } : {}),
    ...(s.cursorUpdatedMs !== undefined ? { cursor_update_time_ms: s.cursorUpdatedMs } : {}),
    pending_jobs: s.jobs.pending,
    running_jobs: s.jobs.running,
    failed_jobs: s.jobs.failed,
    ...(s.unexaminedTraces !== undefined ? { unexamined_traces: s.unexaminedTraces } : {}),
  };
}

/** Whether a job's payload holds every `params` entry (MLflow matches jobs by their parameters). */
function hasParams(job: JobRecord, params: Record<string, unknown> | null | undefined): boolean {
  if (!params) return true;
  const payload = (job.payload ?? {}) as Record<string, unknown>;
  return Object.entries(params).every(([k, v]) => JSON.stringify(payload[k]) === JSON.stringify(v));
}

/**
 * Online scoring's Loupe routes (docs/api.md): a backfill of past traces and a run on chosen traces
 * (EDIT on the experiment, as setting a scorer's sampling), each scorer's progress (READ, as listing
 * the scorers: what the monitoring page shows), and the read side of MLflow's jobs API
 * that its UI polls (`/ajax-api/3.0/jobs/{job_id}`, `/ajax-api/3.0/jobs/search`; admins, since jobs
 * span experiments). The jobs of a run or a backfill are kept when they succeed (`SUCCEEDED`) and
 * failed ones stay as the dead letter (`FAILED`, the error as `result`), both until the retention
 * purge; the scheduler's own jobs are removed when they succeed, so those are found only while
 * pending, running or failed.
 */
export const onlineScoringRoutes = [
  rpc({
    method: 'POST',
    path: '/loupe/scorers/backfill',
    versions: [2],
    request: R.BackfillScorer,
    response: W.BackfillScorer,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const { traces, jobs } = await services.onlineScoring.backfill({
        experimentId: req.experiment_id,
        name: req.name,
        startTimeMs: req.start_time_ms,
        endTimeMs: req.end_time_ms,
      });
      return new RawJson(JSON.stringify({ trace_count: traces, job_count: jobs }));
    },
  }),
  rpc({
    method: 'POST',
    path: '/loupe/scorers/run',
    versions: [2],
    request: R.RunScorer,
    response: W.RunScorer,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const { jobs, requestId } = await services.onlineScoring.runOnTraces({ experimentId: req.experiment_id, name: req.name, traceIds: req.trace_ids });
      return new RawJson(JSON.stringify({ job_count: jobs, request_id: requestId }));
    },
  }),
  rpc({
    method: 'GET',
    path: '/loupe/scorers/status',
    versions: [2],
    request: R.ScorerStatus,
    response: W.ScorerStatus,
    access: { read: (req) => ref.experiment(req.experiment_id) },
    // Plain JSON, so no scorers is `[]`.
    handle: async (req, { services }) =>
      new RawJson(JSON.stringify({ scorers: (await services.onlineScoring.status(req.experiment_id)).map(scorerStatusJson) })),
  }),
  rpc({
    method: 'POST',
    path: '/jobs/search',
    versions: [3],
    ajaxOnly: true,
    request: R.SearchJobs,
    response: W.SearchJobs,
    access: { kind: 'admin' },
    handle: async (req, { services }) => {
      const statuses = (req.statuses ?? []).map((s) => STATUSES_OF[s]).filter((s): s is JobRecord['status'] => s !== undefined);
      // Asked only for statuses Loupe never records (TIMEOUT, CANCELED): none.
      if (req.statuses?.length && statuses.length === 0) return new RawJson(JSON.stringify({ jobs: [] }));
      const jobs = await services.onlineScoring.searchJobs({ kinds: req.job_name ? [req.job_name] : [], statuses, limit: 1000 });
      return new RawJson(JSON.stringify({ jobs: jobs.filter((j) => hasParams(j, req.params)).map(jobJson) }));
    },
  }),
  rpc({
    method: 'GET',
    path: '/jobs/:job_id',
    versions: [3],
    ajaxOnly: true,
    request: R.GetJob,
    response: W.GetJob,
    access: { kind: 'admin' },
    handle: async (req, { services }) => new RawJson(JSON.stringify(jobJson(await services.onlineScoring.getJob(req.job_id)))),
  }),
];
