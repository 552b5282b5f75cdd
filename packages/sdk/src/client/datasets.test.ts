import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { scorer } from '../evaluation/code-scorer.js';
import type { Loupe } from '../instance/loupe.js';
import { testLoupe } from '../testing/test-loupe.js';
import { createClient } from './loupe-client.js';
import type { TransportRequest } from './transport.js';

// What the dataset methods send, checked at the network boundary against MLflow's wire format
// (mlflow/protos/datasets.proto, RestStore): `tags` and `records` travel as JSON strings.
describe('evaluation dataset requests', () => {
  const sent: TransportRequest[] = [];
  const answers: unknown[] = [];
  const client = createClient({
    transport: {
      request: (req) => {
        sent.push(req);
        return Promise.resolve(new Response(JSON.stringify(answers.shift() ?? {}), { status: 200 }));
      },
    },
  });
  const body = (i: number) => JSON.parse(sent[i]!.body as string) as Record<string, unknown>;

  it('createDataset sends tags as a JSON string and decodes the answer', async () => {
    answers.push({ dataset: { dataset_id: 'd-1', name: 'qa', tags: '{"team":"support"}', created_time: '1700000000000', experiment_ids: ['3'] } });
    const ds = await client.createDataset('qa', { experimentIds: ['3'], tags: { team: 'support' } });
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/api/3.0/mlflow/datasets/create' });
    expect(body(0)).toEqual({ name: 'qa', experiment_ids: ['3'], tags: '{"team":"support"}' });
    expect(ds).toEqual({ dataset_id: 'd-1', name: 'qa', tags: { team: 'support' }, created_time: 1700000000000, experiment_ids: ['3'] });
  });

  it('mergeRecords sends the records as a JSON string, traces as TRACE records, and infers sources as MLflow does', async () => {
    sent.length = 0;
    answers.push({ inserted_count: 3, updated_count: '0' });
    const trace = {
      info: {
        trace_id: 'tr-abc',
        trace_location: { type: 'MLFLOW_EXPERIMENT' as const, mlflow_experiment: { experiment_id: '1' } },
        request_time: '2026-12-01T00:00:00Z',
        state: 'OK' as const,
        trace_metadata: { 'mlflow.trace.session': 's-1' },
        tags: {},
        assessments: [
          {
            assessment_id: 'a-1',
            assessment_name: 'expected_response',
            trace_id: 'tr-abc',
            source: { source_type: 'HUMAN' as const, source_id: 'ann' },
            expectation: { value: 'Shipped' },
            create_time: '2026-12-01T00:00:00Z',
            last_update_time: '2026-12-01T00:00:00Z',
          },
        ],
      },
      spans: [{ parentId: null, inputs: { question: 'Where?' }, outputs: 'Shipped' }],
    } as unknown as Parameters<typeof client.mergeRecords>[1][number];
    const counts = await client.mergeRecords('d-1', [trace] as never);
    expect(counts).toEqual({ inserted: 3, updated: 0 });
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/api/3.0/mlflow/datasets/d-1/records' });
    expect(JSON.parse(body(0).records as string)).toEqual([
      {
        inputs: { question: 'Where?' },
        outputs: 'Shipped',
        expectations: { expected_response: 'Shipped' },
        source: { source_type: 'TRACE', source_data: { trace_id: 'tr-abc', session_id: 's-1' } },
      },
    ]);
    sent.length = 0;
    await client.mergeRecords('d-1', [{ inputs: { q: 1 }, expectations: { a: 1 } }, { inputs: { q: 2 } }]);
    expect(JSON.parse(body(0).records as string)).toEqual([
      { inputs: { q: 1 }, expectations: { a: 1 }, source: { source_type: 'HUMAN', source_data: {} } },
      { inputs: { q: 2 }, source: { source_type: 'CODE', source_data: {} } },
    ]);
    await expect(client.mergeRecords('d-1', [{ inputs: 'q' as never }])).rejects.toThrow('record 0: inputs must be an object');
  });

  it('getDatasetRecords decodes the JSON string of records; getDataset falls back to a search by name', async () => {
    sent.length = 0;
    answers.push({
      records: JSON.stringify([{ dataset_record_id: 'dr-1', dataset_id: 'd-1', inputs: { q: 1 }, expectations: {}, tags: {} }]),
      next_page_token: 'p2',
    });
    const page = await client.getDatasetRecords('d-1', { maxResults: 10 });
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/api/3.0/mlflow/datasets/d-1/records', query: { max_results: 10 } });
    expect(page).toEqual({ items: [{ dataset_record_id: 'dr-1', dataset_id: 'd-1', inputs: { q: 1 }, expectations: {}, tags: {} }], nextPageToken: 'p2' });
    answers.push({ datasets: [{ dataset_id: 'd-9', name: 'golden', tags: '{}' }] });
    expect((await client.getDataset('golden')).dataset_id).toBe('d-9');
    expect(body(1)).toEqual({ filter_string: "name = 'golden'", max_results: 10 });
  });
});

