import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { TraceMetadataKey } from '@loupe/protocol/attributes';
import type { LoupeClient } from '../client/loupe-client.js';
import type { Trace, TraceSpan } from '../client/trace-model.js';
import type { LoupeSpan } from '../tracing/loupe-span.js';
import type { TraceUpdate } from '../tracing/trace-registry.js';
import type { StartSpanOptions } from '../tracing/tracing.js';
import { validateScorerName } from './code-scorer.js';
import type { EvalItem } from './evaluation-data.js';
import { EvaluationKey } from './evaluation-keys.js';
import type { Scorer, ScorerFeedback, ScorerInput } from './scorer-types.js';

/** What `evaluate()` needs of a Loupe instance: its client and its tracing. `Loupe` is one. */
export interface EvaluationHost {
  readonly client: LoupeClient;
  experimentId(): Promise<string>;
  withSpan<T>(callback: (span: LoupeSpan) => T, options?: StartSpanOptions): T;
  updateCurrentTrace(update: TraceUpdate): boolean;
  flushTraces(): Promise<void>;
}

/** The app under evaluation: called with a row's inputs. */
export type PredictFunction = (inputs: Record<string, unknown>) => unknown;

/** What every row of one evaluation shares. */
export interface RowContext {
  host: EvaluationHost;
  runId: string;
  predict: PredictFunction | undefined;
  /** Trace-level scorers. */
  scorers: readonly Scorer[];
  signal: AbortSignal | undefined;
  /** Who the expectations are from (MLflow: the user name). */
  user: string;
  warn(message: string): void;
}

/** One verdict of one scorer, with the name it is stored under. */
export interface NamedFeedback {
  name: string;
  scorer: Scorer;
  feedback: ScorerFeedback;
}

/** What became of one row. */
export interface RowOutcome {
  item: EvalItem;
  trace: Trace | undefined;
  outputs: unknown;
  feedback: NamedFeedback[];
  /** Why the app or its trace failed. */
  error?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The root span of a trace. */
export function rootSpan(trace: Trace | undefined): TraceSpan | undefined {
  return trace?.spans.find((s) => s.parentId === null);
}

/** Reads a trace back once its spans and info are delivered: flushes first, tries twice more if missing. */
async function readBack(ctx: RowContext, traceId: string): Promise<Trace | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await ctx.host.flushTraces();
    const trace = await ctx.host.client.getTrace(traceId);
    if (trace && trace.spans.length > 0) return trace;
  }
  return undefined;
}

/**
 * Runs `body` as the root span of a new trace made for this row (`mlflow.sourceRun` = the run, tag
 * `mlflow.eval.requestId`, the row's tags and session), as MLflow's harness does for predict calls and
 * static rows (spec §10.4 step 3).
 */
async function inNewTrace(
  ctx: RowContext,
  item: EvalItem,
  name: string,
  body: () => unknown,
): Promise<{ traceId?: string; outputs: unknown; error?: unknown }> {
  let traceId: string | undefined;
  const run = async (span: LoupeSpan) => {
    if (span.isRecording) {
      traceId = span.traceId;
      ctx.host.updateCurrentTrace({
        metadata: { [TraceMetadataKey.SOURCE_RUN]: ctx.runId },
        tags: { ...item.tags, [EvaluationKey.EVAL_REQUEST_ID_TAG]: randomUUID() },
        ...(item.sessionId ? { sessionId: item.sessionId } : {}),
      });
    }
    return await body();
  };
  // A new root (not a child of whatever span is active where evaluate() was called), always sampled.
  const options: StartSpanOptions = { name, spanType: 'CHAIN', inputs: item.inputs, sampleRatio: 1, parent: ROOT_CONTEXT };
  try {
    const outputs = await ctx.host.withSpan(run, options);
    return { ...(traceId ? { traceId } : {}), outputs };
  } catch (error) {
    return { ...(traceId ? { traceId } : {}), outputs: undefined, error };
  }
}

