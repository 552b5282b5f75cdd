import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';
import { exportPythonTrace, type PythonSpan } from './python-trace-export.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A trace as `mlflow.get_trace` / `search_traces` hold it: the TraceInfoV3 and the spans (OTel proto JSON). */
interface LoadedTrace {
  info: Json;
  spans: Json[];
}

/** One row of the evaluation data: static inputs/outputs, inputs for `predict_fn`, or a stored trace. */
interface EvalRow {
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
interface Scorer {
  name: string;
  makesTrace?: boolean;
  run(call: ScorerCall): boolean | number | string | Feedback;
}

const USER = 'ann';
/** The context tags `start_run` and `from_pandas` (CodeDatasetSource) resolve for a local script. */
const CONTEXT_TAGS = { 'mlflow.user': USER, 'mlflow.source.name': 'eval.py', 'mlflow.source.type': 'LOCAL' };
const JUDGE = { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' } as const;
const SOURCE_RUN = 'mlflow.sourceRun';
const EVAL_REQUEST_ID = 'mlflow.eval.requestId';
const SOURCE_RUN_ID = 'mlflow.assessment.sourceRunId';

/** The root span's `mlflow.spanInputs` / `mlflow.spanOutputs`, as the Python client decodes them (`trace.data._get_root_span()`). */
function rootSpan(trace: LoadedTrace): { spanId: string; inputs: unknown; outputs: unknown } {
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
function pandasDataset(rows: Json[], colspec?: Json[]): Json {
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

const QUESTION_SCHEMA = { type: 'object', properties: { question: { type: 'string', required: true } } };

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

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client genai.evaluate flow', () => {
    let server: CliServer;
    const api2 = (p: string) => `/api/2.0/mlflow/${p}`;
    const api3 = (p: string) => `/api/3.0/mlflow/${p}`;
    const ok = async (method: string, p: string, body?: unknown): Promise<Json> => {
      const res = await server.call(method, p, body);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-evalflow-');
    });
    afterAll(async () => {
      await server?.stop();
    });

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
      const { traceId } = await exportPythonTrace(server, {
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
        await exportPythonTrace(server, {
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
          const { traceId } = await exportPythonTrace(server, {
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
          const { traceId } = await exportPythonTrace(server, {
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

    const METRIC_KEYS = ['exact_match/mean', 'word_count/mean', 'correctness/mean', 'concise/mean'];

    it('evaluates static rows (inputs, outputs, expectations) with bool, number, Feedback and failing scorers', async () => {
      const exp = await createExperiment('eval-static');
      const data: EvalRow[] = [
        { inputs: { question: 'What is MLflow?' }, outputs: 'An ML platform', expectations: { expected_response: 'An ML platform' } },
        {
          inputs: { question: 'What is Spark?' },
          outputs: "I don't know",
          expectations: { expected_response: 'A data engine', expected_facts: ['fast', 'distributed'] },
        },
        { inputs: { question: 'What is Loupe?' }, outputs: 'An MLflow-compatible tracking server written in TypeScript' },
      ];
      const dataset = pandasDataset(
        data.map(({ inputs, outputs, expectations }) => ({ inputs, outputs, expectations })),
        [
          { ...QUESTION_SCHEMA, name: 'inputs', required: true },
          { type: 'string', name: 'outputs', required: true },
          { type: 'object', name: 'expectations', required: false },
        ],
      );
      const result = await evaluate(exp, data, { runName: 'static-eval', dataset });

      // The judge's traced LLM calls (one per row) were the only extra traces, and the clean-up removed them.
      expect(result.deleted).toHaveLength(3);
      for (const id of result.deleted) expect((await server.call('GET', api3(`traces/${id}`))).status).toBe(404);
      expect(result.metrics).toEqual({ 'exact_match/mean': 1 / 3, 'word_count/mean': 13 / 3, 'correctness/mean': 1 / 3, 'concise/mean': 2 / 3 });
      await expectEvaluationRun(result, dataset, METRIC_KEYS);

      // Each minimal trace: one CHAIN span `root_span` with the row's inputs and outputs, of the run.
      for (const [i, traceId] of result.traceIds.entries()) {
        const trace = await getTrace(traceId);
        expect(trace.spans).toHaveLength(1);
        expect(trace.info).toMatchObject({ state: 'OK', trace_metadata: { [SOURCE_RUN]: result.runId }, tags: { 'mlflow.traceName': 'root_span' } });
        expect(rootSpan(trace)).toMatchObject({ inputs: data[i]!.inputs, outputs: data[i]!.outputs });
      }
      // The result table (construct_eval_result_df): feedback values and this run's expectations.
      expect(result.resultRows).toEqual([
        {
          trace_id: result.traceIds[0],
          'exact_match/value': true,
          'word_count/value': 3,
          'correctness/value': 'yes',
          'concise/value': true,
          'flaky/value': undefined,
          'expected_response/value': 'An ML platform',
        },
        {
          trace_id: result.traceIds[1],
          'exact_match/value': false,
          'word_count/value': 3,
          'correctness/value': 'no',
          'concise/value': true,
          'flaky/value': undefined,
          'expected_response/value': 'A data engine',
          'expected_facts/value': ['fast', 'distributed'],
        },
        {
          trace_id: result.traceIds[2],
          'exact_match/value': false,
          'word_count/value': 7,
          'correctness/value': 'no',
          'concise/value': false,
          'flaky/value': undefined,
        },
      ]);
      // The UI and search_traces filters read the same assessments.
      const judged = await ok('POST', api3('traces/search'), {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
        filter: `feedback.correctness = 'yes' AND attribute.run_id = '${result.runId}'`,
      });
      expect((judged.traces as Json[]).map((t) => t.trace_id)).toEqual([result.traceIds[0]]);
    });

    it('evaluates a predict_fn: the app traces of the run are scored', async () => {
      const exp = await createExperiment('eval-predict');
      const answers: Record<string, string> = { 'What is MLflow?': 'An ML platform', 'What is Spark?': 'A data engine' };
      // @mlflow.trace def qa_agent(question): one chat-model call inside.
      const qaAgent = (inputs: Json, startMs: number): PythonSpan => {
        const answer = answers[inputs.question as string] ?? 'no idea';
        return {
          name: 'qa_agent',
          type: 'UNKNOWN',
          inputs,
          outputs: answer,
          attributes: { 'mlflow.spanFunctionName': 'qa_agent' },
          startMs,
          endMs: startMs + 50,
          children: [
            {
              name: 'Completions',
              type: 'CHAT_MODEL',
              inputs: { messages: [{ role: 'user', content: inputs.question }] },
              outputs: { choices: [{ message: { role: 'assistant', content: answer } }] },
              attributes: { 'mlflow.chat.tokenUsage': { input_tokens: 9, output_tokens: 4, total_tokens: 13 } },
              startMs: startMs + 5,
              endMs: startMs + 45,
            },
          ],
        };
      };
      const data: EvalRow[] = [
        { inputs: { question: 'What is MLflow?' }, expectations: { expected_response: 'An ML platform' }, tags: { topic: 'mlflow' } },
        { inputs: { question: 'What is Spark?' }, expectations: { expected_response: 'A distributed data engine' }, tags: { topic: 'spark' } },
      ];
      const dataset = pandasDataset(
        data.map(({ inputs, expectations, tags }) => ({ inputs, expectations, tags })),
        [
          { ...QUESTION_SCHEMA, name: 'inputs', required: true },
          { type: 'object', name: 'expectations', required: true },
          { type: 'object', name: 'tags', required: true },
        ],
      );
      const result = await evaluate(exp, data, { runName: 'predict-eval', dataset, predictFn: qaAgent });
      expect(result.deleted).toHaveLength(2);
      expect(result.metrics).toEqual({ 'exact_match/mean': 0.5, 'word_count/mean': 3, 'correctness/mean': 0.5, 'concise/mean': 1 });
      await expectEvaluationRun(result, dataset, METRIC_KEYS);

      for (const [i, traceId] of result.traceIds.entries()) {
        const trace = await getTrace(traceId);
        expect(trace.spans.map((s) => s.name)).toEqual(['qa_agent', 'Completions']);
        expect(trace.info).toMatchObject({
          trace_metadata: { [SOURCE_RUN]: result.runId },
          tags: { [EVAL_REQUEST_ID]: expect.any(String), 'mlflow.traceName': 'qa_agent', topic: data[i]!.tags!.topic },
        });
      }
      expect(result.resultRows.map((r) => [r['exact_match/value'], r['expected_response/value']])).toEqual([
        [true, 'An ML platform'],
        [false, 'A distributed data engine'],
      ]);
      // The run's traces, by the run filter and by the eval tag alike.
      const byTag = await ok('POST', api3('traces/search'), {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
        filter: `tag.topic = 'spark' AND metadata.\`${SOURCE_RUN}\` = '${result.runId}'`,
      });
      expect((byTag.traces as Json[]).map((t) => t.trace_id)).toEqual([result.traceIds[1]]);
    });

    it('evaluates stored traces: linked when in the experiment, copied from another experiment', async () => {
      const exp = await createExperiment('eval-traces');
      const other = await createExperiment('other-app');
      // Traces the app made before, outside any run.
      const made = async (experimentId: string, question: string, answer: string, startMs: number, tags: Record<string, string> = {}) =>
        (
          await exportPythonTrace(server, {
            experimentId,
            root: {
              name: 'qa_agent',
              type: 'UNKNOWN',
              inputs: { question },
              outputs: answer,
              startMs,
              endMs: startMs + 30,
              children: [
                {
                  name: 'retrieve',
                  type: 'RETRIEVER',
                  inputs: { query: question },
                  outputs: [{ page_content: answer }],
                  startMs: startMs + 2,
                  endMs: startMs + 10,
                },
              ],
            },
            metadata: CONTEXT_TAGS,
            tags,
          })
        ).traceId;
      const t0 = Date.now() - 60_000;
      const first = await made(exp, 'What is MLflow?', 'An ML platform', t0);
      const second = await made(exp, 'What is Spark?', 'A data engine', t0 + 1000);
      const foreign = await made(other, 'What is Loupe?', 'A tracking server', t0 + 2000, { customer: 'acme' });
      // A reviewer already labelled the first one (mlflow.log_expectation).
      await ok('POST', api3(`traces/${first}/assessments`), {
        assessment: {
          assessment_name: 'expected_response',
          trace_id: first,
          source: { source_type: 'HUMAN', source_id: 'bob' },
          expectation: { value: 'An ML platform' },
        },
      });

      // data = mlflow.search_traces(...) of both experiments, with expectations.
      const stored = [...(await searchTraces(exp)), ...(await searchTraces(other))];
      expect(stored.map((t) => t.info.trace_id)).toEqual([second, first, foreign]);
      expect(stored[1]!.info.assessments).toHaveLength(1);
      const data: EvalRow[] = stored.map((trace) => ({
        trace,
        expectations: {
          expected_response: { [first]: 'An ML platform', [second]: 'A data engine', [foreign]: 'A tracking server' }[trace.info.trace_id as string]!,
        },
      }));
      const dataset = pandasDataset(data.map((row) => ({ trace_id: row.trace!.info.trace_id, expectations: row.expectations })));
      const result = await evaluate(exp, data, { runName: 'trace-eval', dataset });

      const [, , copy] = result.traceIds;
      expect(result.traceIds.slice(0, 2)).toEqual([second, first]);
      expect(copy).not.toBe(foreign);
      expect(result.deleted).toHaveLength(3);
      await expectEvaluationRun(result, dataset, METRIC_KEYS);
      expect(result.metrics).toEqual({ 'exact_match/mean': 1, 'word_count/mean': 3, 'correctness/mean': 1, 'concise/mean': 1 });

      // The first trace kept its reviewer's expectation, not a second one; the others got the data's.
      const expectationsOf = async (id: string) =>
        (((await getTrace(id)).info.assessments ?? []) as Json[]).filter((a) => a.expectation).map((a) => [a.source.source_id, a.expectation.value]);
      expect(await expectationsOf(first)).toEqual([['bob', 'An ML platform']]);
      expect(result.logged.filter((l) => l.traceId === first && l.sent.expectation)).toEqual([]);
      expect(await expectationsOf(second)).toEqual([[USER, 'A data engine']]);
      expect(await expectationsOf(copy!)).toEqual([[USER, 'A tracking server']]);
      expect(result.resultRows[1]).toMatchObject({ 'expected_response/value': 'An ML platform', 'exact_match/value': true });

      // The copy: same spans and times under a new id in this experiment, of the run, user tags only.
      const original = await getTrace(foreign);
      const copied = await getTrace(copy!);
      expect(copied.info).toMatchObject({
        trace_location: { mlflow_experiment: { experiment_id: exp } },
        request_time: original.info.request_time,
        trace_metadata: { [SOURCE_RUN]: result.runId, 'mlflow.source.name': 'eval.py' },
        tags: { customer: 'acme', 'mlflow.traceName': 'qa_agent' },
      });
      expect(copied.info.tags['mlflow.artifactLocation']).not.toBe(original.info.tags['mlflow.artifactLocation']);
      expect(copied.info.assessments ?? []).toHaveLength(5 + 1);
      expect(copied.spans.map((s) => [s.name, s.start_time_unix_nano, s.end_time_unix_nano])).toEqual(
        original.spans.map((s) => [s.name, s.start_time_unix_nano, s.end_time_unix_nano]),
      );
      // The original stays where it was, untouched and not part of the run.
      expect(original.info.assessments ?? []).toEqual([]);
      expect(original.info.trace_metadata[SOURCE_RUN]).toBeUndefined();

      // Stored traces are linked, not re-run: the run filter finds them, their metadata names no run.
      for (const id of [first, second]) expect((await getTrace(id)).info.trace_metadata[SOURCE_RUN]).toBeUndefined();
    });

    it('evaluates a managed dataset: create_dataset, merge_records, the records read as to_df pages them, the dataset logged as the run input', async () => {
      const exp = await createExperiment('eval-dataset');
      // mlflow.genai.datasets.create_dataset(name=..., experiment_id=exp, tags={"team": "support"}): the client adds mlflow.user.
      const created = (
        await ok('POST', api3('datasets/create'), {
          name: 'support_golden',
          experiment_ids: [exp],
          tags: JSON.stringify({ team: 'support', 'mlflow.user': USER }),
        })
      ).dataset as Json;
      const datasetId = created.dataset_id as string;
      expect(created).toMatchObject({ name: 'support_golden', digest: expect.any(String), experiment_ids: [exp] });

      // dataset.merge_records([...]): GET the dataset, then the records as one JSON string, sources
      // inferred (HUMAN with expectations, CODE without) and `mlflow.user` added to each record's tags.
      const records = [
        { inputs: { question: 'What is MLflow?' }, expectations: { expected_response: 'An ML platform' } },
        { inputs: { question: 'What is Spark?' }, expectations: { expected_response: 'A distributed data engine' } },
        { inputs: { question: 'What is Loupe?' } },
      ].map((r) => ({
        ...r,
        source: { source_type: r.expectations ? 'HUMAN' : 'CODE', source_data: {} },
        tags: { 'mlflow.user': USER },
      }));
      await ok('GET', api3(`datasets/${datasetId}`));
      expect(await ok('POST', api3(`datasets/${datasetId}/records`), { records: JSON.stringify(records) })).toEqual({ inserted_count: 3, updated_count: 0 });

      // mlflow.genai.evaluate(data=dataset, predict_fn=qa_agent, scorers=...): `data.to_df()` loads the
      // records (`_load_dataset_records(max_results=None)`: pages of 1000 until no token; to_df() again
      // in `_evaluate_oss` reads the cached records).
      const df: Json[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const query = new URLSearchParams({ max_results: '1000', ...(token ? { page_token: token } : {}) });
        const page = await ok('GET', api3(`datasets/${datasetId}/records?${query.toString()}`));
        df.push(...(JSON.parse(page.records as string) as Json[]));
        token = page.next_page_token as string | undefined;
        pages++;
      } while (token);
      expect(pages).toBe(1);
      expect(df.map((r) => (r.inputs as Json).question as string).sort()).toEqual(['What is Loupe?', 'What is MLflow?', 'What is Spark?']);
      for (const r of df) expect(r).toMatchObject({ dataset_id: datasetId, dataset_record_id: expect.stringMatching(/^dr-/), tags: { 'mlflow.user': USER } });

      // `EvalItem.from_dataset_row`: inputs, expectations and tags of each record (outputs come from predict_fn).
      const data: EvalRow[] = df.map((r) => ({
        inputs: r.inputs as Json,
        expectations: r.expectations as Record<string, unknown>,
        tags: r.tags as Record<string, string>,
      }));
      const answers: Record<string, string> = { 'What is MLflow?': 'An ML platform', 'What is Spark?': 'A data engine', 'What is Loupe?': 'A tracking server' };
      const qaAgent = (inputs: Json, startMs: number): PythonSpan => ({
        name: 'qa_agent',
        type: 'UNKNOWN',
        inputs,
        outputs: answers[inputs.question as string] ?? 'no idea',
        attributes: { 'mlflow.spanFunctionName': 'qa_agent' },
        startMs,
        endMs: startMs + 20,
      });
      // `_log_dataset_input(data)`: `EvaluationDataset._to_mlflow_entity()` of the object create_dataset
      // returned: its name and digest, source type mlflow_evaluation_dataset, source
      // `EvaluationDatasetSource.to_json()` (Python's json.dumps spacing), its schema and profile (none yet).
      const dataset: Json = {
        name: 'support_golden',
        digest: created.digest,
        source_type: 'mlflow_evaluation_dataset',
        source: `{"dataset_id": "${datasetId}"}`,
        ...(created.schema ? { schema: created.schema } : {}),
        ...(created.profile ? { profile: created.profile } : {}),
      };
      const scorers: Scorer[] = [
        { name: 'exact_match', run: ({ outputs, expectations }) => outputs === expectations.expected_response },
        { name: 'word_count', run: ({ outputs }) => String(outputs).split(' ').length },
      ];
      const result = await evaluate(exp, data, { runName: 'dataset-eval', dataset, predictFn: qaAgent, scorers });
      expect(result.metrics).toEqual({ 'exact_match/mean': 1 / 3, 'word_count/mean': 3 });
      await expectEvaluationRun(result, dataset, ['exact_match/mean', 'word_count/mean']);

      // Each row's trace carries its record's tags and, where the record had them, its expectations.
      for (const [i, traceId] of result.traceIds.entries()) {
        const trace = await getTrace(traceId);
        expect(trace.info.tags).toMatchObject({ 'mlflow.user': USER, [EVAL_REQUEST_ID]: expect.any(String) });
        const expected = ((trace.info.assessments ?? []) as Json[]).filter((a) => a.expectation).map((a) => a.expectation.value as string);
        expect(expected).toEqual(Object.values(data[i]!.expectations ?? {}));
      }
      // The dataset is still there, with its three records, after the evaluation (nothing wrote to it).
      const after = (await ok('GET', api3(`datasets/${datasetId}`))).dataset as Json;
      expect(JSON.parse(after.profile as string)).toEqual({ num_records: 3 });
    });

    it('links the traces of a large evaluation to the run 100 at a time, and the run search pages through them', async () => {
      const exp = await createExperiment('eval-large');
      const data: EvalRow[] = Array.from({ length: 101 }, (_, i) => ({ inputs: { question: `q${i}` }, outputs: i % 3 === 0 ? 'yes' : 'no', expectations: {} }));
      const dataset = pandasDataset(data.map(({ inputs, outputs }) => ({ inputs, outputs })));
      const result = await evaluate(exp, data, { runName: 'large-eval', dataset, scorers: [{ name: 'affirmative', run: ({ outputs }) => outputs === 'yes' }] });
      expect(result.traceIds).toHaveLength(101);
      expect(result.metrics).toEqual({ 'affirmative/mean': 34 / 101 });
      await expectEvaluationRun(result, dataset, ['affirmative/mean']);
      // Why the client batches: one call links at most 100 traces.
      const refused = await server.call('POST', api2('traces/link-to-run'), {
        trace_ids: [...result.traceIds.slice(0, 100), result.traceIds[100]!],
        run_id: result.runId,
      });
      expect(refused).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    }, 120_000); // ~700 requests: well past the default 30 s on a busy machine
  });
}
