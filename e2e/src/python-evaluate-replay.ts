import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { CliServer } from './cli-server.js';
import { exportPythonTrace, type PythonSpan } from './python-trace-export.js';

// The Python client's `mlflow.genai.evaluate()` (MLflow 3.11, `_evaluate_oss` and `harness.run`) replayed
// request by request over HTTP, for e2e/src/mlflow-evaluate-flow.test.ts: the client's types and scorers,
// and `evaluateReplay(server, ok)`, its calls against one server (`ok` sends a request and expects a 200).

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A trace as `mlflow.get_trace` / `search_traces` hold it: the TraceInfoV3 and the spans (OTel proto JSON). */
interface LoadedTrace {
  info: Json;
  spans: Json[];
}

/** One row of the evaluation data: static inputs/outputs, inputs for `predict_fn`, or a stored trace. */
export interface EvalRow {
  inputs?: Json;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
  tags?: Record<string, string>;
  trace?: LoadedTrace;
}

/** What a scorer sees (`Scorer.run(inputs=, outputs=, expectations=, trace=)`). */
interface ScorerCall {
  inputs: Json;
  outputs: unknown;
  expectations: Record<string, unknown>;
  trace: LoadedTrace;
}

/** A `Feedback` a scorer returns itself (judges do, with their own source and a rationale). */
interface Feedback {
  kind: 'feedback';
  value: unknown;
  rationale?: string;
  source: { source_type: 'CODE' | 'LLM_JUDGE'; source_id: string };
  metadata?: Record<string, string>;
}

/** A client-side scorer: returns a bool, number, string or Feedback, or throws. `makesTrace`: its body makes a traced call. */
export interface Scorer {
  name: string;
  makesTrace?: boolean;
  run(call: ScorerCall): boolean | number | string | Feedback;
}

export const USER = 'ann';
/** The context tags `start_run` and `from_pandas` (CodeDatasetSource) resolve for a local script. */
export const CONTEXT_TAGS = { 'mlflow.user': USER, 'mlflow.source.name': 'eval.py', 'mlflow.source.type': 'LOCAL' };
const JUDGE = { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' } as const;
export const SOURCE_RUN = 'mlflow.sourceRun';
export const EVAL_REQUEST_ID = 'mlflow.eval.requestId';
const SOURCE_RUN_ID = 'mlflow.assessment.sourceRunId';

/** The root span's `mlflow.spanInputs` / `mlflow.spanOutputs`, as the Python client decodes them (`trace.data._get_root_span()`). */
export function rootSpan(trace: LoadedTrace): { spanId: string; inputs: unknown; outputs: unknown } {
  const root = trace.spans.find((s) => !s.parent_span_id);
  expect(root, `root span of ${trace.info.trace_id}`).toBeDefined();
  const attr = (key: string) => {
    const found = (root!.attributes as { key: string; value: { string_value: string } }[]).find((a) => a.key === key);
    return found ? (JSON.parse(found.value.string_value) as unknown) : undefined;
  };
  // OTel proto JSON carries span ids as base64 of the 8 bytes; MLflow's Span.span_id is their hex.
  return { spanId: Buffer.from(root!.span_id as string, 'base64').toString('hex'), inputs: attr('mlflow.spanInputs'), outputs: attr('mlflow.spanOutputs') };
}

/** `Feedback.value` cast to a float as `_cast_assessment_value_to_float` does (bool, number, yes/no). */
function asFloat(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && ['yes', 'no'].includes(value.toLowerCase())) return value.toLowerCase() === 'yes' ? 1 : 0;
  return undefined;
}

/** `_get_assessment_values`: the `<name>/value` columns of the result table, other runs' feedback left out. */
function assessmentValues(assessments: Json[], runId: string): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const a of assessments) {
    const sourceRun = a.metadata?.[SOURCE_RUN_ID] as string | undefined;
    if (sourceRun && sourceRun !== runId) continue;
    if (a.feedback) row[`${a.assessment_name}/value`] = a.feedback.value;
    else if (a.expectation) row[`${a.assessment_name}/value`] = a.expectation.value;
  }
  return row;
}

