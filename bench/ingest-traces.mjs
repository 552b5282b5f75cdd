// OTLP/HTTP protobuf ingest: 10,000 traces x 10 spans from 8 concurrent senders (SDK-made spans,
// official serializer). Reports spans/s, request latency percentiles and the server's peak RSS.
// Usage: node bench/ingest-traces.mjs [--traces 10000] [--spans 10] [--senders 8] [--traces-per-request 10]
//                                     [--backend-store-uri URI] [--seq-ids true]
//   --seq-ids true: time-ordered trace ids instead of random ones (what an integer surrogate key would give the indexes).
import { cpuSeconds, flags, peakRssMb, percentile, postJson, report, startServer } from './lib.mjs';
import { countTraces, otlpBodies, sendAll } from './otlp-send.mjs';

const opts = flags();
const TRACES = Number(opts.traces ?? 10_000);
const SPANS = Number(opts.spans ?? 10);
const SENDERS = Number(opts.senders ?? 8);
const PER_REQUEST = Number(opts['traces-per-request'] ?? 10);
const SEQ_IDS = opts['seq-ids'] === 'true';
const args = opts['backend-store-uri'] ? ['--backend-store-uri', opts['backend-store-uri']] : [];

const payloads = (count, startMs) => otlpBodies(count, startMs, { spans: SPANS, perRequest: PER_REQUEST, seqIds: SEQ_IDS });
const send = (url, exp, bodies, latencies) => sendAll(url, exp, bodies, latencies, SENDERS);

export async function run() {
  const warm = payloads(200, Date.now() - 3_600_000);
  const bodies = payloads(TRACES, Date.now() - TRACES * 10);
  const bytes = bodies.reduce((n, b) => n + b.byteLength, 0);
  const server = await startServer(args);
  try {
    const { body } = await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: `ingest-${Date.now()}` });
    const exp = body.experiment_id;
    await send(server.url, exp, warm, []);

    const latencies = [];
    const cpu0 = cpuSeconds(server.pid);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    await send(server.url, exp, bodies, latencies);
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuSeconds(server.pid);
    const client = process.cpuUsage(client0);

    // Everything sent is stored: count the traces through the search API.
    const stored = await countTraces(postJson, server.url, exp);
    if (stored !== TRACES + 200) throw new Error(`expected ${TRACES + 200} traces stored, found ${stored}`);

    return [
      report(
        `OTLP ingest ${TRACES} traces x ${SPANS} spans, ${SENDERS} senders, ${PER_REQUEST} traces/request${opts['backend-store-uri'] ? ' (PostgreSQL)' : ' (SQLite)'}`,
        {
          requests: latencies.length,
          spans_per_s: (TRACES * SPANS) / seconds,
          p50_ms: percentile(latencies, 50),
          p99_ms: percentile(latencies, 99),
          payload_mb: bytes / 1e6,
          peak_rss_mb: peakRssMb(server.pid),
          // Server CPU per 1,000 spans, on its main thread and on the others (decode workers, libuv):
          // steadier than spans/s when other work shares the cores.
          cpu_ms_per_1k_spans: ((cpu1.total - cpu0.total) * 1000) / ((TRACES * SPANS) / 1000),
          main_thread_ms_per_1k_spans: ((cpu1.main - cpu0.main) * 1000) / ((TRACES * SPANS) / 1000),
          // The senders' own CPU: on a 2-core machine it comes out of what the server could use.
          client_cpu_ms_per_1k_spans: (client.user + client.system) / 1000 / ((TRACES * SPANS) / 1000),
        },
      ),
    ];
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