// Against a real Loupe server (`/api/3.0/mlflow/datasets/*`, docs/api.md).
describe('evaluation datasets against the Loupe server', () => {
  let server: TestServer;
  let loupe: Loupe;
  let exp: string;

  beforeAll(async () => {
    server = await startTestServer();
    exp = await server.experiment('datasets');
    loupe = testLoupe(server.url, exp);
  });
  afterAll(async () => {
    await loupe?.shutdown();
    await server?.close();
  });

  /** The traces of the experiment the app made, as `searchTraces` returns them (spans included). */
  async function tracedAnswers(questions: string[], sessionId: string) {
    const app = loupe.trace(
      (question: string) => {
        loupe.updateCurrentTrace({ sessionId });
        return `answer to ${question}`;
      },
      { name: 'app' },
    );
    for (const q of questions) app(q);
    await loupe.flushTraces();
    // flushTraces gives up after its timeout (10 s here) on a loaded machine: wait for the traces themselves.
    const search = async () => (await loupe.client.searchTraces({ experimentIds: [exp], filter: `metadata.\`mlflow.trace.session\` = '${sessionId}'` })).items;
    let traces = await search();
    await vi.waitFor(
      async () => {
        if (traces.length < questions.length) traces = await search();
        expect(traces).toHaveLength(questions.length);
      },
      { timeout: 30_000, interval: 100 },
    );
    return traces;
  }

  it('creates a dataset, merges rows and traces from searchTraces (same inputs update), reads the records back', async () => {
    const ds = await loupe.client.createDataset(`golden-${Date.now()}`, { experimentIds: [exp], tags: { team: 'support' } });
    expect(ds).toMatchObject({ dataset_id: expect.stringMatching(/^d-/), tags: { team: 'support' }, experiment_ids: [exp] });
    expect((await loupe.client.getDataset(ds.dataset_id)).name).toBe(ds.name);
    expect((await loupe.client.getDataset(ds.name)).dataset_id).toBe(ds.dataset_id);
    const traces = await tracedAnswers(['traced'], 'merge-session');
    expect(await loupe.client.mergeRecords(ds.dataset_id, [{ inputs: { question: 'a' }, expectations: { expected_response: 'A' } }])).toEqual({
      inserted: 1,
      updated: 0,
    });
    expect(await loupe.client.mergeRecords(ds.dataset_id, traces)).toEqual({ inserted: 1, updated: 0 });
    expect(await loupe.client.mergeRecords(ds.dataset_id, [{ inputs: { question: 'a' }, expectations: { extra: 1 } }])).toEqual({ inserted: 0, updated: 1 });
    const records = (await loupe.client.getDatasetRecords(ds.dataset_id)).items;
    expect(records.map((r) => [r.inputs, r.outputs, r.expectations]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      [{ question: 'a' }, {}, { expected_response: 'A', extra: 1 }],
      [{ question: 'traced' }, 'answer to traced', {}],
    ]);
    expect(records.find((r) => r.inputs.question === 'traced')).toMatchObject({
      source_type: 'TRACE',
      source_id: traces[0]!.info.trace_id,
      source: { source_type: 'TRACE', source_data: { trace_id: traces[0]!.info.trace_id, session_id: 'merge-session' } },
    });
  });

  it('evaluate({ dataset }) reads the records as rows and logs the dataset as the run input, as MLflow does', async () => {
    const ds = await loupe.client.createDataset(`eval-${Date.now()}`, { experimentIds: [exp] });
    await loupe.client.mergeRecords(ds.dataset_id, [
      { inputs: { question: 'x' }, expectations: { expected_response: 'answer to x' } },
      { inputs: { question: 'y' }, expectations: { expected_response: 'nope' } },
    ]);
    const result = await loupe.evaluate({
      dataset: ds.name,
      predict: ({ question }) => `answer to ${String(question)}`,
      scorers: [scorer(({ outputs, expectations }) => outputs === expectations.expected_response, { name: 'exact' })],
      progress: false,
      summary: false,
    });
    expect(result.metrics).toEqual({ 'exact/mean': 0.5 });
    // Records of one merge share a creation time and come in record-id order: compare them sorted.
    const byQuestion = [...result.rows].sort((a, b) => String(a.inputs.question).localeCompare(String(b.inputs.question)));
    expect(byQuestion.map((r) => [r.inputs, r.outputs, r.expectations, r.feedback.exact?.value])).toEqual([
      [{ question: 'x' }, 'answer to x', { expected_response: 'answer to x' }, true],
      [{ question: 'y' }, 'answer to y', { expected_response: 'nope' }, false],
    ]);

    // `_log_dataset_input(EvaluationDataset)`: `_to_mlflow_entity()` of the dataset as read (after the merge).
    const current = await loupe.client.getDataset(ds.dataset_id);
    expect(current.digest).toMatch(/\S/);
    expect(JSON.parse(current.profile!)).toEqual({ num_records: 2 });
    const run = await loupe.client.getRun(result.runId);
    expect(run.inputs.dataset_inputs).toEqual([
      {
        dataset: {
          name: ds.name,
          digest: current.digest,
          source_type: 'mlflow_evaluation_dataset',
          source: `{"dataset_id": "${ds.dataset_id}"}`,
          schema: current.schema,
          profile: current.profile,
        },
      },
    ]);
    expect(run.data.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.runType', value: 'genai_evaluate' }]));
    // Each row's trace carries its record's expectations, as HUMAN expectations of the run.
    const stored = (await loupe.client.getTrace(byQuestion[0]!.traceId!))!;
    expect(stored.info.assessments?.filter((a) => a.expectation).map((a) => [a.assessment_name, a.source?.source_type, a.expectation?.value])).toEqual([
      ['expected_response', 'HUMAN', 'answer to x'],
    ]);
  });

  it('evaluate({ dataset }) over records merged from searchTraces: their outputs are scored, their sessions kept', async () => {
    const traces = await tracedAnswers(['p', 'q'], `eval-session-${Date.now()}`);
    const ds = await loupe.client.createDataset(`from-traces-${Date.now()}`, { experimentIds: [exp] });
    expect(await loupe.client.mergeRecords(ds.dataset_id, traces)).toEqual({ inserted: 2, updated: 0 });
    const result = await loupe.evaluate({
      dataset: ds.dataset_id,
      scorers: [
        scorer(({ inputs, outputs }) => outputs === `answer to ${String(inputs.question)}`, { name: 'answered' }),
        scorer(({ conversation }) => conversation?.length ?? 0, { name: 'turns', level: 'session' }),
      ],
      progress: false,
      summary: false,
    });
    expect(result.metrics).toEqual({ 'answered/mean': 1, 'turns/mean': 2 });
    expect(result.rows.map((r) => r.outputs).sort()).toEqual(['answer to p', 'answer to q']);
    const session = traces[0]!.info.trace_metadata?.['mlflow.trace.session'];
    for (const row of result.rows) {
      const made = (await loupe.client.getTrace(row.traceId!))!;
      // A new trace of the run per record (the stored traces are the records' source, not the rows).
      expect(traces.map((t) => t.info.trace_id)).not.toContain(row.traceId);
      expect(made.info.trace_metadata?.['mlflow.trace.session']).toBe(session);
    }
    const run = await loupe.client.getRun(result.runId);
    expect(run.inputs.dataset_inputs?.map((i) => i.dataset.source)).toEqual([`{"dataset_id": "${ds.dataset_id}"}`]);
  });
});
