import { createHash } from 'node:crypto';
import { parseTraceFilter, type Comparison, type TraceFilterEntity } from '@loupe/protocol';
import { TraceMetadataKey } from '@loupe/protocol/attributes';
import type { NewJob } from '../../../store/job-store.js';
import type { TraceRecord } from '../../../store/trace-store.js';

/** The job kind of one judgement (a trace, or a session on its last trace, by one scorer version). */
export const ONLINE_SCORING_JOB = 'scorer.online';

/** What an online scoring job carries. */
export interface OnlineScoringJobPayload {
  experimentId: string;
  traceId: string;
  scorerId: string;
  scorerName: string;
  version: number;
  /** Session judges: the session, scored on `traceId` (its last trace). */
  sessionId?: string;
  /** A run asked for by someone (`scorers/run`): its id keeps it apart from the online judgement. */
  requestId?: string;
}

/**
 * Whether an entity (a trace or session id) is in a scorer's sample: a SHA-256 of `entity:scorer`
 * read as a number in [0, 1) below the rate. Deterministic, so re-runs and every server agree, and
 * independent across scorers.
 *
 * @example
 * isSampled('tr-1', 'scorer-1', 0.5); // true or false, always the same
 */
export function isSampled(entityId: string, scorerId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const digest = createHash('sha256').update(`${entityId}:${scorerId}`).digest();
  // 48 bits are plenty of resolution for a rate and stay exact in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48 < rate;
}

/** The key of one judgement: dedupes its job, and names the assessment it writes. */
export function judgementKey(p: OnlineScoringJobPayload): string {
  const parts = ['online', p.traceId, p.scorerId, String(p.version)];
  if (p.sessionId !== undefined) parts.push(`session=${p.sessionId}`);
  if (p.requestId !== undefined) parts.push(`request=${p.requestId}`);
  return parts.join(':');
}

/**
 * The assessment id a judgement writes: derived from its key, so a repeated attempt (after a crash
 * between the write and the job's completion) finds its assessment instead of writing another.
 *
 * @example
 * judgementAssessmentId(payload); // 'a-3f1c…' (32 hex characters)
 */
export function judgementAssessmentId(p: OnlineScoringJobPayload): string {
  return `a-${createHash('sha256').update(judgementKey(p)).digest('hex').slice(0, 32)}`;
}

/**
 * The job of a judgement, deduplicated on its key. `keep`: a job someone asked for (a run on chosen
 * traces, a backfill), kept as succeeded for the jobs API; the scheduler's own are not.
 */
export function judgementJob(p: OnlineScoringJobPayload, maxAttempts: number, keep = false): NewJob {
  return { kind: ONLINE_SCORING_JOB, payload: p, dedupeKey: judgementKey(p), maxAttempts, ...(keep ? { keep: true } : {}) };
}

type TraceComparison = Comparison<TraceFilterEntity>;

/** Traces not made by an evaluation run (MLflow scores only production traffic online). */
export const NOT_EVALUATION: TraceComparison = { entity: 'metadata', key: TraceMetadataKey.SOURCE_RUN, op: 'IS NULL', value: { kind: 'none' } };
/** Finished traces. */
export const FINISHED: TraceComparison = { entity: 'attribute', key: 'state', op: '!=', value: { kind: 'string', value: 'IN_PROGRESS' } };

/** `<attribute> <op> <number>`. */
export function numberClause(key: string, op: '<' | '<=' | '>' | '>=', value: number): TraceComparison {
  return { entity: 'attribute', key, op, value: { kind: 'number', value } };
}

/** `metadata.<key> = <value>`. */
export function metadataEquals(key: string, value: string): TraceComparison {
  return { entity: 'metadata', key, op: '=', value: { kind: 'string', value } };
}

/** A scorer's filter string as comparisons (empty when it has none). */
export function scorerFilter(filterString: string | undefined): TraceComparison[] {
  return filterString ? parseTraceFilter(filterString) : [];
}

/** A trace's end (request time plus duration). */
export function endTimeOf(t: TraceRecord): number {
  return t.requestTimeMs + (t.executionDurationMs ?? 0);
}
