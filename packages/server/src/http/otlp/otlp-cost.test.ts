import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportWithOfficialSdk, type CapturedExport } from '../../ingest/otlp/testing/official-exporters.js';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

type WireAttribute = { key: string; value: { string_value: string } };
type WireSpan = { name: string; attributes: WireAttribute[] };

/**
 * One agent run as an OpenTelemetry GenAI instrumentation (not MLflow's) records it: an `invoke_agent`
 * span carrying the run's totals, and under it a priced chat call, an embeddings call that reports
 * input tokens only, a call to a model no catalog knows, and a call whose producer sent its own cost.
 * The second trace only calls the unknown model.
 */
function recordAgent(tracer: Tracer): string[] {
  const agent = tracer.startSpan('agent', {
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 51_110, 'gen_ai.usage.output_tokens': 215 },
  });
  // The parent is passed in a context, so the spans need no context manager.
  const parent = trace.setSpan(context.active(), agent);
  const child = (name: string, attributes: Record<string, string | number>) => tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent).end();
  child('chat gpt-4o-mini', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 1000,
    'gen_ai.usage.output_tokens': 200,
  });
  child('embeddings text-embedding-3-small', {
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.request.model': 'text-embedding-3-small',
    'gen_ai.usage.input_tokens': 50_000,
  });
  child('chat my-own-model', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'my-own-model',
    'gen_ai.usage.input_tokens': 10,
    'gen_ai.usage.output_tokens': 5,
  });
  child('chat gpt-4o (producer priced)', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': 100,
    'gen_ai.usage.output_tokens': 10,
    'gen_ai.usage.cost': 0.5,
  });
  agent.end();

  const other = tracer.startSpan('unknown only', {
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'my-own-model', 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.output_tokens': 3 },
  });
  other.end();
  return [agent.spanContext().traceId, other.spanContext().traceId];
}

const backends = await testBackends();

