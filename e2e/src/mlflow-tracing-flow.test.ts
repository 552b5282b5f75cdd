import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { runCli, startCliServer, type CliServer } from './cli-server.js';
import { exportPythonTrace } from './python-trace-export.js';

type Attr = { key: string; value: { string_value: string } };
type WireSpan = { name: string; span_id: string; parent_span_id: string; start_time_unix_nano: number; attributes: Attr[] };

// MLflow's Python tracing export (spec §10.3), replayed against the built CLI: spans stream over OTLP
// protobuf (attribute values JSON-encoded, as the Python SDK writes them), then StartTraceV3 when the
// root ends; `search_traces` pages through TraceInfoV3s and loads spans with batchGet.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python tracing flow', () => {
    let server: CliServer;
    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-traceflow-');
    });
    afterAll(async () => {
      await server?.stop();
    });

    /** One `@mlflow.trace`-decorated call with a nested LLM call; returns the MLflow trace id. */
    async function tracedCall(exp: string, question: string, startMs: number): Promise<string> {
      const { traceId } = await exportPythonTrace(server, {
        experimentId: exp,
        root: {
          name: 'predict',
          type: 'CHAIN',
          inputs: { question },
          outputs: `answer to ${question}`,
          attributes: { 'mlflow.spanFunctionName': 'predict' },
          startMs,
          endMs: startMs + 320,
          children: [
            {
              name: 'ChatOpenAI',
              type: 'CHAT_MODEL',
              inputs: { messages: [{ role: 'user', content: question }] },
              outputs: { choices: [{ message: { role: 'assistant', content: `answer to ${question}` } }] },
              attributes: { 'mlflow.chat.tokenUsage': { input_tokens: 12, output_tokens: 7, total_tokens: 19 } },
              startMs: startMs + 5,
              endMs: startMs + 300,
            },
          ],
        },
        metadata: {
          'mlflow.user': 'ann',
          'mlflow.source.name': 'agent.py',
          'mlflow.source.type': 'LOCAL',
          'mlflow.trace.sizeStats': JSON.stringify({ total_size_bytes: 2048, num_spans: 2, max: 1200, p25: 800, p50: 1000, p75: 1200 }),
          'mlflow.trace.tokenUsage': JSON.stringify({ input_tokens: 12, output_tokens: 7, total_tokens: 19 }),
        },
      });
      return traceId;
    }

    it('exports traces, then searches them page by page and loads their spans', async () => {
      expect(Number((await (await fetch(`${server.url}/version`)).text()).split('.')[1])).toBeGreaterThanOrEqual(4);
      const exp = (await server.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'trace-flow' })).body.experiment_id as string;
      const ids: string[] = [];
      for (const [i, q] of ['where is my order?', 'refund please', 'change my address'].entries())
        ids.push(await tracedCall(exp, q, 1_750_000_000_000 + i * 1000));

      // mlflow.search_traces(experiment_ids=[exp], filter_string=..., order_by=[...], max_results=...)
      const location = [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }];
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await server.call('POST', '/api/3.0/mlflow/traces/search', {
          locations: location,
          filter: "trace.status = 'OK' AND span.type = 'CHAT_MODEL' AND metadata.`mlflow.user` = 'ann'",
          order_by: ['timestamp_ms DESC'],
          max_results: 2,
          ...(token ? { page_token: token } : {}),
        });
        expect(page.status).toBe(200);
        seen.push(...(page.body.traces as { trace_id: string }[]).map((t) => t.trace_id));
        token = page.body.next_page_token as string | undefined;
      } while (token);
      expect(seen).toEqual([...ids].reverse());

      const batch = await fetch(`${server.url}/api/3.0/mlflow/traces/batchGet?${ids.map((id) => `trace_ids=${id}`).join('&')}`);
      const body = (await batch.json()) as { traces: { trace_info: { trace_id: string; execution_duration: string; state: string }; spans: WireSpan[] }[] };
      expect(body.traces.map((t) => t.trace_info.trace_id)).toEqual(ids);
      for (const t of body.traces) {
        expect(t.trace_info).toMatchObject({ state: 'OK', execution_duration: '0.320s' });
        expect(t.spans.map((s) => s.name)).toEqual(['predict', 'ChatOpenAI']);
        const [root, llm] = t.spans as [WireSpan, WireSpan];
        expect(llm.parent_span_id).toBe(root.span_id);
        // Python json.loads() each attribute value back.
        const attrs = Object.fromEntries(llm.attributes.map((a) => [a.key, JSON.parse(a.value.string_value) as unknown]));
        expect(attrs).toMatchObject({ 'mlflow.spanType': 'CHAT_MODEL', 'mlflow.chat.tokenUsage': { total_tokens: 19 } });
      }

      // mlflow.get_trace(id): info, then spans
      const info = await server.call('GET', `/api/3.0/mlflow/traces/${ids[0]}`);
      expect(info.body.trace.trace_info.trace_metadata).toMatchObject({
        'mlflow.trace.tokenUsage': JSON.stringify({ input_tokens: 12, output_tokens: 7, total_tokens: 19 }),
      });
      const full = await server.call('GET', `/api/3.0/mlflow/traces/get?trace_id=${ids[0]}`);
      expect(full.body.trace.spans).toHaveLength(2);

      // mlflow.log_feedback(trace_id=..., name='correct', value=False, source=LLM judge), then a human
      // overrides it (mlflow.override_feedback), and search_traces filters on the current value.
      const judged = await server.call('POST', `/api/3.0/mlflow/traces/${ids[0]}/assessments`, {
        assessment: {
          assessment_name: 'correct',
          trace_id: ids[0],
          source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' },
          create_time: '2025-06-15T14:08:00Z',
          last_update_time: '2025-06-15T14:08:00Z',
          feedback: { value: false },
          rationale: 'the order id is wrong',
        },
      });
      expect(judged.status).toBe(200);
      const judgeId = judged.body.assessment.assessment_id as string;
      const human = await server.call('POST', `/api/3.0/mlflow/traces/${ids[0]}/assessments`, {
        assessment: {
          assessment_name: 'correct',
          trace_id: ids[0],
          source: { source_type: 'HUMAN', source_id: 'ann' },
          feedback: { value: true },
          overrides: judgeId,
        },
      });
      expect(human.status).toBe(200);
      const current = await server.call('POST', '/api/3.0/mlflow/traces/search', { locations: location, filter: "feedback.correct = 'true'" });
      expect((current.body.traces as { trace_id: string }[]).map((t) => t.trace_id)).toEqual([ids[0]]);
      expect(
        (await server.call('POST', '/api/3.0/mlflow/traces/search', { locations: location, filter: "feedback.correct = 'false'" })).body.traces,
      ).toBeUndefined();
      const withAssessments = await server.call('GET', `/api/3.0/mlflow/traces/${ids[0]}`);
      expect((withAssessments.body.trace.trace_info.assessments as { assessment_id: string; valid: boolean }[]).map((a) => [a.assessment_id, a.valid])).toEqual(
        [
          [judgeId, false],
          [human.body.assessment.assessment_id, true],
        ],
      );

      // Full text: spans the text index has not reached are scanned, the others found through the index;
      // either way the answer is exact.
      const textSearch = async () =>
        (
          (await server.call('POST', '/api/3.0/mlflow/traces/search', { locations: location, filter: "trace.text LIKE '%refund please%'" })).body.traces as {
            trace_id: string;
          }[]
        ).map((t) => t.trace_id);
      expect(await textSearch()).toEqual([ids[1]]);
      // `loupe db index-text` beside the running server (whose own indexer may have done part of it)
      // brings the index up to date: now the spans are found through it.
      const indexed = await runCli(['db', 'index-text', '--backend-store-uri', server.databaseUri]);
      expect(indexed).toMatchObject({ code: 0, out: expect.stringContaining('Span text index is up to date') });
      expect(await textSearch()).toEqual([ids[1]]);

      // client.set_trace_tag / delete_trace_tag (v2 routes), then mlflow.delete_traces
      expect((await server.call('PATCH', `/api/2.0/mlflow/traces/${ids[1]}/tags`, { key: 'reviewed', value: 'yes' })).status).toBe(200);
      const tagged = await server.call('POST', '/api/3.0/mlflow/traces/search', { locations: location, filter: "tag.reviewed = 'yes'" });
      expect((tagged.body.traces as { trace_id: string }[]).map((t) => t.trace_id)).toEqual([ids[1]]);
      expect((await server.call('DELETE', `/api/2.0/mlflow/traces/${ids[1]}/tags`, { key: 'reviewed' })).status).toBe(200);
      expect((await server.call('POST', '/api/3.0/mlflow/traces/delete-traces', { experiment_id: exp, request_ids: [ids[2]] })).body).toEqual({
        traces_deleted: 1,
      });
      expect((await server.call('GET', `/api/3.0/mlflow/traces/${ids[2]}`)).status).toBe(404);
    });
  });
}
