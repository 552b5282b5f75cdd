import os from 'node:os';
import type { LoupeClient } from '../client/loupe-client.js';
import type { DatasetRecord, EvaluationDataset } from '../client/datasets.js';
import { LoupeApiError } from '../client/api-error.js';
import { aggregateMetrics } from './aggregate.js';
import { forEachBounded } from './bounded-pool.js';
import { checkScorers, datasetRunInput, evalItems, EvaluationInputError, rowsFromRecords, type EvalItem, type EvaluationData } from './evaluation-data.js';
import { EvaluationKey } from './evaluation-keys.js';
import { EvaluationProgress, summaryTable, type ReportStream } from './evaluation-report.js';
import { evaluateRow, type EvaluationHost, type PredictFunction, type RowContext, type RowOutcome } from './row-runner.js';
import { groupSessions, scoreSession } from './session-scoring.js';
import type { FeedbackValue, Scorer } from './scorer-types.js';

/** Options of `loupe.evaluate()`. */
export interface EvaluateOptions {
  /** Rows (`{ inputs, outputs?, expectations?, trace?, tags? }`) and/or Traces from `client.searchTraces`. */
  data?: EvaluationData;
  /**
   * Instead of `data`: an evaluation dataset's id (`d-...`) or name; its records (every page) are the
   * rows, and the dataset is logged as the run's input as MLflow logs it ({@link datasetRunInput}).
   */
  dataset?: string;
  /**
   * The app: called with each row's inputs, inside a new trace of the run (rows with a stored trace are
   * not run again). Without it, rows are scored on their static `outputs`.
   */
  predict?(inputs: Record<string, unknown>): unknown;
  /** Code scorers (`scorer(fn)`) and LLM judges. */
  scorers: readonly Scorer[];
  /** Rows in flight at once (default 8). */
  concurrency?: number;
  /** Default the instance's experiment; traces can only be made there. */
  experimentId?: string;
  /** Evaluate into this existing run (left running) instead of starting one. */
  runId?: string;
  /** Name of the run evaluate() starts. */
  runName?: string;
  /** Aborts the evaluation: no new rows start, scorers get the signal, the run ends FAILED, evaluate() rejects. */
  signal?: AbortSignal;
  /** Progress: a bar on a terminal, a line per 10% otherwise (default on, to stderr); false for none, or a stream. */
  progress?: boolean | ReportStream;
  /** The summary table (default on, to stdout); false for none, or a stream. */
  summary?: boolean | ReportStream;
}

/** One assessment of a row in the result. */
export interface FeedbackResult {
  value: FeedbackValue | undefined;
  rationale?: string;
  error?: { code: string; message: string };
}

/** One row of the result, in the order of the data. */
export interface EvaluationRowResult {
  /** The row's trace (where its feedback is stored); undefined when it could not be made. */
  traceId: string | undefined;
  inputs: Record<string, unknown>;
  outputs: unknown;
  expectations: Record<string, unknown>;
  /** By assessment name; session-level feedback sits on the session's first row. */
  feedback: Record<string, FeedbackResult>;
  /** Why the app or the row's trace failed (the scorers still ran). */
  error?: string;
}

/** What `evaluate()` returns. */
export interface EvaluationResult {
  runId: string;
  experimentId: string;
  /** Run metrics logged: `<assessment name>/mean`. */
  metrics: Record<string, number>;
  rows: EvaluationRowResult[];
}

const stream = (option: boolean | ReportStream | undefined, fallback: ReportStream): ReportStream | undefined =>
  option === false ? undefined : option === true || option === undefined ? fallback : option;

function currentUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