describe.each(['protobuf', 'json'] as const)('cost at ingest from OTLP/%s sent by the official OpenTelemetry exporter', (protocol) => {
  let exported: { requests: CapturedExport[]; result: string[] };
  beforeAll(async () => {
    exported = await exportWithOfficialSdk({ protocol }, recordAgent);
  });

  for (const backend of backends) {
    for (const otlpDecodeThreads of [0, 1]) {
      describeOnBackend(backend, `decoded ${otlpDecodeThreads ? 'on a worker thread' : 'inline'}`, () => {
        let loupe: TestLoupe;
        let exp: string;
        beforeAll(async () => {
          loupe = await createTestLoupe({ database: await backend.create(), otlpDecodeThreads });
          exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'otlp-cost' })).body.experiment_id as string;
          for (const req of exported.requests) {
            const res = await loupe.app.request('/v1/traces', {
              method: 'POST',
              headers: { 'content-type': String(req.headers['content-type']), 'x-mlflow-experiment-id': exp },
              body: req.body,
            });
            expect(res.status).toBe(200);
          }
        });
        afterAll(async () => {
          await loupe?.dispose();
        });

        const spansOf = async (traceHex: string) => {
          const res = await loupe.call('GET', `/api/3.0/mlflow/traces/get?trace_id=tr-${traceHex}`);
          expect(res.status).toBe(200);
          const spans = (res.body.trace as { spans: WireSpan[] }).spans;
          return Object.fromEntries(
            spans.map((s) => [s.name, Object.fromEntries(s.attributes.map((a) => [a.key, JSON.parse(a.value.string_value) as unknown]))]),
          ) as Record<string, Record<string, unknown>>;
        };
        const metadataOf = async (traceHex: string) =>
          ((await loupe.call('GET', `/api/3.0/mlflow/traces/tr-${traceHex}`)).body.trace as { trace_info: { trace_metadata: Record<string, string> } })
            .trace_info.trace_metadata;

        it('prices spans with a known model and tokens from the catalog, keeps a sent cost, leaves an unknown model unpriced', async () => {
          const spans = await spansOf(exported.result[0] as string);
          // gpt-4o-mini at $0.15 / $0.60 per million tokens; MLflow's wire keys (mlflow.llm.cost).
          expect(spans['chat gpt-4o-mini']?.['mlflow.llm.cost']).toEqual({ input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 });
          expect(spans['embeddings text-embedding-3-small']).toMatchObject({
            'mlflow.spanType': 'EMBEDDING',
            'mlflow.chat.tokenUsage': { input_tokens: 50_000, output_tokens: 0, total_tokens: 50_000 },
            'mlflow.llm.cost': { input_cost: 0.001, output_cost: 0, total_cost: 0.001 },
          });
          expect(spans['chat gpt-4o (producer priced)']?.['mlflow.llm.cost']).toEqual({ total_cost: 0.5 });
          expect(spans['chat my-own-model']?.['mlflow.llm.cost']).toBeUndefined();
          expect(spans['chat my-own-model']?.['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
          // The agent's own counts total its children's: neither counted nor priced again.
          expect(spans.agent?.['mlflow.chat.tokenUsage']).toBeUndefined();
          expect(spans.agent?.['mlflow.llm.cost']).toBeUndefined();
        });

        it("sums the trace's tokens and cost over its model calls, the total being input + output", async () => {
          const metadata = await metadataOf(exported.result[0] as string);
          expect(JSON.parse(metadata['mlflow.trace.tokenUsage'] as string)).toEqual({ input_tokens: 51_110, output_tokens: 215, total_tokens: 51_325 });
          expect(JSON.parse(metadata['mlflow.trace.cost'] as string)).toEqual({ input_cost: 0.00115, output_cost: 0.00012, total_cost: 0.50127 });
          // A trace whose only model is unknown has tokens and no cost at all: unknown, not $0.
          const unknown = await metadataOf(exported.result[1] as string);
          expect(JSON.parse(unknown['mlflow.trace.tokenUsage'] as string)).toEqual({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
          expect(unknown).not.toHaveProperty('mlflow.trace.cost');
        });

        it("keeps the span-summed cost when MLflow's client finalizes the trace with its own token totals only, and its cost when it sends one", async () => {
          const finish = (traceHex: string, metadata: Record<string, string>) =>
            loupe.call('POST', '/api/3.0/mlflow/traces', {
              trace: {
                trace_info: {
                  trace_id: `tr-${traceHex}`,
                  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
                  request_time: '2025-06-15T14:07:41.282Z',
                  state: 'OK',
                  trace_metadata: metadata,
                },
              },
            });
          const [first, second] = exported.result as [string, string];
          expect((await finish(first, { 'mlflow.trace.tokenUsage': '{"input_tokens": 51110, "output_tokens": 215, "total_tokens": 51325}' })).status).toBe(200);
          expect(JSON.parse((await metadataOf(first))['mlflow.trace.cost'] as string)).toEqual({
            input_cost: 0.00115,
            output_cost: 0.00012,
            total_cost: 0.50127,
          });
          const metric = await loupe.call('POST', '/api/3.0/mlflow/traces/metrics', {
            experiment_ids: [exp],
            view_type: 'TRACES',
            metric_name: 'total_cost',
            aggregations: [{ aggregation_type: 'SUM' }],
            filters: [],
          });
          expect(metric.body.data_points).toEqual([{ metric_name: 'total_cost', dimensions: {}, values: { SUM: 0.50127 } }]);

          expect((await finish(second, { 'mlflow.trace.cost': '{"total_cost": 0.25}' })).status).toBe(200);
          expect((await metadataOf(second))['mlflow.trace.cost']).toBe('{"total_cost": 0.25}');
          // Spans arriving after the client's cost no longer change it.
          const res = await loupe.app.request('/v1/traces', {
            method: 'POST',
            headers: { 'content-type': String(exported.requests[0]?.headers['content-type']), 'x-mlflow-experiment-id': exp },
            body: exported.requests[0]?.body as Uint8Array,
          });
          expect(res.status).toBe(200);
          const after = await loupe.call('POST', '/api/3.0/mlflow/traces/metrics', {
            experiment_ids: [exp],
            view_type: 'TRACES',
            metric_name: 'total_cost',
            aggregations: [{ aggregation_type: 'SUM' }],
            filters: [],
          });
          expect(after.body.data_points).toEqual([{ metric_name: 'total_cost', dimensions: {}, values: { SUM: 0.75127 } }]);
        });
      });
    }
  }
});
