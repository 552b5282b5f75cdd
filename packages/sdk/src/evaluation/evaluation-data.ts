import { TraceMetadataKey } from '@loupe/protocol/attributes';
import type { DatasetInput } from '@loupe/protocol';
import type { DatasetRecord, EvaluationDataset } from '../client/datasets.js';
import { traceExpectations, type Trace } from '../client/trace-model.js';
import { validateScorerName } from './code-scorer.js';
import type { Scorer } from './scorer-types.js';

/**
 * One row of evaluation data: the inputs of the app (its predict function's argument), and either what
 * it answered (`outputs`), or a stored `trace` of it answering, or nothing when `evaluate()` calls the
 * predict function.
 *
 * @example
 * const row: EvaluationRow = { inputs: { question: 'Where is A1001?' }, expectations: { expected_response: 'Shipped' } };
 */
export interface EvaluationRow {
  /** A dict in MLflow's sense; required unless the row carries a trace (then its root span's inputs). */
  inputs?: Record<string, unknown>;
  /** Static outputs (ignored when `predict` is given; taken from the trace's root span for trace rows). */
  outputs?: unknown;
  /** Ground truth by name, logged as HUMAN expectations on the row's trace. */
  expectations?: Record<string, unknown>;
  /** A trace from `client.searchTraces`: scored as it is, the app is not run again. */
  trace?: Trace;
  /** Tags set on the row's trace. */
  tags?: Record<string, string>;
  /** Puts a static row's trace in a session (metadata `mlflow.trace.session`) for session-level scorers. */
  sessionId?: string;
}

/** What `evaluate({ data })` takes: rows, or traces as `searchTraces` returns them, or both mixed. */
export type EvaluationData = readonly (EvaluationRow | Trace)[];

/** A row checked and filled in: what the harness works on. */
export interface EvalItem {
  index: number;
  inputs: Record<string, unknown>;
  outputs: unknown;
  expectations: Record<string, unknown>;
  tags: Record<string, string>;
  sessionId?: string;
  /** A stored trace: scored without running the app. */
  trace?: Trace;
}

/**
 * Bad evaluation input (no rows, a row without inputs, an unknown dataset, a bad scorer): thrown by
 * `evaluate()` before it starts a run.
 *
 * @example
 * try { await loupe.evaluate({ data: [], scorers }); } catch (e) { if (e instanceof EvaluationInputError) console.error(e.message); }
 */
