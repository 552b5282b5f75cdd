import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTraceFilter } from '@loupe/protocol';
import type { AssessmentStore } from '../assessment-store.js';
import type { MetricAggregationSpec, SpanBatch, SpanRecord, TraceMetricsQuery, TraceRecord, TraceStore } from '../trace-store.js';
import type { ExperimentStore } from '../tracking-store.js';

/** The stores the metrics contract needs, on one fresh database. */
export interface TraceMetricsStores {
  experiments: ExperimentStore;
  traces: TraceStore;
  assessments: AssessmentStore;
  dispose(): Promise<void>;
}

const HOUR = 3_600_000;
const T0 = 1_750_000_000_000 - (1_750_000_000_000 % HOUR);
let seq = 0;

const agg = (type: MetricAggregationSpec['type'], percentile?: number): MetricAggregationSpec =>
  type === 'PERCENTILE' ? { type, percentile, label: `P${percentile}` } : { type, label: type };

/**
 * QueryTraceMetrics over the store (spec §4.2): totals exact however spans arrive, every aggregation,
 * time buckets, dimensions, filters, pages, on each backend.
 *
 * @example
 * traceMetricsContract(() => openSqlStores(backend));
 */
export function traceMetricsContract(factory: () => Promise<TraceMetricsStores>): void {
  describe('QueryTraceMetrics contract', () => {
    let s: TraceMetricsStores;
    let exp: string;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: `metrics-${++seq}`, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: 1 });
    });
    afterEach(async () => {
      await s.dispose();
    });

    const span = (traceNo: number, id: string, parent: string | null, startMs: number, durationMs: number, over: Partial<SpanRecord> = {}): SpanRecord => ({
      spanId: `${traceNo}-${id}`,
      parentSpanId: parent === null ? null : `${traceNo}-${parent}`,
      name: id,
      type: 'CHAIN',
      status: 'OK',
      startTimeUs: startMs * 1000,
      endTimeUs: (startMs + durationMs) * 1000,
      content: '{}',
      ...over,
    });
    /** Trace n: root `agent` (duration = 100 * (n + 1) ms) with two LLM calls; state ERROR for odd n. */
    const trace = (n: number, startMs: number): SpanBatch => {
      const traceId = `tr-${String(n).padStart(32, '0')}`;
      const spans = [
        span(n, 'agent', null, startMs, 100 * (n + 1), { type: 'AGENT', status: n % 2 ? 'ERROR' : 'OK' }),
        span(n, 'llm-a', 'agent', startMs + 1, 10, {
          type: 'LLM',
          modelName: 'gpt-4o',
          modelProvider: 'openai',
          usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
          cost: { inputCost: 0.01, outputCost: 0.02, totalCost: 0.03 },
        }),
        span(n, 'llm-b', 'agent', startMs + 20, 30, {
          type: 'LLM',
          modelName: 'claude',
          modelProvider: 'anthropic',
          usage: { inputTokens: 20 * (n + 1), outputTokens: 1, totalTokens: 20 * (n + 1) + 1 },
        }),
      ];
      return {
        traceId,
        experimentId: exp,
        spans,
        earliestStartMs: startMs,
        root: { spanId: `${n}-agent`, name: n < 2 ? 'chat' : 'search', state: n % 2 ? 'ERROR' : 'OK', executionDurationMs: 100 * (n + 1) },
        tags: {},
        metadata: { 'mlflow.trace.session': `s-${n % 2}` },
      };
    };
    const query = (over: Partial<TraceMetricsQuery>): TraceMetricsQuery => ({
      experimentIds: [exp],
      view: 'TRACES',
      metric: 'trace_count',
      aggregations: [agg('COUNT')],
      dimensions: [],
      filters: [],
      page: { offset: 0, limit: 100 },
      ...over,
    });
    const seed = async () => {
      // Traces 0..3, two per hour; each trace's spans arrive in two requests, the LLM span first and sent twice.
      for (let n = 0; n < 4; n++) {
        const b = trace(n, T0 + Math.floor(n / 2) * HOUR + n * 1000);
        await s.traces.ingestSpans({ ...b, spans: b.spans.slice(2), root: undefined } as SpanBatch);
        await s.traces.ingestSpans({ ...b, spans: b.spans.slice(2), root: undefined } as SpanBatch);
        await s.traces.ingestSpans(b);
      }
    };

    it('sums token usage and cost per trace from its spans, never twice, and shows them as MLflow metadata would', async () => {
      await seed();
      const t = await s.traces.getTrace(`tr-${'3'.padStart(32, '0')}`);
      expect(t?.usage).toEqual({ inputTokens: 90, outputTokens: 6, totalTokens: 96 });
      expect(t?.cost).toEqual({ inputCost: 0.01, outputCost: 0.02, totalCost: 0.03 });
      // The client's own totals win, for good: its token counts, and its cost on its own, so a client
      // that counts tokens but prices nothing keeps the cost its spans were priced at.
      const finish = (over: Partial<TraceRecord>) =>
        s.traces.upsertTraceInfo({ traceId: t?.traceId as string, experimentId: exp, requestTimeMs: T0, state: 'OK', tags: {}, metadata: {}, ...over });
      await finish({ usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } });
      await s.traces.ingestSpans(trace(3, T0 + HOUR + 3000));
      expect(await s.traces.getTrace(t?.traceId as string)).toMatchObject({
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
        cost: { inputCost: 0.01, outputCost: 0.02, totalCost: 0.03 },
      });
      await finish({ cost: { totalCost: 0.5 } });
      await s.traces.ingestSpans(trace(3, T0 + HOUR + 3000));
      const final = await s.traces.getTrace(t?.traceId as string);
      expect(final?.usage).toEqual({ inputTokens: 1, outputTokens: 2, totalTokens: 3 });
      expect(final?.cost).toEqual({ totalCost: 0.5 });
    });

    it('counts, sums, averages and takes percentiles, by time bucket and dimension', async () => {
      await seed();
      const run = (over: Partial<TraceMetricsQuery>) => s.traces.queryTraceMetrics(query(over)).then((r) => r.points);
      expect(await run({})).toEqual([{ dimensions: {}, values: { COUNT: 4 } }]);
      expect(await run({ bucketMs: HOUR, range: { startMs: T0, endMs: T0 + 2 * HOUR } })).toEqual([
        { bucketStartMs: T0, dimensions: {}, values: { COUNT: 2 } },
        { bucketStartMs: T0 + HOUR, dimensions: {}, values: { COUNT: 2 } },
      ]);
      expect(await run({ dimensions: ['trace_status', 'trace_name'] })).toEqual([
        { dimensions: { trace_status: 'ERROR', trace_name: 'chat' }, values: { COUNT: 1 } },
        { dimensions: { trace_status: 'ERROR', trace_name: 'search' }, values: { COUNT: 1 } },
        { dimensions: { trace_status: 'OK', trace_name: 'chat' }, values: { COUNT: 1 } },
        { dimensions: { trace_status: 'OK', trace_name: 'search' }, values: { COUNT: 1 } },
      ]);
      // Latencies 100, 200, 300, 400 ms.
      const [latency] = await run({
        metric: 'latency',
        aggregations: [agg('AVG'), agg('MIN'), agg('MAX'), agg('SUM'), agg('PERCENTILE', 50), agg('PERCENTILE', 95)],
      });
      expect(latency?.values).toEqual({ AVG: 250, MIN: 100, MAX: 400, SUM: 1000, P50: 250, P95: 385 });
      const [tokens] = await run({ metric: 'input_tokens', aggregations: [agg('SUM')] });
      expect(tokens?.values).toEqual({ SUM: 4 * 10 + 20 + 40 + 60 + 80 });
      expect(await run({ metric: 'session_count' })).toEqual([{ dimensions: {}, values: { COUNT: 2 } }]);
      // Spans: cost by model, latency by span name, counts by type.
      expect(await run({ view: 'SPANS', metric: 'total_cost', aggregations: [agg('SUM'), agg('COUNT')], dimensions: ['span_model_name'] })).toEqual([
        { dimensions: { span_model_name: 'claude' }, values: { SUM: null, COUNT: 0 } },
        { dimensions: { span_model_name: 'gpt-4o' }, values: { SUM: expect.closeTo(0.12, 10), COUNT: 4 } },
        { dimensions: { span_model_name: null }, values: { SUM: null, COUNT: 0 } },
      ]);
      expect(await run({ view: 'SPANS', metric: 'span_count', dimensions: ['span_type'] })).toEqual([
        { dimensions: { span_type: 'AGENT' }, values: { COUNT: 4 } },
        { dimensions: { span_type: 'LLM' }, values: { COUNT: 8 } },
      ]);
      const [llmLatency] = await run({ view: 'SPANS', metric: 'latency', aggregations: [agg('AVG')], filters: [{ on: 'span', field: 'type', value: 'LLM' }] });
      expect(llmLatency?.values).toEqual({ AVG: 20 });
    });

    it('filters on trace status, tags, metadata, spans and assessments, in every view', async () => {
      await seed();
      const ids = [0, 1, 2, 3].map((n) => `tr-${String(n).padStart(32, '0')}`);
      await s.traces.setTraceTag(ids[2] as string, 'env', 'prod');
      const feedback = {
        kind: 'feedback' as const,
        sourceType: 'HUMAN' as const,
        sourceId: 'u',
        createTimeMs: T0 + 5,
        lastUpdateTimeMs: T0 + 5,
        metadata: {},
        valid: true,
      };
      await s.assessments.createAssessment({ ...feedback, assessmentId: 'a-1', traceId: ids[0] as string, name: 'helpful', value: 'true' });
      await s.assessments.createAssessment({ ...feedback, assessmentId: 'a-2', traceId: ids[1] as string, name: 'helpful', value: '"no"' });
      await s.assessments.createAssessment({ ...feedback, assessmentId: 'a-3', traceId: ids[2] as string, name: 'helpful', value: 'false' });
      await s.assessments.createAssessment({ ...feedback, assessmentId: 'a-4', traceId: ids[2] as string, name: 'helpful', value: 'true', overrides: 'a-3' });
      await s.assessments.createAssessment({ ...feedback, assessmentId: 'a-5', traceId: ids[3] as string, name: 'score', value: '4' });
      const count = async (over: Partial<TraceMetricsQuery>) => (await s.traces.queryTraceMetrics(query(over))).points[0]?.values.COUNT ?? 0;
      expect(await count({ filters: [{ on: 'trace', field: 'status', value: 'ERROR' }] })).toBe(2);
      expect(await count({ filters: [{ on: 'trace', field: 'tag', key: 'env', value: 'prod' }] })).toBe(1);
      expect(await count({ filters: [{ on: 'trace', field: 'metadata', key: 'mlflow.trace.session', value: 's-1' }] })).toBe(2);
      expect(await count({ filters: [{ on: 'span', field: 'name', value: 'llm-a' }] })).toBe(4);
      expect(await count({ filters: [{ on: 'assessment', field: 'name', value: 'score' }] })).toBe(1);
      expect(
        await count({
          view: 'SPANS',
          metric: 'span_count',
          filters: [
            { on: 'trace', field: 'status', value: 'OK' },
            { on: 'span', field: 'type', value: 'LLM' },
          ],
        }),
      ).toBe(4);
      // Assessments: only current ones; values as numbers (true/yes 1, false/no 0).
      const byName = await s.traces.queryTraceMetrics(
        query({ view: 'ASSESSMENTS', metric: 'assessment_count', dimensions: ['assessment_name', 'assessment_value'] }),
      );
      expect(byName.points).toEqual([
        { dimensions: { assessment_name: 'helpful', assessment_value: 'no' }, values: { COUNT: 1 } },
        { dimensions: { assessment_name: 'helpful', assessment_value: 'true' }, values: { COUNT: 2 } },
        { dimensions: { assessment_name: 'score', assessment_value: '4' }, values: { COUNT: 1 } },
      ]);
      const avg = await s.traces.queryTraceMetrics(
        query({ view: 'ASSESSMENTS', metric: 'assessment_value', aggregations: [agg('AVG')], dimensions: ['assessment_name'] }),
      );
      expect(avg.points).toEqual([
        { dimensions: { assessment_name: 'helpful' }, values: { AVG: 2 / 3 } },
        { dimensions: { assessment_name: 'score' }, values: { AVG: 4 } },
      ]);
      expect(await count({ view: 'ASSESSMENTS', metric: 'assessment_count', filters: [{ on: 'trace', field: 'status', value: 'ERROR' }] })).toBe(2);
    });

    it('narrows every view by a trace search filter (monitors)', async () => {
      await seed();
      const ids = [0, 1, 2, 3].map((n) => `tr-${String(n).padStart(32, '0')}`);
      await s.traces.setTraceTag(ids[1] as string, 'env', 'prod');
      await s.traces.setTraceTag(ids[2] as string, 'env', 'prod');
      await s.assessments.createAssessment({
        kind: 'feedback',
        sourceType: 'LLM_JUDGE',
        sourceId: 'j',
        createTimeMs: T0,
        lastUpdateTimeMs: T0,
        metadata: {},
        valid: true,
        assessmentId: 'a-prod',
        traceId: ids[2] as string,
        name: 'helpful',
        value: 'true',
      });
      const prod = parseTraceFilter("tag.env = 'prod'");
      const value = async (over: Partial<TraceMetricsQuery>, label = 'COUNT') => (await s.traces.queryTraceMetrics(query(over))).points[0]?.values[label];
      expect(await value({ traceFilter: prod })).toBe(2);
      expect(await value({ traceFilter: parseTraceFilter("tag.env = 'prod' AND trace.status = 'ERROR'") })).toBe(1);
      expect(await value({ traceFilter: parseTraceFilter('execution_time_ms > 250') })).toBe(2);
      expect(await value({ metric: 'latency', aggregations: [agg('MAX')], traceFilter: prod }, 'MAX')).toBe(300);
      expect(await value({ view: 'SPANS', metric: 'span_count', traceFilter: prod })).toBe(6);
      expect(await value({ view: 'ASSESSMENTS', metric: 'assessment_count', traceFilter: parseTraceFilter("tag.env = 'dev'") })).toBe(0);
      expect(await value({ view: 'ASSESSMENTS', metric: 'assessment_count', traceFilter: prod })).toBe(1);
    });

    it('pages through groups in order', async () => {
      await seed();
      const page = (offset: number) =>
        s.traces.queryTraceMetrics(query({ view: 'SPANS', metric: 'span_count', dimensions: ['span_name'], page: { offset, limit: 2 } }));
      const first = await page(0);
      const second = await page(2);
      expect(first.hasMore).toBe(true);
      expect(second.hasMore).toBe(false);
      expect([...first.points, ...second.points].map((p) => p.dimensions.span_name)).toEqual(['agent', 'llm-a', 'llm-b']);
    });
  });
}
