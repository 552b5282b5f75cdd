// QueryTraceMetrics over the 1,000,000 traces `bench/search-traces.mjs --keep DIR` seeded: the queries
// an experiment overview makes (volume, latency percentiles, errors, tokens by model), by hour over
// the last day. Usage: node bench/trace-metrics.mjs --keep DIR [--iterations 10] [--backend-store-uri URI]
import path from 'node:path';
import { flags, report, startServer, timeSearch } from './lib.mjs';

const opts = flags();
const ITERATIONS = Number(opts.iterations ?? 10);

export async function run() {
  const pgUri = opts['backend-store-uri'];
  if (!pgUri && !opts.keep) throw new Error('--keep DIR (a database seeded by bench/search-traces.mjs) or --backend-store-uri is required');
  const uri = pgUri ?? `sqlite:///${path.join(path.resolve(String(opts.keep)), 'traces.db')}`;
  const server = await startServer(['--backend-store-uri', uri], pgUri ? {} : { cwd: path.resolve(String(opts.keep)) });
  try {
    const found = await fetch(`${server.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=trace-search-bench`).then((r) => r.json());
    const exp = found.experiment?.experiment_id;
    if (!exp) throw new Error('no seeded experiment trace-search-bench in this database');
    const now = Date.now();
    const day = { time_interval_seconds: 3600, start_time_ms: now - 86_400_000, end_time_ms: now };
    const queries = [
      ['trace count by hour, last 24 h', { view_type: 'TRACES', metric_name: 'trace_count', aggregations: [{ aggregation_type: 'COUNT' }], ...day }],
      [
        'latency p50 / p95 by hour, last 24 h',
        {
          view_type: 'TRACES',
          metric_name: 'latency',
          aggregations: [
            { aggregation_type: 'PERCENTILE', percentile_value: 50 },
            { aggregation_type: 'PERCENTILE', percentile_value: 95 },
          ],
          ...day,
        },
      ],
      [
        'errors by hour, last 24 h',
        { view_type: 'TRACES', metric_name: 'trace_count', aggregations: [{ aggregation_type: 'COUNT' }], filters: ["trace.status = 'ERROR'"], ...day },
      ],
      [
        'trace count by status, all time',
        { view_type: 'TRACES', metric_name: 'trace_count', aggregations: [{ aggregation_type: 'COUNT' }], dimensions: ['trace_status'] },
      ],
      [
        'LLM span latency avg by hour, last 24 h',
        { view_type: 'SPANS', metric_name: 'latency', aggregations: [{ aggregation_type: 'AVG' }], filters: ["span.type = 'LLM'"], ...day },
      ],
      [
        'feedback count by value, all time',
        {
          view_type: 'ASSESSMENTS',
          metric_name: 'assessment_count',
          aggregations: [{ aggregation_type: 'COUNT' }],
          dimensions: ['assessment_name', 'assessment_value'],
        },
      ],
    ];
    const out = [];
    for (const [name, q] of queries) {
      const r = await timeSearch(
        `${server.url}/api/3.0/mlflow/traces/metrics`,
        { experiment_ids: [exp], ...q },
        { iterations: ITERATIONS, list: 'data_points', warmups: 1 },
      );
      out.push(report(`trace metrics${pgUri ? ' (PostgreSQL)' : ''}: ${name}`, { points: r.returned, p50_ms: r.p50_ms, p95_ms: r.p95_ms }));
    }
    return out;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
