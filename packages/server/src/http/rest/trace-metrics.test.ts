import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const METRICS = '/api/3.0/mlflow/traces/metrics';
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 15, 14);

describe('QueryTraceMetrics REST (POST /api/3.0/mlflow/traces/metrics)', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'metrics' })).body.experiment_id as string;
    // Three traces over two hours; LLM child spans carry token usage as the Python SDK writes it (JSON text).
    for (let n = 0; n < 3; n++) {
      const traceId = `${n + 1}`.padStart(32, '0');
      const start = BigInt(T0 + n * 40 * 60_000) * 1_000_000n;
      const spans = [
        {
          traceId,
          spanId: `${n + 1}`.padStart(16, '0'),
          name: 'agent',
          kind: 1,
          startTimeUnixNano: String(start),
          endTimeUnixNano: String(start + BigInt(100 * (n + 1)) * 1_000_000n),
          status: { code: n === 2 ? 2 : 1 },
        },
        {
          traceId,
          spanId: `${n + 1}`.padStart(15, '0') + 'f',
          parentSpanId: `${n + 1}`.padStart(16, '0'),
          name: 'llm',
          kind: 1,
          startTimeUnixNano: String(start + 1_000_000n),
          endTimeUnixNano: String(start + 11_000_000n),
          attributes: [
            { key: 'mlflow.spanType', value: { stringValue: '"LLM"' } },
            {
              key: 'mlflow.chat.tokenUsage',
              value: { stringValue: JSON.stringify({ input_tokens: 10 * (n + 1), output_tokens: 5, total_tokens: 10 * (n + 1) + 5 }) },
            },
            { key: 'mlflow.llm.model', value: { stringValue: '"gpt-4o"' } },
          ],
          status: { code: 1 },
        },
      ];
      const res = await loupe.app.request('/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
        body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
      });
      expect(res.status).toBe(200);
    }
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  it('answers data points as MLflow does: time_bucket labels, P<n>.0 keys, dimensions', async () => {
    const res = await loupe.call('POST', METRICS, {
      experiment_ids: [exp],
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: [{ aggregation_type: 'AVG' }, { aggregation_type: 'PERCENTILE', percentile_value: 95 }],
      time_interval_seconds: 3600,
      start_time_ms: T0,
      end_time_ms: T0 + 2 * HOUR,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data_points: [
        { metric_name: 'latency', dimensions: { time_bucket: '2025-06-15T14:00:00+00:00' }, values: { AVG: 150, 'P95.0': 195 } },
        { metric_name: 'latency', dimensions: { time_bucket: '2025-06-15T15:00:00+00:00' }, values: { AVG: 300, 'P95.0': 300 } },
      ],
    });
    const errors = await loupe.call('POST', METRICS, {
      experiment_ids: [exp],
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      dimensions: ['trace_status'],
    });
    expect(errors.body.data_points).toEqual([
      { metric_name: 'trace_count', dimensions: { trace_status: 'ERROR' }, values: { COUNT: 1 } },
      { metric_name: 'trace_count', dimensions: { trace_status: 'OK' }, values: { COUNT: 2 } },
    ]);
    const tokens = await loupe.call('POST', METRICS, {
      experiment_ids: [exp],
      view_type: 'TRACES',
      metric_name: 'total_tokens',
      aggregations: [{ aggregation_type: 'SUM' }],
      filters: ['trace.status = "OK"'],
    });
    expect(tokens.body.data_points).toEqual([{ metric_name: 'total_tokens', dimensions: {}, values: { SUM: 15 + 25 } }]);
    const byModel = await loupe.call('POST', METRICS, {
      experiment_ids: [exp],
      view_type: 'SPANS',
      metric_name: 'span_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      dimensions: ['span_model_name'],
      filters: ["span.type = 'LLM'"],
    });
    expect(byModel.body.data_points).toEqual([{ metric_name: 'span_count', dimensions: { span_model_name: 'gpt-4o' }, values: { COUNT: 3 } }]);
    // The same totals appear on the trace as MLflow's server reports them.
    const info = await loupe.call('GET', `/api/3.0/mlflow/traces/tr-${'1'.padStart(32, '0')}`);
    expect(
      JSON.parse(
        (info.body.trace as { trace_info: { trace_metadata: Record<string, string> } }).trace_info.trace_metadata['mlflow.trace.tokenUsage'] as string,
      ),
    ).toEqual({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
  });

  it('pages with next_page_token', async () => {
    const body = {
      experiment_ids: [exp],
      view_type: 'SPANS',
      metric_name: 'span_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      dimensions: ['span_name'],
      max_results: 1,
    };
    const first = await loupe.call('POST', METRICS, body);
    expect(first.body.data_points).toEqual([{ metric_name: 'span_count', dimensions: { span_name: 'agent' }, values: { COUNT: 3 } }]);
    const second = await loupe.call('POST', METRICS, { ...body, page_token: first.body.next_page_token });
    expect(second.body).toEqual({ data_points: [{ metric_name: 'span_count', dimensions: { span_name: 'llm' }, values: { COUNT: 3 } }] });
  });

  it('answers bad requests with INVALID_PARAMETER_VALUE naming the field', async () => {
    const base = { experiment_ids: [exp], view_type: 'TRACES', metric_name: 'latency', aggregations: [{ aggregation_type: 'AVG' }] };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ experiment_ids: [] }, /experiment_ids/],
      [{ view_type: 'ROWS' }, /view_type/],
      [{ metric_name: 'nope' }, /metric_name 'nope'.*latency/],
      [{ metric_name: 'span_count' }, /metric_name 'span_count' for view_type TRACES/],
      [{ aggregations: [] }, /aggregations/],
      [{ aggregations: [{ aggregation_type: 'PERCENTILE' }] }, /percentile_value/],
      [{ aggregations: [{ aggregation_type: 'PERCENTILE', percentile_value: 101 }] }, /percentile_value/],
      [{ aggregations: [{ aggregation_type: 'AVG', percentile_value: 50 }] }, /percentile_value/],
      [{ metric_name: 'trace_count', aggregations: [{ aggregation_type: 'SUM' }] }, /COUNT/],
      [{ dimensions: ['span_type'] }, /dimension 'span_type'/],
      [{ time_interval_seconds: 60 }, /start_time_ms/],
      [{ time_interval_seconds: 0, start_time_ms: 1, end_time_ms: 2 }, /time_interval_seconds/],
      [{ start_time_ms: 5, end_time_ms: 1 }, /start_time_ms/],
      [{ filters: ['trace.name = "x"'] }, /trace.name/],
      [{ filters: ['trace.tag = "x"'] }, /needs a key/],
      [{ filters: ["span.type LIKE 'L%'"] }, /filters/],
      [{ max_results: 5000 }, /max_results/],
      [{ page_token: 'garbage' }, /page_token/],
    ];
    for (const [over, message] of cases) {
      const res = await loupe.call('POST', METRICS, { ...base, ...over });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message, JSON.stringify(over)).toMatch(message);
    }
  });
});