async function allRecords(client: LoupeClient, datasetId: string): Promise<DatasetRecord[]> {
  const records: DatasetRecord[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.getDatasetRecords(datasetId, { maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
    records.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return records;
}

/** The rows of the evaluation, checked: from `data`, or from the records of the dataset (returned too). */
async function loadItems(client: LoupeClient, options: EvaluateOptions): Promise<{ items: EvalItem[]; dataset?: EvaluationDataset }> {
  if (options.data !== undefined && options.dataset !== undefined) throw new EvaluationInputError('Give evaluate() data or a dataset, not both');
  if (options.dataset === undefined) {
    if (options.data === undefined) throw new EvaluationInputError('Give evaluate() data (rows or traces) or a dataset');
    return { items: evalItems(options.data) };
  }
  let dataset: EvaluationDataset;
  try {
    dataset = await client.getDataset(options.dataset);
  } catch (err) {
    if (err instanceof LoupeApiError && err.isNotFound) throw new EvaluationInputError(`Unknown dataset '${options.dataset}'`);
    throw err;
  }
  const records = await allRecords(client, dataset.dataset_id);
  if (records.length === 0) throw new EvaluationInputError(`The dataset '${options.dataset}' has no records`);
  return { items: evalItems(rowsFromRecords(records)), dataset };
}

function checkOptions(options: EvaluateOptions): { scorers: Scorer[]; concurrency: number } {
  if (typeof options !== 'object' || options === null) throw new EvaluationInputError('evaluate() takes { data | dataset, scorers, predict?, ... }');
  const scorers = checkScorers(options.scorers);
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new EvaluationInputError(`concurrency must be a positive integer, got ${String(concurrency)}`);
  if (options.predict !== undefined && typeof options.predict !== 'function') throw new EvaluationInputError('predict must be a function of the row inputs');
  return { scorers, concurrency };
}

/** Starts the run (tag `mlflow.runType = genai_evaluate`), or checks and tags the given one. */
async function openRun(client: LoupeClient, experimentId: string, options: EvaluateOptions): Promise<string> {
  const runType = { [EvaluationKey.RUN_TYPE_TAG]: EvaluationKey.RUN_TYPE_GENAI_EVALUATE };
  if (options.runId === undefined) {
    const run = await client.startRun({ experimentId, ...(options.runName ? { runName: options.runName } : {}), tags: runType });
    return run.info.run_id;
  }
  let run;
  try {
    run = await client.getRun(options.runId);
  } catch (err) {
    if (err instanceof LoupeApiError && err.isNotFound) throw new EvaluationInputError(`Unknown run '${options.runId}'`);
    throw err;
  }
  // MLflow leaves a run type someone already set (evaluate_sweep's, a test run's).
  if (!run.data.tags?.some((t) => t.key === EvaluationKey.RUN_TYPE_TAG))
    await client.setTag(options.runId, EvaluationKey.RUN_TYPE_TAG, EvaluationKey.RUN_TYPE_GENAI_EVALUATE);
  return options.runId;
}

function rowResult(o: RowOutcome): EvaluationRowResult {
  const feedback: Record<string, FeedbackResult> = {};
  for (const { name, feedback: f } of o.feedback) {
    feedback[name] = {
      value: f.error ? undefined : f.value,
      ...(f.rationale !== undefined ? { rationale: f.rationale } : {}),
      ...(f.error ? { error: { code: f.error.code, message: f.error.message } } : {}),
    };
  }
  return {
    traceId: o.trace?.info.trace_id,
    inputs: o.item.inputs,
    outputs: o.outputs,
    expectations: o.item.expectations,
    feedback,
    ...(o.error ? { error: o.error } : {}),
  };
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The evaluation was aborted', 'AbortError');
}

/**
 * Evaluates an app or stored outputs with scorers, as MLflow's `mlflow.genai.evaluate` does (spec
 * §10.4): starts a run tagged `mlflow.runType = genai_evaluate` (a managed `dataset` logged as its
 * input); per row, with at most `concurrency` in flight, calls `predict` in a new trace of the run
 * (or makes a one-span trace for static rows, or takes a stored trace as it is), runs the trace-level
 * scorers on it and stores each verdict as a feedback assessment and the row's expectations as HUMAN
 * expectations; then runs session-level scorers once per session, links every trace to the run, logs
 * `<name>/mean` metrics and ends the run. A failing app or scorer is recorded, never thrown; bad input
 * throws {@link EvaluationInputError} before any run starts.
 *
 * @example
 * const result = await evaluate(loupe, {
 *   data: [{ inputs: { question: 'Where is A1001?' }, expectations: { expected_response: 'Shipped' } }],
 *   predict: ({ question }) => agent.ask(String(question)),
 *   scorers: [scorer(({ outputs, expectations }) => String(outputs).includes(String(expectations.expected_response)), { name: 'mentions_answer' })],
 * });
 * console.log(result.metrics['mentions_answer/mean']);
 */
export async function evaluate(host: EvaluationHost, options: EvaluateOptions): Promise<EvaluationResult> {
  const { scorers, concurrency } = checkOptions(options);
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const { client } = host;
  const { items, dataset } = await loadItems(client, options);
  const experimentId = await evaluationExperiment(host, options, items);
  const runId = await openRun(client, experimentId, options);
  const warnings: string[] = [];
  const ctx: RowContext = {
    host,
    runId,
    predict: options.predict as PredictFunction | undefined,
    scorers: scorers.filter((s) => s.level === 'trace'),
    signal,
    user: currentUser(),
    warn: (m) => warnings.push(m),
  };
  try {
    // `_log_dataset_input`: a managed dataset is the run's input, as MLflow logs it before scoring.
    if (dataset) await client.logInputs(runId, [datasetRunInput(dataset)]);
    const outcomes = await scoreAll(ctx, items, scorers, concurrency, options);
    const feedback = outcomes.flatMap((o) => o.feedback.map((f) => ({ name: f.name, value: f.feedback.value, error: f.feedback.error })));
    const metrics = await recordOnRun(ctx, outcomes, feedback);
    if (options.runId === undefined) await client.endRun(runId, 'FINISHED');
    const rows = outcomes.map(rowResult);
    const out = stream(options.summary, process.stdout);
    if (out) {
      out.write(summaryTable(runId, rows.length, rows.filter((r) => r.error).length, feedback));
      for (const w of warnings) out.write(`warning: ${w}\n`);
    }
    return { runId, experimentId, metrics, rows };
  } catch (err) {
    if (options.runId === undefined) await client.endRun(runId, 'FAILED').catch(() => {});
    throw err;
  }
}

/** The experiment of the run: the instance's unless given; new traces can only be made in the instance's. */
async function evaluationExperiment(host: EvaluationHost, options: EvaluateOptions, items: readonly EvalItem[]): Promise<string> {
  const own = await host.experimentId();
  const experimentId = options.experimentId ?? own;
  if (experimentId !== own && items.some((i) => !i.trace)) {
    throw new EvaluationInputError(
      `evaluate() makes traces in this instance's experiment (${own}), not in experiment ${experimentId}: use an instance for that experiment`,
    );
  }
  return experimentId;
}

/** Every row (at most `concurrency` in flight, with progress), then the session-level scorers per session. */
async function scoreAll(
  ctx: RowContext,
  items: readonly EvalItem[],
  scorers: readonly Scorer[],
  concurrency: number,
  options: EvaluateOptions,
): Promise<RowOutcome[]> {
  const { signal } = options;
  const outcomes: RowOutcome[] = new Array<RowOutcome>(items.length);
  const progress = new EvaluationProgress(items.length, stream(options.progress, process.stderr));
  const scoreRow = async (item: EvalItem, i: number) => {
    outcomes[i] = await evaluateRow(ctx, item);
    progress.tick();
  };
  await forEachBounded(items, concurrency, scoreRow, signal);
  progress.done();
  if (signal?.aborted) throw abortError(signal);
  const sessionScorers = scorers.filter((s) => s.level === 'session');
  if (sessionScorers.length > 0) {
    await forEachBounded(groupSessions(outcomes), concurrency, async (g) => void (await scoreSession(ctx, g, sessionScorers)), signal);
    if (signal?.aborted) throw abortError(signal);
  }
  return outcomes;
}

/** Links every row's trace to the run (a failure is a warning: older servers lack link-to-run) and logs the metrics. */
async function recordOnRun(
  ctx: RowContext,
  outcomes: readonly RowOutcome[],
  feedback: Parameters<typeof aggregateMetrics>[0],
): Promise<Record<string, number>> {
  const { client } = ctx.host;
  const traceIds = [...new Set(outcomes.flatMap((o) => (o.trace ? [o.trace.info.trace_id] : [])))];
  try {
    await client.linkTracesToRun(traceIds, ctx.runId);
  } catch (err) {
    ctx.warn(`could not link the traces to run ${ctx.runId}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const metrics = aggregateMetrics(feedback);
  if (Object.keys(metrics).length > 0) await client.logMetrics(ctx.runId, metrics);
  return metrics;
}
