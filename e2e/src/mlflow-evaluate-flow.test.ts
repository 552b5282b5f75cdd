import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';
import { exportPythonTrace, type PythonSpan } from './python-trace-export.js';
import {
  type Json,
  type EvalRow,
  type Scorer,
  USER,
  CONTEXT_TAGS,
  SOURCE_RUN,
  EVAL_REQUEST_ID,
  rootSpan,
  pandasDataset,
  QUESTION_SCHEMA,
  evaluateReplay,
} from './python-evaluate-replay.js';

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

    const { createExperiment, getTrace, searchTraces, evaluate, expectEvaluationRun } = evaluateReplay(() => server, ok);

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
