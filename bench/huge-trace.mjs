// One 100,000-span trace: ingest over OTLP protobuf, then the first pages a trace viewer reads through
// Loupe's span-page API (all spans, roots, one span's children, a search inside the trace).
// Usage: node bench/huge-trace.mjs [--spans 100000] [--spans-per-request 5000] [--iterations 30] [--backend-store-uri URI]
import { flags, peakRssMb, percentile, report, rssMb, startServer, postJson } from './lib.mjs';
import { encodeProtobuf, generateTraces } from './otlp-payloads.mjs';

const opts = flags();
const SPANS = Number(opts.spans ?? 100_000);
const PER_REQUEST = Number(opts['spans-per-request'] ?? 5000);
const ITERATIONS = Number(opts.iterations ?? 30);
const args = opts['backend-store-uri'] ? ['--backend-store-uri', opts['backend-store-uri']] : [];

async function timeGet(url, iterations) {
  const times = [];
  let body;
  for (let i = 0; i < iterations + 3; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    body = await res.json();
    if (res.status !== 200) throw new Error(`${url} -> ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
    if (i >= 3) times.push(performance.now() - t0);
  }
  return { times, body };
}

export async function run() {
  // One trace: a root with 100 children, each with ~1,000 descendants below it (fan-out 100 per level).
  let spans = [];
  generateTraces({ traces: 1, spansPerTrace: SPANS, fanOut: 100, startMs: Date.now() - 3_600_000, onTrace: (s) => (spans = s) });
  spans.sort((a, b) => (a.parentSpanContext ? 1 : 0) - (b.parentSpanContext ? 1 : 0));
  const bodies = [];
  for (let i = 0; i < spans.length; i += PER_REQUEST) bodies.push(encodeProtobuf(spans.slice(i, i + PER_REQUEST)));
  const traceId = `tr-${spans[0].spanContext().traceId}`;
  const root = spans.find((s) => !s.parentSpanContext).spanContext().spanId;

  const server = await startServer(args);
  try {
    const { body } = await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: `huge-${Date.now()}` });
    const exp = body.experiment_id;
    const t0 = performance.now();
    for (const b of bodies) {
      const res = await fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp },
        body: b,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/v1/traces -> ${res.status}`);
    }
    const ingestSeconds = (performance.now() - t0) / 1000;
    const rssAfterIngest = rssMb(server.pid);

    const base = `${server.url}/api/3.0/loupe/traces/${traceId}/spans`;
    const first = await timeGet(`${base}?max_results=100`, ITERATIONS);
    if (first.body.spans.length !== 100 || !first.body.next_page_token) throw new Error('first page is not a full page');
    const deep = await timeGet(`${base}?max_results=100&page_token=${encodeURIComponent(first.body.next_page_token)}`, ITERATIONS);
    const roots = await timeGet(`${base}?roots_only=true&view=SUMMARY`, ITERATIONS);
    const children = await timeGet(`${base}?parent_span_id=${root}&view=SUMMARY&max_results=100`, ITERATIONS);
    const search = await timeGet(`${base}?max_results=100&filter=${encodeURIComponent("span.name LIKE '%-77777'")}`, ITERATIONS);
    if (search.body.spans.length !== 1) throw new Error(`search inside the trace found ${search.body.spans.length} spans`);

    // MLflow's whole-trace read, streamed: time to the last byte and the server's RSS afterwards.
    const whole = performance.now();
    const res = await fetch(`${server.url}/api/3.0/mlflow/traces/get?trace_id=${traceId}&allow_partial=true`);
    const bytes = (await res.arrayBuffer()).byteLength;
    const wholeSeconds = (performance.now() - whole) / 1000;
    const rssAfterWhole = rssMb(server.pid);

    const row = (what, { times }) => report(`100k-span trace: ${what}`, { p50_ms: percentile(times, 50), p95_ms: percentile(times, 95) });
    return [
      report(`100k-span trace: ingest ${SPANS} spans in ${bodies.length} OTLP requests${opts['backend-store-uri'] ? ' (PostgreSQL)' : ' (SQLite)'}`, {
        seconds: ingestSeconds,
        spans_per_s: SPANS / ingestSeconds,
        rss_after_ingest_mb: rssAfterIngest,
        peak_rss_mb: peakRssMb(server.pid),
      }),
      report('100k-span trace: whole trace via MLflow traces/get (streamed)', { seconds: wholeSeconds, mb: bytes / 1e6, rss_after_mb: rssAfterWhole }),
      row('first page of 100 spans', first),
      row('second page (keyset token)', deep),
      row('roots, SUMMARY', roots),
      row('first 100 children of the root, SUMMARY with child counts', children),
      row("search inside the trace, span.name LIKE '%-77777'", search),
    ];
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
