import type { OnlineScoringConfig, Scorer, ScorerOnlineStatus } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import { judgeRows, type JudgeRow } from '../lib/judge-rows';

const SCORERS = '3.0/mlflow/scorers';
const LOUPE_SCORERS = '2.0/loupe/scorers';

/** The experiment's judges with their sampling and progress: the scorer list, their online configs, their status. */
async function readJudges(experimentId: string, signal: AbortSignal): Promise<JudgeRow[]> {
  const [list, status] = await Promise.all([
    apiRequest<{ scorers?: Scorer[] }>('GET', `${SCORERS}/list`, { query: { experiment_id: experimentId }, signal }),
    apiRequest<{ scorers: ScorerOnlineStatus[] }>('GET', `${LOUPE_SCORERS}/status`, { query: { experiment_id: experimentId }, signal }),
  ]);
  const scorers = list.scorers ?? [];
  const configs = scorers.length
    ? (
        await apiRequest<{ configs: OnlineScoringConfig[] }>('GET', `${SCORERS}/online-configs`, {
          query: { scorer_ids: scorers.map((s) => s.scorer_id) },
          signal,
        })
      ).configs
    : [];
  return judgeRows(scorers, configs, status.scorers);
}

/**
 * An experiment's registered judges (latest versions), each with its sample rate, filter and
 * progress; read again every 10 s while shown (every `refetchMs` when given, e.g. while waiting for
 * judgements to finish).
 *
 * @example
 * const { data: judges } = useJudges('1');
 */
export function useJudges(experimentId: string, refetchMs = 10_000) {
  return useQuery({
    queryKey: ['judges', experimentId],
    queryFn: ({ signal }) => readJudges(experimentId, signal),
    refetchInterval: refetchMs,
  });
}

/** What sampling to set: as MLflow's `start`/`update` (a rate and a filter) or `stop` (rate 0, the filter kept). */
export interface JudgeSampling {
  name: string;
  sampleRate: number;
  filterString?: string;
}

/**
 * Setting a judge's online sampling (`PUT /scorers/online-config`, as the Python client's
 * `start`, `update` and `stop` do); the judges are read again.
 *
 * @example
 * useSetJudgeSampling('1').mutate({ name: 'polite', sampleRate: 0.5, filterString: "tags.env = 'prod'" });
 */
export function useSetJudgeSampling(experimentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: JudgeSampling) =>
      apiRequest<{ config: OnlineScoringConfig }>('PUT', `${SCORERS}/online-config`, {
        body: { experiment_id: experimentId, name: s.name, sample_rate: s.sampleRate, ...(s.filterString ? { filter_string: s.filterString } : {}) },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['judges', experimentId] }),
  });
}

/**
 * A backfill: the judge, with its sampling, on the finished traces that started in a window
 * (`POST /loupe/scorers/backfill`); answers how many traces matched and judgements were queued.
 *
 * @example
 * useBackfillJudge('1').mutate({ name: 'polite', startMs: Date.now() - 86_400_000, endMs: Date.now() });
 */
export function useBackfillJudge(experimentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { name: string; startMs: number; endMs: number }) =>
      apiRequest<{ trace_count: number; job_count: number }>('POST', `${LOUPE_SCORERS}/backfill`, {
        body: { experiment_id: experimentId, name: b.name, start_time_ms: b.startMs, end_time_ms: b.endMs },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['judges', experimentId] }),
  });
}

/**
 * Running a judge on chosen traces now (`POST /loupe/scorers/run`), a new judgement even where one
 * exists; answers how many judgements were queued.
 *
 * @example
 * useRunJudge('1').mutate({ name: 'polite', traceIds: ['tr-1', 'tr-2'] });
 */
export function useRunJudge(experimentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (r: { name: string; traceIds: readonly string[] }) =>
      apiRequest<{ job_count: number; request_id: string }>('POST', `${LOUPE_SCORERS}/run`, {
        body: { experiment_id: experimentId, name: r.name, trace_ids: r.traceIds },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['judges', experimentId] }),
  });
}
