import type { Assessment, TraceInfoV3 } from '@loupe/protocol';
import { replyText, requestText } from '../../traces/lib/preview-text';
import { EvalKey } from './eval-keys';
import { normalizeFeedback, scoreNumber, type Score } from './score-value';

/**
 * An evaluation run's rows: one per trace the run produced, with the example's inputs and outputs
 * (the trace's request and response previews), its expectations, and each scorer's verdict.
 */

/** One scorer's verdict on a row, with the judge's reasoning. */
export interface ScoreCell {
  score: Score;
  rationale?: string;
  /** LLM_JUDGE, CODE or HUMAN, and who. */
  source?: string;
}

/** One expectation (ground truth) of a row. */
export interface Expectation {
  name: string;
  value: string;
}

/** One example of an evaluation run. */
export interface EvalRow {
  traceId: string;
  requestTimeMs: number;
  state: TraceInfoV3['state'];
  /** The request and response previews as logged (JSON text, maybe cut short). */
  request: string;
  response: string;
  /** What a person reads of them: the question and the answer. */
  inputs: string;
  outputs: string;
  expectations: Expectation[];
  scores: Record<string, ScoreCell>;
  /** The `mlflow.eval.requestId` tag: the dataset row this trace was made for. */
  requestId?: string;
}

const assessmentText = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** Whether a feedback belongs to `runId`: made by it, or by no run in particular. */
function ofRun(a: Assessment, runId: string): boolean {
  const source = a.metadata?.[EvalKey.ASSESSMENT_SOURCE_RUN];
  return !source || source === runId;
}

/**
 * A trace of evaluation run `runId` as a row. Only valid assessments count (an overridden one gives
 * way to its override); a trace scored by several runs keeps the feedback of this run (assessment
 * metadata `mlflow.assessment.sourceRunId`) and feedback of no run; the latest feedback per name wins.
 *
 * @example
 * evalRow(info, 'run-1').scores.correctness?.score; // { kind: 'pass', text: 'yes' }
 */
export function evalRow(info: TraceInfoV3, runId: string): EvalRow {
  const scores: Record<string, ScoreCell> = {};
  const expectations: Expectation[] = [];
  const latest = [...(info.assessments ?? [])].sort((a, b) => Date.parse(a.create_time) - Date.parse(b.create_time));
  for (const a of latest) {
    if (a.valid === false) continue;
    if (a.expectation) {
      const value = a.expectation.serialized_value ? a.expectation.serialized_value.value : assessmentText(a.expectation.value);
      const at = expectations.findIndex((e) => e.name === a.assessment_name);
      if (at >= 0) expectations[at] = { name: a.assessment_name, value };
      else expectations.push({ name: a.assessment_name, value });
    } else if (a.feedback && ofRun(a, runId)) {
      const cell: ScoreCell = { score: normalizeFeedback(a.feedback), source: `${a.source.source_type} · ${a.source.source_id}` };
      const rationale = a.rationale || (cell.score.kind === 'error' ? a.feedback.error?.stack_trace : undefined);
      if (rationale) cell.rationale = rationale;
      scores[a.assessment_name] = cell;
    }
  }
  const request = info.request_preview ?? '';
  const response = info.response_preview ?? '';
  const row: EvalRow = {
    traceId: info.trace_id,
    requestTimeMs: Date.parse(info.request_time),
    state: info.state,
    request,
    response,
    inputs: request ? requestText(request) : '',
    outputs: response ? replyText(response) : '',
    expectations,
    scores,
  };
  const requestId = info.tags?.[EvalKey.EVAL_REQUEST_ID_TAG];
  if (requestId) row.requestId = requestId;
  return row;
}

/**
 * The scorers of some rows, by name.
 *
 * @example
 * scorerNames(rows); // ['correctness', 'relevance']
 */
export function scorerNames(...rowSets: readonly (readonly EvalRow[])[]): string[] {
  const names = new Set<string>();
  for (const rows of rowSets) for (const r of rows) for (const n of Object.keys(r.scores)) names.add(n);
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** Which rows of one scorer to keep: passing, failing, erroring, or not scored. */
export type ScoreFilterValue = 'pass' | 'fail' | 'error' | 'missing';

/** A filter on one scorer's verdict. */
export interface ScoreFilter {
  scorer: string;
  value: ScoreFilterValue;
}

/**
 * Whether a row's verdict of `filter.scorer` is what the filter asks. Pass and fail are the judges'
 * yes/no and booleans only: what counts as failing on a numeric scale is the scorer's business, so
 * numeric scorers are sorted, not filtered.
 *
 * @example
 * matchesScoreFilter(row, { scorer: 'correctness', value: 'fail' });
 */
export function matchesScoreFilter(row: EvalRow, filter: ScoreFilter): boolean {
  const kind = row.scores[filter.scorer]?.score.kind;
  return filter.value === 'missing' ? kind === undefined || kind === 'none' : kind === filter.value;
}

/** An order of rows by one scorer. */
export interface ScoreSort {
  scorer: string;
  descending: boolean;
}

/**
 * Rows ordered by one scorer's verdict as a number (fail before pass ascending); rows without a
 * comparable verdict (text, errors, none) come last either way, in their original order.
 *
 * @example
 * sortRows(rows, { scorer: 'relevance', descending: false })[0]; // the least relevant row
 */
export function sortRows(rows: readonly EvalRow[], sort: ScoreSort): EvalRow[] {
  const keyed = rows.map((row, i) => ({ row, i, v: scoreNumber(row.scores[sort.scorer]?.score) }));
  keyed.sort((a, b) => {
    if (a.v === undefined || b.v === undefined) return a.v === b.v ? a.i - b.i : a.v === undefined ? 1 : -1;
    return (sort.descending ? b.v - a.v : a.v - b.v) || a.i - b.i;
  });
  return keyed.map((k) => k.row);
}

/**
 * Rows kept by an optional filter, in an optional order.
 *
 * @example
 * viewRows(rows, { scorer: 'correctness', value: 'fail' }, undefined);
 */
export function viewRows(rows: readonly EvalRow[], filter: ScoreFilter | undefined, sort: ScoreSort | undefined): readonly EvalRow[] {
  const kept = filter ? rows.filter((r) => matchesScoreFilter(r, filter)) : rows;
  return sort ? sortRows(kept, sort) : kept;
}
