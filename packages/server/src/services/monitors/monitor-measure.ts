import { parseTraceFilter, readVerdict, type MonitorMetric } from '@loupe/protocol';
import type { MonitorRule } from '../../store/monitor-store.js';
import type { TraceMetricsPage, TraceMetricsRequest } from '../traces/trace-metrics.js';

/** What a monitor reads its metric through: QueryTraceMetrics (`TraceService.metrics`). */
export interface TraceMetricsSource {
  metrics(req: TraceMetricsRequest): Promise<TraceMetricsPage>;
}

/** A metric over a window: its value (absent when nothing was there to aggregate) and how many samples it saw. */
export interface Measurement {
  value?: number;
  samples: number;
}

type Query = Omit<TraceMetricsRequest, 'experimentIds' | 'range' | 'limit' | 'traceFilter'>;

const PERCENTILES: Partial<Record<MonitorMetric, number>> = { latency_p50: 50, latency_p95: 95, latency_p99: 99 };

/** Value metrics: QueryTraceMetrics' TRACES view, COUNT (of traces having the value) then the aggregation. */
const VALUE_QUERIES: Partial<Record<MonitorMetric, Query>> = {
  avg_cost: { view: 'TRACES', metric: 'total_cost', aggregations: [{ type: 'COUNT' }, { type: 'AVG' }], dimensions: [], filters: [] },
  total_cost: { view: 'TRACES', metric: 'total_cost', aggregations: [{ type: 'COUNT' }, { type: 'SUM' }], dimensions: [], filters: [] },
  avg_tokens: { view: 'TRACES', metric: 'total_tokens', aggregations: [{ type: 'COUNT' }, { type: 'AVG' }], dimensions: [], filters: [] },
};

/** A judge's value counts as a pass when it reads as one (yes, true, pass, passed: as the UI's charts read it) or is the number 1. */
function passes(valueText: string): boolean {
  const verdict = readVerdict(valueText);
  return verdict?.kind === 'pass' || (verdict?.kind === 'number' && verdict.value === 1);
}

/**
 * Measures a monitor's metric over `[now - window, now]` (traces by request time; scores by their
 * trace's) with QueryTraceMetrics, narrowed by the monitor's trace filter: error rate from trace counts
 * by status, latency percentiles, cost and token aggregates, trace count, and a judge's average score or
 * pass rate over its current scores. Samples are the traces (or scores) the value was computed from.
 *
 * @example
 * const { value, samples } = await measureMonitor(traces, '1', rule, clock.now());
 */
export async function measureMonitor(source: TraceMetricsSource, experimentId: string, rule: MonitorRule, now: number): Promise<Measurement> {
  const base = {
    experimentIds: [experimentId],
    range: { startMs: now - rule.windowMs, endMs: now },
    limit: 1000,
    ...(rule.filterString ? { traceFilter: parseTraceFilter(rule.filterString) } : {}),
  };
  const run = async (q: Query) => (await source.metrics({ ...base, ...q })).points;
  const judge = [{ on: 'assessment' as const, field: 'name' as const, value: rule.assessmentName ?? '' }];
  switch (rule.metric) {
    case 'error_rate': {
      const points = await run({ view: 'TRACES', metric: 'trace_count', aggregations: [{ type: 'COUNT' }], dimensions: ['trace_status'], filters: [] });
      const count = (p: (typeof points)[number]) => p.values.COUNT ?? 0;
      const total = points.reduce((sum, p) => sum + count(p), 0);
      const errors = points.filter((p) => p.dimensions.trace_status === 'ERROR').reduce((sum, p) => sum + count(p), 0);
      return total === 0 ? { samples: 0 } : { value: errors / total, samples: total };
    }
    case 'trace_count': {
      const [point] = await run({ view: 'TRACES', metric: 'trace_count', aggregations: [{ type: 'COUNT' }], dimensions: [], filters: [] });
      const n = point?.values.COUNT ?? 0;
      return { value: n, samples: n };
    }
    case 'assessment_avg': {
      const [point] = await run({
        view: 'ASSESSMENTS',
        metric: 'assessment_value',
        aggregations: [{ type: 'COUNT' }, { type: 'AVG' }],
        dimensions: [],
        filters: judge,
      });
      return measured(point?.values.COUNT, point?.values.AVG);
    }
    case 'assessment_pass_rate': {
      const points = await run({
        view: 'ASSESSMENTS',
        metric: 'assessment_count',
        aggregations: [{ type: 'COUNT' }],
        dimensions: ['assessment_value'],
        filters: judge,
      });
      let total = 0;
      let passed = 0;
      for (const p of points) {
        const text = p.dimensions.assessment_value;
        if (text === null || text === undefined) continue; // a judge that failed gave no verdict
        const n = p.values.COUNT ?? 0;
        total += n;
        if (passes(text)) passed += n;
      }
      return total === 0 ? { samples: 0 } : { value: passed / total, samples: total };
    }
    default: {
      const percentile = PERCENTILES[rule.metric];
      const query: Query =
        percentile !== undefined
          ? { view: 'TRACES', metric: 'latency', aggregations: [{ type: 'COUNT' }, { type: 'PERCENTILE', percentile }], dimensions: [], filters: [] }
          : (VALUE_QUERIES[rule.metric] as Query);
      const [point] = await run(query);
      const label = percentile !== undefined ? `P${percentile.toFixed(1)}` : (query.aggregations[1]?.type as string);
      return measured(point?.values.COUNT, point?.values[label]);
    }
  }
}

function measured(count: number | null | undefined, value: number | null | undefined): Measurement {
  const samples = count ?? 0;
  return value === null || value === undefined || samples === 0 ? { samples } : { value, samples };
}
