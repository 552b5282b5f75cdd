/**
 * The judges table's rows: an experiment's registered scorers (latest versions) joined with their
 * online-scoring configs and their progress (`GET /loupe/scorers/status`), and the text it shows.
 */
import type { OnlineScoringConfig, Scorer, ScorerOnlineStatus } from '@loupe/protocol';

/** One registered judge as the monitoring page shows it. */
export interface JudgeRow {
  name: string;
  scorerId: string;
  version: number;
  /** The judge's model URI (`gateway:/<endpoint>`), when the serialized scorer names one. */
  model?: string;
  /** 0 without a config (never started) or once stopped. */
  sampleRate: number;
  filterString?: string;
  /** Sampling above zero. */
  active: boolean;
  /** Its progress; absent while the status has not been read (or the scorer is newer than it). */
  status?: ScorerOnlineStatus;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The model a serialized scorer calls: `make_judge`'s model, or a built-in judge's.
 *
 * @example
 * judgeModel('{"instructions_judge_pydantic_data":{"model":"gateway:/judge-ep"}}'); // 'gateway:/judge-ep'
 */
export function judgeModel(serialized: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(serialized);
  } catch {
    return undefined;
  }
  if (!isObject(data)) return undefined;
  for (const key of ['instructions_judge_pydantic_data', 'builtin_scorer_pydantic_data']) {
    const part = data[key];
    if (isObject(part) && typeof part.model === 'string') return part.model;
  }
  return undefined;
}

/**
 * The rows of the judges table, by name: each scorer with its config and progress.
 *
 * @example
 * judgeRows(list.scorers ?? [], configs, status.scorers);
 */
export function judgeRows(scorers: readonly Scorer[], configs: readonly OnlineScoringConfig[], statuses: readonly ScorerOnlineStatus[]): JudgeRow[] {
  const configOf = new Map(configs.map((c) => [c.scorer_id, c]));
  const statusOf = new Map(statuses.map((s) => [s.scorer_id, s]));
  return scorers
    .map((s): JudgeRow => {
      const config = configOf.get(s.scorer_id);
      const status = statusOf.get(s.scorer_id);
      const model = judgeModel(s.serialized_scorer);
      const sampleRate = config?.sample_rate ?? 0;
      return {
        name: s.scorer_name,
        scorerId: s.scorer_id,
        version: s.scorer_version,
        ...(model !== undefined ? { model } : {}),
        sampleRate,
        ...(config?.filter_string ? { filterString: config.filter_string } : {}),
        active: sampleRate > 0,
        ...(status ? { status } : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A sample rate as a percentage, exact to the rate's precision.
 *
 * @example
 * formatSampleRate(0.25); // '25%'
 * formatSampleRate(0.001); // '0.1%'
 */
export function formatSampleRate(rate: number): string {
  return `${Number((rate * 100).toPrecision(6))}%`;
}

/**
 * A sample rate typed as a percentage (0 to 100), or the problem with it.
 *
 * @example
 * sampleRateFromPercent('12.5'); // { rate: 0.125 }
 * sampleRateFromPercent('150'); // { problem: 'The sample rate is a percentage from 0 to 100.' }
 */
export function sampleRateFromPercent(text: string): { rate: number } | { problem: string } {
  const t = text.trim().replace(/%$/, '').trim();
  const n = t === '' ? NaN : Number(t);
  if (!Number.isFinite(n) || n < 0 || n > 100) return { problem: 'The sample rate is a percentage from 0 to 100.' };
  return { rate: Number((n / 100).toPrecision(12)) };
}

/** What a judge has waiting: jobs queued or running, failed ones, and traces the scheduler has yet to examine. */
export interface Backlog {
  /** Judgements queued or being run. */
  jobs: number;
  running: number;
  failed: number;
  /** Traces after the scheduler's cursor (only while sampling). */
  unexamined?: number;
}

/**
 * A judge's backlog from its status, or undefined without one.
 *
 * @example
 * backlogOf(row)?.jobs; // 3
 */
export function backlogOf(row: JudgeRow): Backlog | undefined {
  const s = row.status;
  if (!s) return undefined;
  return {
    jobs: s.pending_jobs + s.running_jobs,
    running: s.running_jobs,
    failed: s.failed_jobs,
    ...(s.unexamined_traces !== undefined ? { unexamined: s.unexamined_traces } : {}),
  };
}

/**
 * The backlog in words, for the table cell.
 *
 * @example
 * backlogText({ jobs: 3, running: 1, failed: 0, unexamined: 12 }); // '3 queued (1 running) · 12 traces to examine'
 */
export function backlogText(b: Backlog): string {
  const parts = [b.jobs === 0 ? 'none queued' : `${b.jobs} queued${b.running ? ` (${b.running} running)` : ''}`];
  if (b.unexamined) parts.push(`${b.unexamined} trace${b.unexamined === 1 ? '' : 's'} to examine`);
  return parts.join(' · ');
}