export class EvaluationInputError extends Error {
  override readonly name = 'EvaluationInputError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for a `Trace` (as the client returns it) rather than a row. */
export function isTrace(value: unknown): value is Trace {
  return isObject(value) && isObject(value.info) && Array.isArray(value.spans) && typeof value.info.trace_id === 'string';
}

/** A root span's inputs as a dict: a non-object value is kept under `input`. */
function asInputs(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  return isObject(value) ? value : { input: value };
}

function rootOf(trace: Trace) {
  return trace.spans.find((s) => s.parentId === null);
}

function checkRow(row: unknown, i: number): EvalItem {
  const where = `data[${i}]`;
  if (isTrace(row)) row = { trace: row };
  if (!isObject(row)) throw new EvaluationInputError(`${where} must be an object ({ inputs, outputs?, expectations?, trace?, tags? }) or a Trace`);
  const r = row as EvaluationRow;
  if (r.trace !== undefined && !isTrace(r.trace)) throw new EvaluationInputError(`${where}.trace must be a Trace (from client.searchTraces or getTrace)`);
  if (r.inputs === undefined && !r.trace)
    throw new EvaluationInputError(`${where} has no inputs: give each row inputs (a dict of the app's arguments) or a trace`);
  if (r.inputs !== undefined && !isObject(r.inputs)) {
    throw new EvaluationInputError(`${where}.inputs must be a dict of field names and values, e.g. { question: 'What is MLflow?' }`);
  }
  if (r.expectations !== undefined && !isObject(r.expectations)) throw new EvaluationInputError(`${where}.expectations must be a dict of names and values`);
  if (r.tags !== undefined && (!isObject(r.tags) || Object.values(r.tags).some((v) => typeof v !== 'string'))) {
    throw new EvaluationInputError(`${where}.tags must map names to strings`);
  }
  const root = r.trace ? rootOf(r.trace) : undefined;
  const item: EvalItem = {
    index: i,
    inputs: r.inputs ?? asInputs(root?.inputs),
    outputs: r.outputs !== undefined ? r.outputs : root?.outputs,
    expectations: r.expectations ?? (r.trace ? traceExpectations(r.trace) : {}),
    tags: r.tags ?? {},
  };
  const session = r.sessionId ?? r.trace?.info.trace_metadata?.[TraceMetadataKey.SESSION];
  if (session) item.sessionId = session;
  if (r.trace) item.trace = r.trace;
  return item;
}

/**
 * Checks evaluation data and turns it into items: every row an object with `inputs` (a dict) or a
 * trace; traces give their root span's inputs and outputs and their expectations.
 *
 * @example
 * const items = evalItems([{ inputs: { q: 'hi' }, outputs: 'hello' }]);
 */
export function evalItems(data: unknown): EvalItem[] {
  if (!Array.isArray(data)) throw new EvaluationInputError('data must be an array of rows ({ inputs, outputs?, expectations?, trace?, tags? }) or of Traces');
  if (data.length === 0) throw new EvaluationInputError('The data is empty: give evaluate() at least one row');
  return data.map(checkRow);
}

/**
 * Dataset records as evaluation rows: inputs, outputs, expectations, and the session of the trace a
 * record was made from (MLflow restores it on the row's trace).
 *
 * @example
 * const rows = rowsFromRecords((await client.getDatasetRecords(id)).items);
 */
export function rowsFromRecords(records: readonly DatasetRecord[]): EvaluationRow[] {
  return records.map((r) => {
    const row: EvaluationRow = { inputs: r.inputs, expectations: r.expectations ?? {} };
    if (r.outputs !== undefined && r.outputs !== null) row.outputs = r.outputs;
    const session = r.source?.source_data?.session_id;
    if (typeof session === 'string' && session) row.sessionId = session;
    return row;
  });
}

/** The `source_type` of a managed evaluation dataset logged as a run input (MLflow's `EvaluationDatasetSource`). */
export const EVALUATION_DATASET_SOURCE_TYPE = 'mlflow_evaluation_dataset';

/**
 * A managed dataset as the run input `mlflow.genai.evaluate(data=dataset)` logs for it
 * (`EvaluationDataset._to_mlflow_entity()`): its name, digest, schema and profile, source type
 * `mlflow_evaluation_dataset`, and as source the JSON of `{dataset_id}` spelled as Python's
 * `json.dumps` spells it, so the run reads the same whichever client evaluated.
 *
 * @example
 * await client.logInputs(runId, [datasetRunInput(await client.getDataset('golden'))]);
 */
export function datasetRunInput(dataset: EvaluationDataset): DatasetInput {
  return {
    dataset: {
      name: dataset.name,
      digest: dataset.digest ?? '',
      source_type: EVALUATION_DATASET_SOURCE_TYPE,
      source: `{"dataset_id": ${JSON.stringify(dataset.dataset_id)}}`,
      ...(dataset.schema ? { schema: dataset.schema } : {}),
      ...(dataset.profile ? { profile: dataset.profile } : {}),
    },
  };
}

/**
 * Checks the scorers: at least one, each a {@link Scorer} with a valid, unique name.
 *
 * @example
 * checkScorers([exactMatch, relevance]);
 */
export function checkScorers(scorers: unknown): Scorer[] {
  if (!Array.isArray(scorers) || scorers.length === 0) throw new EvaluationInputError('Give evaluate() at least one scorer (scorer(fn) or an LLM judge)');
  const seen = new Set<string>();
  for (const [i, s] of (scorers as unknown[]).entries()) {
    if (!isObject(s) || typeof s.score !== 'function') throw new EvaluationInputError(`scorers[${i}] is not a scorer: wrap functions with scorer(fn)`);
    try {
      validateScorerName(s.name);
    } catch (err) {
      throw new EvaluationInputError(`scorers[${i}]: ${(err as Error).message}`);
    }
    if (s.level !== 'trace' && s.level !== 'session') throw new EvaluationInputError(`scorers[${i}] ('${String(s.name)}'): level must be 'trace' or 'session'`);
    if (seen.has(s.name as string)) throw new EvaluationInputError(`Two scorers are named '${String(s.name)}': scorer names must be unique`);
    seen.add(s.name as string);
  }
  return scorers as Scorer[];
}
