// `evaluate()` of @loupe/sdk with LLM judges: 1,000 static rows (inputs, outputs, expectations) x 3
// built-in judges (Correctness, RelevanceToQuery, Safety), concurrency 16, against the built CLI on a
// fresh SQLite database, the judges answered by the fake judge (@loupe/fake-providers'
// `installFakeJudge` on a fake OpenAI server) after 50 ms each. Each judge is built as users write it,
// from a model URI with an OpenAI-compatible base URL. Reports the wall time of the evaluate() call,
// rows/s, judge calls, and per row (read back from the server: the row's trace start to its last
// assessment) p50 and p95. Target: <= 15 s for the 1,000 rows.
// The fake judge runs in a process of its own (TypeScript source, loaded through tsx), so this process's
// CPU time is the SDK's: evaluate(), the judges' HTTP calls, trace export and assessment writes.
// `--shared-model`: the three judges share one `judgeModel()` instance (and so its concurrency limit).
//   node bench/evaluate-judges.mjs [--rows 1000] [--concurrency 16] [--latency 50] [--shared-model]
import os from 'node:os';
import { Correctness, RelevanceToQuery, Safety, createLoupe, judgeModel } from '@loupe/sdk';
import { judgeCalls, startFakeJudge } from './judge-fixtures.mjs';
import { cpuSeconds, flags, percentile, postJson, report, startServer } from './lib.mjs';

const opts = flags();
const ROWS = Number(opts.rows ?? 1000);
const CONCURRENCY = Number(opts.concurrency ?? 16);
const LATENCY_MS = Number(opts.latency ?? 50);
const SHARED_MODEL = opts['shared-model'] === true;
const MODEL = 'openai:/gpt-4.1-mini';

/** Static rows of a support assistant, each answer and ground truth a little different. */
function rows(n) {
  return Array.from({ length: n }, (_, i) => ({
    inputs: { question: `Where is my order A${1000 + i}?` },
    outputs: `Order A${1000 + i} shipped with UPS on day ${i % 28}; tracking 1Z${String(i).padStart(6, '0')}.`,
    expectations: { expected_response: `Order A${1000 + i} shipped with UPS.` },
  }));
}

/** Every trace of the run with its assessments (TraceInfoV3 pages, no spans). */
async function runTraces(url, experimentId, runId) {
  const infos = [];
  let token;
  do {
    const page = (
      await postJson(`${url}/api/3.0/mlflow/traces/search`, {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter: `attribute.run_id = '${runId}'`,
        max_results: 500,
        ...(token ? { page_token: token } : {}),
      })
    ).body;
    infos.push(...(page.traces ?? []));
    token = page.next_page_token;
  } while (token);
  return infos;
}

export async function run() {
  const server = await startServer();
  const fake = await startFakeJudge(LATENCY_MS);
  try {
    const experimentId = (await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: 'evaluate-judges' })).body.experiment_id;
    const loupe = createLoupe({ trackingUri: server.url, experimentId, export: { flushOnExit: false } }, {});
    const modelOptions = {
      baseUrl: `${fake.url}/v1`,
      apiKey: 'bench',
      env: {},
      ...(opts['max-model-concurrency'] ? { rateLimit: { maxConcurrency: Number(opts['max-model-concurrency']) } } : {}),
    };
    const judgeOptions = SHARED_MODEL ? { model: judgeModel(MODEL, modelOptions) } : { model: MODEL, modelOptions };
    const scorers = [Correctness(judgeOptions), RelevanceToQuery(judgeOptions), Safety(judgeOptions)];
    const load = os.loadavg();

    const cpu0 = { client: process.cpuUsage(), server: cpuSeconds(server.pid).total, judge: cpuSeconds(fake.pid).total };
    const t0 = performance.now();
    const result = await loupe.evaluate({ data: rows(ROWS), scorers, concurrency: CONCURRENCY, progress: false, summary: false });
    const wallS = (performance.now() - t0) / 1000;
    const clientCpu = process.cpuUsage(cpu0.client);
    const serverCpuS = cpuSeconds(server.pid).total - cpu0.server;
    const judgeCpuS = cpuSeconds(fake.pid).total - cpu0.judge;
    const calls = await judgeCalls(fake);

    const errors = result.rows.flatMap((r) => Object.values(r.feedback).filter((f) => f.error)).length;
    const traces = await runTraces(server.url, experimentId, result.runId);
    const perRow = traces.map((t) => Math.max(...(t.assessments ?? []).map((a) => Date.parse(a.create_time))) - Date.parse(t.request_time));
    await loupe.shutdown();
    return report('evaluate-judges', {
      rows: ROWS,
      judges: scorers.length,
      model: SHARED_MODEL ? 'shared' : 'per-judge',
      concurrency: CONCURRENCY,
      judge_latency_ms: LATENCY_MS,
      wall_s: wallS,
      rows_per_s: ROWS / wallS,
      judge_calls: calls,
      judge_errors: errors,
      traces: traces.length,
      row_p50_ms: percentile(perRow, 50),
      row_p95_ms: percentile(perRow, 95),
      // CPU seconds during the evaluate() call: this process (the SDK), the server, the fake judge.
      sdk_cpu_s: (clientCpu.user + clientCpu.system) / 1e6,
      server_cpu_s: serverCpuS,
      fake_judge_cpu_s: judgeCpuS,
      load_1m_before: load[0],
      target: wallS <= 15 ? 'met (<= 15 s)' : 'MISSED (> 15 s)',
    });
  } finally {
    await fake.stop();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
