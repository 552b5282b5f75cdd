// What production monitoring costs ingest: OTLP ingest of --traces (30,000) traces x 10 spans from 8
// senders, --traces-per-request (10) per request, into a fresh server with monitoring off (no judge)
// and on (a registered `make_judge` judge sampling --sample-rate (0.1) of the traces through a gateway
// endpoint whose model, the fake judge, answers after --latency ms (200), plus an error-rate monitor),
// alternating off/on for --rounds (3) so both see the same machine. The server looks for new traces
// every second and waits 1 s after a trace ends, so the judge works while the ingest runs. Reports
// spans/s of each round, the medians and their ratio (target: on within 5% of off), the server's CPU
// per 1,000 spans (steadier when other processes share the cores), and how many judgements the "on"
// rounds made while the ingest ran.
//   node bench/ingest-monitoring.mjs [--traces 30000] [--traces-per-request 10] [--sample-rate 0.1]
//                                    [--latency 200] [--rounds 3] [--backend-store-uri URI]
import { assessmentCount, ONLINE_SCORING_SERVER, registerOnlineJudge, startFakeJudge } from './judge-fixtures.mjs';
import { cpuSeconds, flags, percentile, postJson, report, startServer } from './lib.mjs';
import { countTraces, otlpBodies, sendAll } from './otlp-send.mjs';

const opts = flags();
const TRACES = Number(opts.traces ?? 30_000);
const PER_REQUEST = Number(opts['traces-per-request'] ?? 10);
const SAMPLE_RATE = Number(opts['sample-rate'] ?? 0.1);
const LATENCY_MS = Number(opts.latency ?? 200);
const ROUNDS = Number(opts.rounds ?? 3);
const SENDERS = 8;
const args = [...ONLINE_SCORING_SERVER.args, ...(opts['backend-store-uri'] ? ['--backend-store-uri', opts['backend-store-uri']] : [])];
const median = (xs) => percentile(xs, 50);

async function round(fake, monitoring) {
  const server = await startServer(args, { env: ONLINE_SCORING_SERVER.env });
  try {
    const experimentId = (await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: 'ingest-monitoring' })).body.experiment_id;
    if (monitoring) {
      await registerOnlineJudge(server.url, fake, experimentId, { name: 'polite', sampleRate: SAMPLE_RATE });
      await postJson(`${server.url}/api/2.0/loupe/monitors`, {
        experiment_id: experimentId,
        name: 'errors',
        metric: 'error_rate',
        comparator: '>',
        threshold: 0.1,
        window_ms: 300_000,
        interval_ms: 60_000,
      });
    }
    await sendAll(server.url, experimentId, otlpBodies(200, Date.now() - 3_600_000, { perRequest: PER_REQUEST }), [], SENDERS);
    // Trace times are now, so the scheduler finds them while the ingest runs.
    const bodies = otlpBodies(TRACES, Date.now(), { perRequest: PER_REQUEST });
    const cpu0 = cpuSeconds(server.pid).total;
    const t0 = performance.now();
    await sendAll(server.url, experimentId, bodies, [], SENDERS);
    const seconds = (performance.now() - t0) / 1000;
    const cpuMsPer1kSpans = ((cpuSeconds(server.pid).total - cpu0) * 1000) / ((TRACES * 10) / 1000);
    const judged = monitoring ? await assessmentCount(server.url, experimentId, 'polite') : 0;
    const stored = await countTraces(postJson, server.url, experimentId);
    if (stored !== TRACES + 200) throw new Error(`expected ${TRACES + 200} traces stored, found ${stored}`);
    return { spansPerS: (TRACES * 10) / seconds, cpuMsPer1kSpans, judged, seconds };
  } finally {
    await server.stop();
  }
}

export async function run() {
  const fake = await startFakeJudge(LATENCY_MS);
  try {
    const off = [];
    const on = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so a drift in the machine's load favours neither.
      const order = r % 2 === 0 ? [false, true] : [true, false];
      for (const monitoring of order) (monitoring ? on : off).push(await round(fake, monitoring));
    }
    const offMedian = median(off.map((x) => x.spansPerS));
    const onMedian = median(on.map((x) => x.spansPerS));
    const offCpu = median(off.map((x) => x.cpuMsPer1kSpans));
    const onCpu = median(on.map((x) => x.cpuMsPer1kSpans));
    return report(`ingest with monitoring off vs on (${TRACES} traces x 10 spans, ${PER_REQUEST}/request, judge sampling ${SAMPLE_RATE} at ${LATENCY_MS} ms)`, {
      off_spans_per_s: off.map((x) => Math.round(x.spansPerS)).join('/'),
      on_spans_per_s: on.map((x) => Math.round(x.spansPerS)).join('/'),
      off_median: offMedian,
      on_median: onMedian,
      on_over_off: onMedian / offMedian,
      // Server CPU per 1,000 spans while the ingest ran (judges included): steadier than spans/s when
      // other work shares the cores.
      off_cpu_ms_per_1k_spans: off.map((x) => Math.round(x.cpuMsPer1kSpans)).join('/'),
      on_cpu_ms_per_1k_spans: on.map((x) => Math.round(x.cpuMsPer1kSpans)).join('/'),
      cpu_on_over_off: onCpu / offCpu,
      judged_during_ingest: on.map((x) => x.judged).join('/'),
      target: onMedian >= offMedian * 0.95 ? 'met (within 5%)' : 'MISSED (more than 5% slower)',
      cpu_target: onCpu <= offCpu * 1.05 ? 'met (within 5%)' : 'MISSED (more than 5% more CPU)',
    });
  } finally {
    await fake.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