/** The row's trace: the stored one, or a new one from the predict call or the static row. */
async function traceFor(ctx: RowContext, item: EvalItem): Promise<{ trace?: Trace; outputs: unknown; error?: string }> {
  if (item.trace) {
    // Traces from `searchTraces({ includeSpans: false })` have no spans: read them whole.
    const trace = item.trace.spans.length > 0 ? item.trace : ((await ctx.host.client.getTrace(item.trace.info.trace_id)) ?? item.trace);
    return { trace, outputs: item.outputs };
  }
  const predict = ctx.predict;
  const made = predict
    ? await inNewTrace(ctx, item, predict.name || 'predict', () => predict(item.inputs))
    : await inNewTrace(ctx, item, 'root_span', () => item.outputs);
  const error = made.error !== undefined ? `predict failed: ${message(made.error)}` : undefined;
  const outputs = predict ? made.outputs : item.outputs;
  if (!made.traceId) {
    // Tracing is off on this instance: the row is scored, but there is no trace to store the verdicts on.
    return { outputs, error: [error, 'no trace: tracing is disabled on this Loupe instance'].filter(Boolean).join('; ') };
  }
  const trace = await readBack(ctx, made.traceId);
  const missing = trace ? undefined : `trace ${made.traceId} was not stored (tracing disabled, sampled out or export failed)`;
  const problems = [error, missing].filter(Boolean).join('; ');
  return { ...(trace ? { trace } : {}), outputs, ...(problems ? { error: problems } : {}) };
}

/**
 * Runs one scorer: its feedback named (default the scorer's name), or one `SCORER_ERROR` feedback when
 * it throws or answers something unusable (MLflow's harness, `_compute_eval_scores`).
 *
 * @example
 * const feedback = await runScorer(exactMatch, input, signal);
 */
export async function runScorer(scorer: Scorer, input: ScorerInput, signal?: AbortSignal): Promise<NamedFeedback[]> {
  try {
    const result = await scorer.score(input, signal);
    const list = Array.isArray(result) ? result : [result];
    return list.map((feedback) => {
      if (typeof feedback !== 'object' || feedback === null) throw new TypeError(`scorer returned ${String(feedback)} instead of feedback`);
      return { name: validateScorerName(feedback.name ?? scorer.name), scorer, feedback };
    });
  } catch (err) {
    const stack = err instanceof Error ? err.stack : undefined;
    return [{ name: scorer.name, scorer, feedback: { error: { code: EvaluationKey.SCORER_ERROR, message: message(err), ...(stack ? { stack } : {}) } } }];
  }
}

function usageMetadata(feedback: ScorerFeedback): Record<string, string> {
  const u = feedback.usage;
  if (!u) return {};
  return {
    ...(u.costUsd !== undefined ? { [EvaluationKey.JUDGE_COST]: String(u.costUsd) } : {}),
    ...(u.inputTokens !== undefined ? { [EvaluationKey.JUDGE_INPUT_TOKENS]: String(u.inputTokens) } : {}),
    ...(u.outputTokens !== undefined ? { [EvaluationKey.JUDGE_OUTPUT_TOKENS]: String(u.outputTokens) } : {}),
  };
}

/**
 * Stores one feedback on a trace as MLflow's harness does (`_log_assessments`): on the root span,
 * source `CODE` or `LLM_JUDGE` with the scorer's name, metadata `mlflow.assessment.sourceRunId` and the
 * judge's usage; an error as `{error_code, error_message, stack_trace}`. A failure is warned, not thrown.
 */
