import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

// The requests MLflow's Python client sends for `mlflow.genai.datasets`: `create_dataset(name,
// experiment_id, tags)` (the client adds `mlflow.user`), `dataset.merge_records(...)` (GET the dataset,
// then POST the records as one JSON string, sources inferred: HUMAN with expectations, CODE without,
// TRACE from a `search_traces` DataFrame), `to_df()` (GET records pages of 1000), `search_datasets`
// (POST search, 50 per page), `set_dataset_tags` / `delete_dataset_tag` and `delete_dataset` (spec
// §8.1), replayed over real HTTP against the built CLI on each database.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client evaluation dataset flow', () => {
    let server: CliServer;
    const v3 = (p: string) => `/api/3.0/mlflow/${p}`;
    const ok = async (method: string, p: string, body?: unknown) => {
      const res = await server.call(method, p, body);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };
    /** `dataset.to_df()`: every page of 1000 records. */
    const toDf = async (datasetId: string) => {
      const rows: Record<string, unknown>[] = [];
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ max_results: '1000', ...(token ? { page_token: token } : {}) });
        const page = await ok('GET', v3(`datasets/${datasetId}/records?${query.toString()}`));
        rows.push(...(JSON.parse(page.records as string) as Record<string, unknown>[]));
        token = page.next_page_token as string | undefined;
      } while (token);
      return rows;
    };

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-datasets-flow-');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('creates a dataset, merges records twice, reads them, searches, tags and deletes it', async () => {
      const exp = (await ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'datasets-flow' })).experiment_id as string;
      // create_dataset(name="qa_golden", experiment_id=exp, tags={"team": "search", "version": "1"})
      const created = (
        await ok('POST', v3('datasets/create'), {
          name: 'qa_golden',
          experiment_ids: [exp],
          tags: JSON.stringify({ team: 'search', version: '1', 'mlflow.user': 'alice' }),
        })
      ).dataset;
      expect(created).toMatchObject({ name: 'qa_golden', experiment_ids: [exp], created_by: 'alice' });
      const id = created.dataset_id as string;
      expect(id).toMatch(/^d-[0-9a-f]{32}$/);

      // dataset.merge_records([{inputs, expectations}, {inputs}])
      await ok('GET', v3(`datasets/${id}`));
      const first = [
        {
          inputs: { question: 'What is MLflow?' },
          expectations: { expected_facts: ['tracking'] },
          source: { source_type: 'HUMAN', source_data: {} },
          tags: { 'mlflow.user': 'alice' },
        },
        { inputs: { question: 'What is Loupe?' }, source: { source_type: 'CODE', source_data: {} }, tags: { 'mlflow.user': 'alice' } },
      ];
      expect(await ok('POST', v3(`datasets/${id}/records`), { records: JSON.stringify(first) })).toEqual({ inserted_count: 2, updated_count: 0 });

      // Merging again: same inputs (other key order inside) update, new inputs insert.
      await ok('GET', v3(`datasets/${id}`));
      const second = [
        {
          inputs: { question: 'What is MLflow?' },
          expectations: { expected_response: 'A platform' },
          source: { source_type: 'HUMAN', source_data: {} },
          tags: { 'mlflow.user': 'bob' },
        },
        {
          inputs: { question: 'Why TypeScript?' },
          expectations: { expected_response: 'Types' },
          source: { source_type: 'HUMAN', source_data: {} },
          tags: { 'mlflow.user': 'bob' },
        },
      ];
      expect(await ok('POST', v3(`datasets/${id}/records`), { records: JSON.stringify(second) })).toEqual({ inserted_count: 1, updated_count: 1 });

      const df = await toDf(id);
      expect(df).toHaveLength(3);
      const mlflowRow = df.find((r) => (r.inputs as { question: string }).question === 'What is MLflow?');
      expect(mlflowRow).toMatchObject({
        dataset_id: id,
        expectations: { expected_facts: ['tracking'], expected_response: 'A platform' },
        source: { source_type: 'HUMAN', source_data: {} },
        source_type: 'HUMAN',
        created_by: 'alice',
        last_updated_by: 'bob',
      });
      expect(mlflowRow?.dataset_record_id).toMatch(/^dr-[0-9a-f]{32}$/);
      expect(df.find((r) => (r.inputs as { question: string }).question === 'What is Loupe?')).toMatchObject({ source_type: 'CODE', outputs: {} });

      // search_datasets(filter_string=..., order_by=["name ASC"]): the client sends 50 per page.
      await ok('POST', v3('datasets/create'), { name: 'qa_scratch', experiment_ids: [exp], tags: JSON.stringify({ team: 'other', 'mlflow.user': 'alice' }) });
      const found = await ok('POST', v3('datasets/search'), {
        experiment_ids: [exp],
        filter_string: "name LIKE 'qa_%' AND tags.team = 'search'",
        max_results: 50,
        order_by: ['name ASC'],
      });
      expect(found.datasets.map((d: { dataset_id: string }) => d.dataset_id)).toEqual([id]);
      expect(JSON.parse(found.datasets[0].profile as string)).toEqual({ num_records: 3 });
      const byDefault = await ok('POST', v3('datasets/search'), {
        filter_string: `created_time >= ${Date.now() - 7 * 24 * 3600 * 1000}`,
        max_results: 50,
        order_by: ['created_time DESC'],
      });
      expect(byDefault.datasets.map((d: { name: string }) => d.name)).toEqual(['qa_scratch', 'qa_golden']);

      // set_dataset_tags / delete_dataset_tag
      expect(await ok('PATCH', v3(`datasets/${id}/tags`), { tags: JSON.stringify({ version: '2', status: 'validated', stale: null }) })).toEqual({});
      expect(await ok('DELETE', v3(`datasets/${id}/tags/team`))).toEqual({});
      expect(JSON.parse((await ok('GET', v3(`datasets/${id}`))).dataset.tags as string)).toEqual({ version: '2', status: 'validated', 'mlflow.user': 'alice' });

      // delete_dataset(dataset_id=id): the dataset and its records are gone.
      expect(await ok('DELETE', v3(`datasets/${id}`))).toEqual({});
      expect(await server.call('GET', v3(`datasets/${id}`))).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
      expect(await server.call('GET', v3(`datasets/${id}/records`))).toMatchObject({ status: 404 });
    });

    it('builds a dataset from selected traces: records with a TRACE source and the trace id', async () => {
      const exp = (await ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'datasets-from-traces' })).experiment_id as string;
      const traceIds = ['0123456789abcdef0123456789abcde1', '0123456789abcdef0123456789abcde2'].map((h) => `tr-${h}`);
      for (const [i, traceId] of traceIds.entries()) {
        await ok('POST', v3('traces'), {
          trace: {
            trace_info: {
              trace_id: traceId,
              trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
              request_preview: JSON.stringify({ question: `q${i}` }),
              response_preview: JSON.stringify(`a${i}`),
              request_time: new Date().toISOString(),
              execution_duration: '0.1s',
              state: 'OK',
              trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.trace.session': 'sess-1' },
              tags: {},
            },
          },
        });
      }
      // mlflow.search_traces(...) then dataset.merge_records(traces_df)
      const searched = await ok('POST', v3('traces/search'), {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
        max_results: 100,
      });
      const selected = (searched.traces as { trace_id: string; request_preview: string; response_preview: string }[]).sort((a, b) =>
        a.trace_id.localeCompare(b.trace_id),
      );
      expect(selected.map((t) => t.trace_id)).toEqual(traceIds);
      const dataset = (await ok('POST', v3('datasets/create'), { name: 'from_traces', experiment_ids: [exp] })).dataset;
      const records = selected.map((t) => ({
        inputs: JSON.parse(t.request_preview) as unknown,
        outputs: JSON.parse(t.response_preview) as unknown,
        expectations: {},
        source: { source_type: 'TRACE', source_data: { trace_id: t.trace_id, session_id: 'sess-1' } },
      }));
      await ok('GET', v3(`datasets/${dataset.dataset_id}`));
      expect(await ok('POST', v3(`datasets/${dataset.dataset_id}/records`), { records: JSON.stringify(records) })).toEqual({
        inserted_count: 2,
        updated_count: 0,
      });
      // Records made in one call share a creation time; they come in record-id order.
      const df = (await toDf(dataset.dataset_id as string)).sort((a, b) => String(a.source_id).localeCompare(String(b.source_id)));
      expect(df.map((r) => [r.source_type, r.source_id, r.outputs])).toEqual([
        ['TRACE', traceIds[0], 'a0'],
        ['TRACE', traceIds[1], 'a1'],
      ]);
      expect(df[0]?.source).toEqual({ source_type: 'TRACE', source_data: { trace_id: traceIds[0], session_id: 'sess-1' } });
    });
  });
}
