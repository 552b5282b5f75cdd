import type { Trace } from '../client/trace-model.js';

/**
 * The contract between `evaluate()` and every scorer, code or LLM judge (issue 17).
 * `evaluate()` builds a {@link ScorerInput} per row (or per session for session-level scorers),
 * calls {@link Scorer.score}, and writes each {@link ScorerFeedback} as a feedback assessment on the
 * row's trace. Scorers never write to the server themselves.
 */

/** A feedback value as MLflow stores it: judges answer `'yes'` / `'no'`, code scorers any of these. */
export type FeedbackValue = boolean | number | string | null | Record<string, unknown> | unknown[];

/** One turn of a session, oldest first, for session-level scorers. */
export interface ConversationTurn {
  traceId: string;
  inputs: unknown;
  outputs: unknown;
}

/** What a scorer sees for one row (trace-level) or one session (session-level). */
export interface ScorerInput {
  /** The row's inputs (a dict in MLflow's sense: the predict function's arguments). */
  inputs: Record<string, unknown>;
  /** What the app answered (the predict function's return value, or the row's static outputs). */
  outputs: unknown;
  /** Ground truth for the row, by name (e.g. `expected_response`, `expected_facts`, `guidelines`). */
  expectations: Record<string, unknown>;
  /** The row's trace read back from the server (spans decoded); absent only when tracing was off. */
  trace?: Trace;
  /** Session-level scorers only: every turn of the session, oldest first. */
  conversation?: ConversationTurn[];
}

/** The model a judge used for one verdict, as recorded in the assessment's metadata. */
export interface JudgeUsage {
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  /** USD, from the price catalog (`@loupe/protocol/pricing`), when the model is priced. */
  costUsd?: number;
}

/** One verdict. `error` set means the scorer could not score (stored as an error assessment). */
export interface ScorerFeedback {
  /** Defaults to the scorer's name; a scorer returning several feedbacks names each. */
  name?: string;
  value?: FeedbackValue;
  rationale?: string;
  error?: { code: string; message: string; stack?: string };
  /** The span the verdict is about (retrieval judges: a RETRIEVER span); the trace's root span when absent. */
  spanId?: string;
  metadata?: Record<string, string>;
  /** Judges only: the model call(s) behind this verdict. */
  usage?: JudgeUsage;
}

/** A code scorer or an LLM judge. */
export interface Scorer {
  /** The assessment name its feedback is stored under (letters, digits, `_`, `-`; no dots). */
  readonly name: string;
  /** `CODE` for functions, `LLM_JUDGE` for judges: the assessment's `source.source_type`. */
  readonly sourceType: 'CODE' | 'LLM_JUDGE';
  /** `trace` scorers run once per row; `session` scorers once per `mlflow.trace.session` group. */
  readonly level: 'trace' | 'session';
  /** Scores one row or session. May throw: `evaluate()` turns a throw into an error assessment. */
  score(input: ScorerInput, signal?: AbortSignal): Promise<ScorerFeedback | ScorerFeedback[]>;
}