export async function logFeedback(ctx: RowContext, trace: Trace, named: NamedFeedback, extraMetadata: Record<string, string> = {}): Promise<void> {
  const { feedback } = named;
  const root = rootSpan(trace);
  const error = feedback.error;
  if (!error && feedback.value === undefined) return;
  try {
    await ctx.host.client.logFeedback({
      traceId: trace.info.trace_id,
      name: named.name,
      source: { sourceType: named.scorer.sourceType, sourceId: named.scorer.name },
      ...(root ? { spanId: root.spanId } : {}),
      ...(error
        ? { error: { error_code: error.code, error_message: error.message, ...(error.stack ? { stack_trace: error.stack } : {}) } }
        : { value: feedback.value }),
      ...(feedback.rationale !== undefined ? { rationale: feedback.rationale } : {}),
      metadata: { ...feedback.metadata, ...usageMetadata(feedback), ...extraMetadata, [EvaluationKey.SOURCE_RUN_ID]: ctx.runId },
    });
  } catch (err) {
    ctx.warn(`could not log feedback '${named.name}' on trace ${trace.info.trace_id}: ${message(err)}`);
  }
}

/** Logs the row's expectations the trace does not have yet as HUMAN expectations (MLflow's `_get_new_expectations`). */
async function logExpectations(ctx: RowContext, item: EvalItem, trace: Trace): Promise<void> {
  const existing = new Set((trace.info.assessments ?? []).filter((a) => a.expectation).map((a) => a.assessment_name));
  const root = rootSpan(trace);
  for (const [name, value] of Object.entries(item.expectations)) {
    if (existing.has(name) || value === undefined || value === null) continue;
    try {
      await ctx.host.client.logExpectation({
        traceId: trace.info.trace_id,
        name,
        value,
        source: { sourceType: 'HUMAN', sourceId: ctx.user },
        ...(root ? { spanId: root.spanId } : {}),
        metadata: { [EvaluationKey.SOURCE_RUN_ID]: ctx.runId },
      });
    } catch (err) {
      ctx.warn(`could not log expectation '${name}' on trace ${trace.info.trace_id}: ${message(err)}`);
    }
  }
}

/** A stored trace keeps its tags; the row's are added (new traces got them when they were made). */
async function tagStoredTrace(ctx: RowContext, item: EvalItem, trace: Trace): Promise<void> {
  for (const [key, value] of Object.entries(item.tags)) {
    try {
      await ctx.host.client.setTraceTag(trace.info.trace_id, key, value);
    } catch (err) {
      ctx.warn(`could not tag trace ${trace.info.trace_id} with '${key}': ${message(err)}`);
    }
  }
}

/**
 * One row of an evaluation (MLflow's `_run_single`): get its trace (stored, predicted or minimal),
 * run the trace-level scorers on it concurrently, and store their feedback and the row's expectations.
 * Never throws: a failing app or scorer is recorded in the outcome.
 *
 * @example
 * const outcome = await evaluateRow(ctx, item);
 */
export async function evaluateRow(ctx: RowContext, item: EvalItem): Promise<RowOutcome> {
  let got: Awaited<ReturnType<typeof traceFor>>;
  try {
    got = await traceFor(ctx, item);
  } catch (err) {
    got = { outputs: item.outputs, error: `could not make or read the row's trace: ${message(err)}` };
  }
  const outcome: RowOutcome = { item, trace: got.trace, outputs: got.outputs, feedback: [], ...(got.error ? { error: got.error } : {}) };
  if (ctx.signal?.aborted) return outcome;
  const input: ScorerInput = { inputs: item.inputs, outputs: got.outputs, expectations: item.expectations, ...(got.trace ? { trace: got.trace } : {}) };
  outcome.feedback = (await Promise.all(ctx.scorers.map((s) => runScorer(s, input, ctx.signal)))).flat();
  const trace = got.trace;
  if (!trace || ctx.signal?.aborted) return outcome;
  if (item.trace) await tagStoredTrace(ctx, item, trace);
  await Promise.all(outcome.feedback.map((f) => logFeedback(ctx, trace, f)));
  await logExpectations(ctx, item, trace);
  return outcome;
}