/** The dataset entity `mlflow.data.from_pandas(df, name="dataset")._to_mlflow_entity()` logs (code source, 8-hex digest). */
export function pandasDataset(rows: Json[], colspec?: Json[]): Json {
  const columns = Object.keys(rows[0] ?? {});
  return {
    name: 'dataset',
    digest: createHash('md5').update(JSON.stringify(rows)).digest('hex').slice(0, 8),
    source_type: 'code',
    source: JSON.stringify({ tags: CONTEXT_TAGS }),
    ...(colspec ? { schema: JSON.stringify({ mlflow_colspec: colspec }) } : {}),
    profile: JSON.stringify({ num_rows: rows.length, num_elements: rows.length * columns.length }),
  };
}

export const QUESTION_SCHEMA = { type: 'object', properties: { question: { type: 'string', required: true } } };

/** Scorers of every kind the harness handles: bool, number, a judge's Feedback, a code Feedback, and one that raises. */
const SCORERS: Scorer[] = [
  { name: 'exact_match', run: ({ outputs, expectations }) => outputs === expectations.expected_response },
  { name: 'word_count', run: ({ outputs }) => String(outputs).split(' ').length },
  {
    name: 'correctness',
    makesTrace: true,
    run: ({ outputs, expectations }) => ({
      kind: 'feedback',
      value: outputs === expectations.expected_response ? 'yes' : 'no',
      rationale: `The response ${outputs === expectations.expected_response ? 'states' : 'misses'} the expected facts.`,
      source: JUDGE,
    }),
  },
  {
    name: 'concise',
    run: ({ outputs }) => ({
      kind: 'feedback',
      value: String(outputs).length < 30,
      rationale: `${String(outputs).length} characters`,
      source: { source_type: 'CODE', source_id: 'concise' },
    }),
  },
  {
    name: 'flaky',
    run: () => {
      throw new Error('rate limited by the judge endpoint');
    },
  },
];

interface EvalResult {
  runId: string;
  /** The trace of each row, in row order. */
  traceIds: string[];
  /** Every assessment logged, with the server's answer. */
  logged: { traceId: string; sent: Json; answer: Json }[];
  metrics: Record<string, number>;
  /** Traces of the run the clean-up deleted. */
  deleted: string[];
  /** `construct_eval_result_df`: one row per evaluated trace. */
  resultRows: Record<string, unknown>[];
}

/**
 * The Python client's evaluation calls against one server (`server()`, read when a call runs: tests start it
 * in `beforeAll`): `ok(method, path, body)` sends a request and expects a 200, returning the answer.
 *
 * @example
 * const { evaluate, expectEvaluationRun } = evaluateReplay(() => server, ok);
 */
