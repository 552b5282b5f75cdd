// Online scoring keeping up with live traffic. Traces arrive at --rate per second (100) for --seconds
// (60), one trace of 10 spans per OTLP request as MLflow's SDKs send them; a registered `make_judge`
// judge samples --sample-rate (1.0) of them through a gateway endpoint whose model, the fake judge in a
// process of its own, answers after --latency ms (200). The server looks for new traces every second and
// waits 1 s after a trace ends (LOUPE_ONLINE_SCORING_INTERVAL_MS / _SETTLE_MS), so a verdict can come
// about 1-2 s after its trace at best. Reports the judgements per second over the sending window and
// over the whole run, the backlog (traces sent but not judged) at its peak and at the end of sending,
// the lag from a trace's end to its verdict (p50, p95, max) in the first and the last 10 s of sending
// (a runner that keeps up has the same lag at the end as at the start), and how long the last
// judgements took after sending stopped. Server CPU and peak RSS too.
//   node bench/online-scoring.mjs [--rate 100] [--seconds 60] [--latency 200] [--sample-rate 1]
//                                 [--backend-store-uri URI] [--job-concurrency N]
import http from 'node:http';
import { assessmentCount, judgeCalls, ONLINE_SCORING_SERVER, registerOnlineJudge, startFakeJudge } from './judge-fixtures.mjs';
import { cpuSeconds, flags, peakRssMb, percentile, postJson, report, startServer } from './lib.mjs';
import { otlpBodies, postOtlp } from './otlp-send.mjs';

const opts = flags();
const RATE = Number(opts.rate ?? 100);
const SECONDS = Number(opts.seconds ?? 60);
const LATENCY_MS = Number(opts.latency ?? 200);
const SAMPLE_RATE = Number(opts['sample-rate'] ?? 1);
const NAME = 'polite';
const args = [...ONLINE_SCORING_SERVER.args, ...(opts['backend-store-uri'] ? ['--backend-store-uri', opts['backend-store-uri']] : [])];
const env = { ...ONLINE_SCORING_SERVER.env, ...(opts['job-concurrency'] ? { LOUPE_JOB_CONCURRENCY: String(opts['job-concurrency']) } : {}) };
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Every trace of the experiment: its end time and its verdict's time (undefined while unjudged). */
async function verdictTimes(url, experimentId) {
  const out = [];
  let token;
  do {
    const { body } = await postJson(`${url}/api/3.0/mlflow/traces/search`, {
      experiment_ids: [experimentId],
      max_results: 500,
      ...(token ? { page_token: token } : {}),
    });
    for (const t of body.traces ?? []) {
      const end = Date.parse(t.request_time) + Number(String(t.execution_duration ?? '0s').replace('s', '')) * 1000;
      const verdict = (t.assessments ?? []).find((a) => a.assessment_name === NAME);
      out.push({ end, verdictAt: verdict ? Date.parse(verdict.create_time) : undefined });
    }
    token = body.next_page_token;
  } while (token);
  return out;
}

export async function run() {
  const fake = await startFakeJudge(LATENCY_MS);
  const server = await startServer(args, { env });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const experimentId = (await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: 'online-scoring' })).body.experiment_id;
    await registerOnlineJudge(server.url, fake, experimentId, { name: NAME, sampleRate: SAMPLE_RATE });
    const cpu0 = cpuSeconds(server.pid).total;
    const start = Date.now() + 500;
    const samples = [];
    let sent = 0;
    let failed = 0;
    const inFlight = new Set();
    // One second of traffic at a time, made just before it is due, each trace stamped with its send time.
    for (let s = 0; s < SECONDS; s++) {
      const secondStart = start + s * 1000;
      const bodies = otlpBodies(RATE, secondStart, { spans: 10, perRequest: 1 });
      for (let i = 0; i < bodies.length; i++) {
        await sleep(secondStart + (i * 1000) / RATE - Date.now());
        const p = postOtlp(agent, server.url, experimentId, bodies[i]).then(
          () => sent++,
          () => failed++,
        );
        inFlight.add(p);
        p.finally(() => inFlight.delete(p));
      }
      samples.push({ at: Date.now(), sent, judged: await assessmentCount(server.url, experimentId, NAME) });
    }
    await Promise.all(inFlight);
    const sendEnd = Date.now();
    const judgedAtEnd = await assessmentCount(server.url, experimentId, NAME);
    // Drain: until every sampled trace is judged (all of them at rate 1), or nothing moved for 15 s.
    const expected = Math.round(sent * SAMPLE_RATE);
    let judged = judgedAtEnd;
    let lastMove = Date.now();
    while (SAMPLE_RATE === 1 ? judged < sent : Date.now() - lastMove < 15_000) {
      await sleep(500);
      const now = await assessmentCount(server.url, experimentId, NAME);
      if (now !== judged) lastMove = Date.now();
      judged = now;
      if (Date.now() - lastMove > 60_000) break;
    }
    const drainS = (lastMove - sendEnd) / 1000;
    const cpuS = cpuSeconds(server.pid).total - cpu0;
    const traces = await verdictTimes(server.url, experimentId);
    const lagOf = (from, to) => traces.filter((t) => t.verdictAt !== undefined && t.end >= from && t.end < to).map((t) => t.verdictAt - t.end);
    const first = lagOf(start, start + 10_000);
    const last = lagOf(start + (SECONDS - 10) * 1000, start + SECONDS * 1000);
    const backlog = samples.map((x) => x.sent * SAMPLE_RATE - x.judged);
    const steady = samples.filter((x) => x.at - start >= 10_000);
    const steadyRate = steady.length > 1 ? (steady.at(-1).judged - steady[0].judged) / ((steady.at(-1).at - steady[0].at) / 1000) : NaN;
    return report(`online-scoring ${RATE} traces/s x ${SECONDS} s, sample ${SAMPLE_RATE}, judge ${LATENCY_MS} ms`, {
      sent,
      send_errors: failed,
      judged,
      expected_about: expected,
      judge_calls: await judgeCalls(fake),
      judged_per_s_steady: steadyRate,
      backlog_peak: Math.max(...backlog),
      backlog_at_send_end: sent * SAMPLE_RATE - judgedAtEnd,
      lag_first10s_p50_ms: percentile(first, 50),
      lag_first10s_p95_ms: percentile(first, 95),
      lag_last10s_p50_ms: percentile(last, 50),
      lag_last10s_p95_ms: percentile(last, 95),
      lag_max_ms: Math.max(...traces.filter((t) => t.verdictAt).map((t) => t.verdictAt - t.end)),
      drain_after_send_s: drainS,
      server_cpu_s: cpuS,
      peak_rss_mb: peakRssMb(server.pid),
      keeps_up: SAMPLE_RATE === 1 ? (steadyRate >= RATE * 0.95 && percentile(last, 95) <= percentile(first, 95) * 2 + 1000 ? 'yes' : 'NO') : 'n/a',
    });
  } finally {
    agent.destroy();
    await server.stop();
    await fake.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