export function evaluateReplay(server: () => CliServer, ok: (method: string, path: string, body?: unknown) => Promise<Json>) {
  const api2 = (p: string) => `/api/2.0/mlflow/${p}`;
  const api3 = (p: string) => `/api/3.0/mlflow/${p}`;
  const createExperiment = async (name: string) => (await ok('POST', api2('experiments/create'), { name })).experiment_id as string;

  /** `mlflow.get_trace(id)`: the info (with assessments), then the spans, which the server keeps (`TRACKING_STORE`). */
  async function getTrace(traceId: string): Promise<LoadedTrace> {
    const info = (await ok('GET', api3(`traces/${traceId}`))).trace.trace_info as Json;
    expect(info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
    const batch = await ok('GET', api3(`traces/batchGet?trace_ids=${traceId}`));
    expect(batch.traces).toHaveLength(1);
    return { info, spans: batch.traces[0].spans as Json[] };
  }

  /** `mlflow.search_traces(experiment_ids=[exp])` (spans included): TraceInfoV3 pages, then batchGet for the spans. */
  async function searchTraces(exp: string): Promise<LoadedTrace[]> {
    const infos = (
      await ok('POST', api3('traces/search'), { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], max_results: 100 })
    ).traces as Json[];
    const batch = await ok('GET', api3(`traces/batchGet?${infos.map((t) => `trace_ids=${t.trace_id}`).join('&')}`));
    const spans = new Map((batch.traces as Json[]).map((t) => [t.trace_info.trace_id as string, t.spans as Json[]]));
    return infos.map((info) => ({ info, spans: spans.get(info.trace_id)! }));
  }

  /** `mlflow.search_traces(run_id=...)` (`include_spans=False`): the run, then `attribute.run_id` pages in its experiment. */
  async function searchRunTraces(runId: string): Promise<Json[]> {
    const run = (await ok('GET', api2(`runs/get?run_id=${runId}`))).run as Json;
    const found: Json[] = [];
    let token: string | undefined;
    do {
      const page = await ok('POST', api3('traces/search'), {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: run.info.experiment_id } }],
        filter: `attribute.run_id = '${runId}'`,
        max_results: 100,
        ...(token ? { page_token: token } : {}),
      });
      found.push(...((page.traces ?? []) as Json[]));
      token = page.next_page_token as string | undefined;
    } while (token);
    return found;
  }

  /**
   * `copy_trace_to_experiment(trace.to_dict())`: the spans again under a new trace id in the current
   * experiment (span data, times and attributes kept); metadata = the new trace's (with the active run)
   * updated by the old trace's; only the user tags (not `mlflow.*`) carried over; assessments not copied.
   */
  async function copyTraceToExperiment(source: LoadedTrace, exp: string, runId: string): Promise<string> {
    const toPython = (span: Json): PythonSpan => {
      const attrs = Object.fromEntries(
        (span.attributes as { key: string; value: { string_value: string } }[]).map((a) => [a.key, JSON.parse(a.value.string_value) as unknown]),
      );
      const { 'mlflow.traceRequestId': _id, 'mlflow.spanType': type, 'mlflow.spanInputs': inputs, 'mlflow.spanOutputs': outputs, ...rest } = attrs;
      return {
        name: span.name as string,
        type: type as string,
        inputs,
        outputs,
        attributes: rest,
        // Nanosecond numbers beyond 2^53 parse inexactly here; these spans start and end on whole milliseconds.
        startMs: Math.round(Number(span.start_time_unix_nano) / 1e6),
        endMs: Math.round(Number(span.end_time_unix_nano) / 1e6),
        children: source.spans.filter((s) => s.parent_span_id && s.parent_span_id === span.span_id).map(toPython),
      };
    };
    const root = source.spans.find((s) => !s.parent_span_id)!;
    const userTags = Object.fromEntries(Object.entries(source.info.tags as Record<string, string>).filter(([k]) => !k.startsWith('mlflow.')));
    const { traceId } = await exportPythonTrace(server(), {
      experimentId: exp,
      root: toPython(root),
      metadata: { [SOURCE_RUN]: runId, ...(source.info.trace_metadata as Record<string, string>) },
      tags: userTags,
    });
    return traceId;
  }

  /** A scorer run as `_compute_eval_scores` does it: its value standardized to Feedbacks, an exception to a SCORER_ERROR feedback. */
  async function runScorer(scorer: Scorer, call: ScorerCall, exp: string, runId: string): Promise<Json[]> {
    if (scorer.makesTrace) {
      // The judge's own LLM call is traced (autologging is on during evaluate): a trace of the run
      // without `mlflow.eval.requestId`, which the clean-up at the end deletes.
      const now = Date.now();
      await exportPythonTrace(server(), {
        experimentId: exp,
        root: { name: 'Completions', type: 'CHAT_MODEL', inputs: { model: 'gpt-4o-mini' }, outputs: { choices: [] }, startMs: now, endMs: now + 40 },
        metadata: { [SOURCE_RUN]: runId, ...CONTEXT_TAGS },
      });
    }
    try {
      const value = scorer.run(call);
      if (typeof value === 'object') {
        const { kind: _kind, ...feedback } = value;
        return [
          {
            assessment_name: scorer.name,
            source: feedback.source,
            feedback: { value: feedback.value },
            rationale: feedback.rationale,
            metadata: feedback.metadata,
          },
        ];
      }
      return [{ assessment_name: scorer.name, source: { source_type: 'CODE', source_id: scorer.name }, feedback: { value } }];
    } catch (err) {
      const message = (err as Error).message;
      return [
        {
          assessment_name: scorer.name,
          source: { source_type: 'CODE', source_id: scorer.name },
          feedback: {
            error: {
              error_code: 'SCORER_ERROR',
              error_message: message,
              stack_trace: `Traceback (most recent call last):\n  File "eval.py", line 12, in ${scorer.name}\nValueError: ${message}\n`,
            },
          },
        },
      ];
    }
  }

  /**
   * `mlflow.genai.evaluate(data, scorers, predict_fn)` against an OSS server (`_evaluate_oss` and
   * `harness.run`), request by request, asserting what the client reads from each answer. Rows run one
   * after another (the client uses a thread pool; the requests per row are the same).
   */
  async function evaluate(
    exp: string,
    data: EvalRow[],
    options: { runName: string; dataset: Json; predictFn?: (inputs: Json, startMs: number) => PythonSpan; scorers?: Scorer[] },
  ): Promise<EvalResult> {
    // _start_run_or_reuse_active_run(): mlflow.start_run()
    const run = (
      await ok('POST', api2('runs/create'), {
        experiment_id: exp,
        user_id: USER,
        start_time: Date.now(),
        run_name: options.runName,
        tags: [...Object.entries(CONTEXT_TAGS).map(([key, value]) => ({ key, value })), { key: 'mlflow.runName', value: options.runName }],
      })
    ).run as Json;
    expect(run.info).toMatchObject({ experiment_id: exp, status: 'RUNNING', run_name: options.runName });
    const runId = run.info.run_id as string;
    // _log_dataset_input(mlflow_dataset, run_id): client.log_inputs(run_id, [DatasetInput(dataset)])
    await ok('POST', api2('runs/log-inputs'), { run_id: runId, datasets: [{ dataset: options.dataset }] });
    // MlflowClient().set_tag(run_id, MLFLOW_RUN_TYPE, MLFLOW_RUN_TYPE_GENAI_EVALUATE) (MLflow 3.5+; 3.0-3.4 set mlflow.run.isEval = true)
    await ok('POST', api2('runs/set-tag'), { run_id: runId, run_uuid: runId, key: 'mlflow.runType', value: 'genai_evaluate' });

    const evalStart = Date.now();
    const traceIds: string[] = [];
    const logged: EvalResult['logged'] = [];
    const feedbackValues = new Map<string, number[]>();
    let linkingProbed = false;
    for (const row of data) {
      let trace: LoadedTrace;
      if (options.predictFn) {
        // set_prediction_context(Context(request_id=uuid4(), is_evaluate=True)): synchronous export,
        // the trace tagged with the eval request id; then mlflow.get_trace(eval_request_id).
        const requestId = randomUUID();
        const { traceId } = await exportPythonTrace(server(), {
          experimentId: exp,
          root: options.predictFn(row.inputs!, Date.now()),
          metadata: { [SOURCE_RUN]: runId, ...CONTEXT_TAGS },
          tags: { [EVAL_REQUEST_ID]: requestId },
        });
        trace = await getTrace(traceId);
        expect(trace.info.tags[EVAL_REQUEST_ID]).toBe(requestId);
      } else if (row.trace) {
        if (row.trace.info.trace_location.mlflow_experiment.experiment_id !== exp) {
          // _should_clone_trace: a trace of another experiment is copied, then read back.
          trace = await getTrace(await copyTraceToExperiment(row.trace, exp, runId));
        } else {
          // _does_store_support_trace_linking (once per tracking URI: a probing link), then the link.
          if (!linkingProbed) {
            expect(await ok('POST', api2('traces/link-to-run'), { trace_ids: [row.trace.info.trace_id], run_id: runId })).toEqual({});
            linkingProbed = true;
          }
          expect(await ok('POST', api2('traces/link-to-run'), { trace_ids: [row.trace.info.trace_id], run_id: runId })).toEqual({});
          trace = row.trace;
        }
      } else {
        // create_minimal_trace(eval_item): one CHAIN span "root_span" under the row's request id
        // (sha256 of the inputs), then mlflow.get_trace(trace_id).
        const now = Date.now();
        const { traceId } = await exportPythonTrace(server(), {
          experimentId: exp,
          root: { name: 'root_span', type: 'CHAIN', inputs: row.inputs, outputs: row.outputs, startMs: now, endMs: now + 1 },
          metadata: { [SOURCE_RUN]: runId, ...CONTEXT_TAGS },
          tags: { [EVAL_REQUEST_ID]: createHash('sha256').update(JSON.stringify(row.inputs)).digest('hex') },
        });
        trace = await getTrace(traceId);
      }
      expect(trace.info.trace_location).toEqual({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } });
      const traceId = trace.info.trace_id as string;
      traceIds.push(traceId);
      const root = rootSpan(trace);

      // _compute_eval_scores: inputs/outputs from the row, else from the trace's root span.
      const call: ScorerCall = {
        inputs: row.inputs ?? (root.inputs as Json),
        outputs: row.outputs ?? root.outputs,
        expectations: row.expectations ?? {},
        trace,
      };
      const feedbacks: Json[] = [];
      for (const scorer of options.scorers ?? SCORERS) feedbacks.push(...(await runScorer(scorer, call, exp, runId)));
      for (const f of feedbacks) {
        const value = asFloat(f.feedback.value);
        if (value !== undefined) feedbackValues.set(f.assessment_name, [...(feedbackValues.get(f.assessment_name) ?? []), value]);
      }
      // _get_new_expectations: only expectations the trace does not carry already, as HUMAN ones.
      const existing = new Set(((trace.info.assessments ?? []) as Json[]).filter((a) => a.expectation).map((a) => a.assessment_name as string));
      const expectations: Json[] = Object.entries(row.expectations ?? {})
        .filter(([name]) => !existing.has(name))
        .map(([name, value]) => ({ assessment_name: name, source: { source_type: 'HUMAN', source_id: USER }, expectation: { value } }));

      // Row tags: mlflow.set_trace_tag (the v2 tag route).
      for (const [key, value] of Object.entries(row.tags ?? {})) expect(await ok('PATCH', api2(`traces/${traceId}/tags`), { key, value })).toEqual({});

      // _log_assessments: each on the root span, with the run in its metadata (mlflow.log_assessment).
      for (const a of [...feedbacks, ...expectations]) {
        const now = new Date().toISOString();
        const sent = {
          ...a,
          trace_id: traceId,
          span_id: root.spanId,
          create_time: now,
          last_update_time: now,
          metadata: { ...(a.metadata as Record<string, string> | undefined), [SOURCE_RUN_ID]: runId },
        };
        const answer = (await ok('POST', api3(`traces/${traceId}/assessments`), { assessment: sent })).assessment as Json;
        // Assessment.from_proto(response.assessment)
        expect(answer).toMatchObject({
          assessment_id: expect.stringMatching(/^a-/),
          assessment_name: a.assessment_name,
          trace_id: traceId,
          span_id: root.spanId,
          source: a.source,
          metadata: { [SOURCE_RUN_ID]: runId },
          create_time: expect.any(String),
          last_update_time: expect.any(String),
        });
        logged.push({ traceId, sent, answer });
      }
    }

    // batch_link_traces_to_run: 100 trace ids per call.
    for (let i = 0; i < traceIds.length; i += 100) {
      expect(await ok('POST', api2('traces/link-to-run'), { trace_ids: traceIds.slice(i, i + 100), run_id: runId })).toEqual({});
    }
    // _refresh_eval_result_traces: mlflow.get_trace for each row picks up what was logged.
    for (const traceId of traceIds) {
      const refreshed = await getTrace(traceId);
      const ids = ((refreshed.info.assessments ?? []) as Json[]).map((a) => a.assessment_id as string);
      expect(ids).toEqual(expect.arrayContaining(logged.filter((l) => l.traceId === traceId).map((l) => l.answer.assessment_id as string)));
    }

    // compute_aggregated_metrics (default aggregation: mean) -> mlflow.log_metrics -> runs/log-batch
    const metrics = Object.fromEntries([...feedbackValues].map(([name, values]) => [`${name}/mean`, values.reduce((s, v) => s + v, 0) / values.length]));
    const timestamp = Date.now();
    await ok('POST', api2('runs/log-batch'), {
      run_id: runId,
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step: 0 })),
      params: [],
      tags: [],
    });

    // mlflow.search_traces(run_id=run_id, include_spans=False, return_type="list")
    const found = await searchRunTraces(runId);
    // clean_up_extra_traces: traces of the run made during evaluation without an eval request id go.
    const extra = found.filter((t) => Date.parse(t.request_time as string) >= evalStart && !(t.tags as Record<string, string>)[EVAL_REQUEST_ID]);
    const deleted = extra.map((t) => t.trace_id as string);
    if (deleted.length > 0) {
      expect(await ok('POST', api3('traces/delete-traces'), { experiment_id: exp, request_ids: deleted })).toEqual({ traces_deleted: deleted.length });
    }
    // construct_eval_result_df: each row's info from the search, the `<name>/value` columns of this run.
    const byId = new Map(found.map((t) => [t.trace_id as string, t]));
    const resultRows = traceIds.map((traceId) => {
      const info = byId.get(traceId);
      expect(info, `search_traces(run_id) returns ${traceId}`).toBeDefined();
      return { trace_id: traceId, ...assessmentValues((info!.assessments ?? []) as Json[], runId) };
    });

    // Leaving the `with` block: mlflow.end_run()
    const ended = await ok('POST', api2('runs/update'), { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: Date.now() });
    expect(ended.run_info).toMatchObject({ run_id: runId, status: 'FINISHED' });
    return { runId, traceIds, logged, metrics, deleted, resultRows };
  }

  /** The state a finished evaluation leaves, as `get_run` and `search_traces(run_id=...)` read it. */
  async function expectEvaluationRun(result: EvalResult, dataset: Json, metricKeys: string[]) {
    const run = (await ok('GET', api2(`runs/get?run_id=${result.runId}`))).run as Json;
    expect(run.info).toMatchObject({ status: 'FINISHED', end_time: expect.any(Number) });
    expect(run.data.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.runType', value: 'genai_evaluate' }]));
    expect(run.inputs.dataset_inputs).toEqual([{ dataset }]);
    const metrics = Object.fromEntries((run.data.metrics as { key: string; value: number }[]).map((m) => [m.key, m.value]));
    expect(Object.keys(metrics).sort()).toEqual([...metricKeys].sort());
    for (const [key, value] of Object.entries(result.metrics)) expect(metrics[key]).toBeCloseTo(value);

    // After the clean-up the run holds exactly the evaluated traces.
    const after = await searchRunTraces(result.runId);
    expect(after.map((t) => t.trace_id as string).sort()).toEqual([...result.traceIds].sort());
    for (const info of after) {
      const mine = ((info.assessments ?? []) as Json[]).filter((a) => a.metadata?.[SOURCE_RUN_ID] === result.runId);
      const sent = result.logged.filter((l) => l.traceId === info.trace_id);
      expect(mine.map((a) => a.assessment_id as string).sort()).toEqual(sent.map((l) => l.answer.assessment_id as string).sort());
      for (const { sent: s } of sent) {
        const stored = mine.find((a) => a.assessment_name === s.assessment_name && (a.expectation ? 'expectation' : 'feedback') in s)!;
        expect(stored).toMatchObject({ trace_id: info.trace_id, span_id: s.span_id, source: s.source, valid: true });
        if (s.feedback?.error) {
          // The error feedback: no value, the error with its stack trace.
          expect(stored.feedback.value ?? null).toBeNull();
          expect(stored.feedback.error).toEqual(s.feedback.error);
        } else if (s.feedback) {
          expect(stored.feedback.value).toEqual(s.feedback.value);
          if (s.rationale) expect(stored.rationale).toBe(s.rationale);
        } else {
          expect(stored.expectation.value).toEqual(s.expectation.value);
        }
      }
    }
  }

  return { createExperiment, getTrace, searchTraces, searchRunTraces, copyTraceToExperiment, runScorer, evaluate, expectEvaluationRun };
}
