/* global window, document, requestAnimationFrame, PerformanceObserver -- the probes run in the browser page (addInitScript, evaluate). */
// The web UI on one evaluation run of 1,000 rows x 3 scorers, in Debian's Chromium (playwright-core).
// Seeds, over the REST API, a run tagged mlflow.runType = genai_evaluate with 1,000 traces (metadata
// mlflow.sourceRun), each with an expectation and three feedback assessments (a yes/no judge with a
// rationale, a number, a boolean judge erroring on 1% of rows), and the run's `<scorer>/mean` metrics.
// Then, in fresh browser contexts (nothing cached), measures from navigation to the run's page until
// the table is interactive: the first frame with row text laid out inside the table's viewport AND the
// row count reading "1,000 rows" (all pages of traces read and shaped). Also: the traces/search
// requests it took, long tasks, and a sort by a scorer (click to the second frame after it).
// Needs the built CLI with its UI (`npm run build`) and /usr/bin/chromium.
// Usage: node bench/ui-eval-run.mjs [--rows 1000] [--runs 7]
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { flags, percentile, postJson, report, startServer } from './lib.mjs';

const opts = flags();
const ROWS = Number(opts.rows ?? 1000);
const RUNS = Number(opts.runs ?? 7);
const CHROMIUM = opts.chromium ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

// Every animation frame from navigation on: rows on screen in the evaluation table, and the row count.
const PROBE = ({ expected }) => {
  const p = (window.__probe = { longTasks: [] });
  new PerformanceObserver((l) => p.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  const tick = () => {
    const table = document.querySelector('[role="table"][aria-label="Evaluation rows"]');
    if (table && p.interactiveAt === undefined) {
      const box = table.getBoundingClientRect();
      let visible = 0;
      for (const row of table.querySelectorAll('[role="rowgroup"] + [role="rowgroup"] [role="row"]')) {
        const r = row.getBoundingClientRect();
        if (r.bottom <= box.top || r.top >= box.bottom) continue;
        const text = document.createRange();
        text.selectNodeContents(row);
        if (row.textContent.trim() && text.getBoundingClientRect().width > 0) visible++;
      }
      const now = performance.now();
      if (visible > 0 && p.firstRowsAt === undefined) p.firstRowsAt = now;
      const count = document.querySelector('[data-testid="row-count"]')?.textContent;
      if (visible > 0 && count === expected) {
        p.interactiveAt = now;
        p.rowsOnScreen = visible;
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function post(url, body) {
  const { status, body: json } = await postJson(url, body);
  if (status !== 200) throw new Error(`${url} -> ${status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

export async function seedEvaluation(url, rows) {
  const exp = (await post(`${url}/api/2.0/mlflow/experiments/create`, { name: `ui-eval-${Date.now()}` })).experiment_id;
  const start = Date.now() - 3_600_000;
  const runId = (
    await post(`${url}/api/2.0/mlflow/runs/create`, {
      experiment_id: exp,
      run_name: 'eval-1000',
      start_time: start,
      tags: [{ key: 'mlflow.runType', value: 'genai_evaluate' }],
    })
  ).run.info.run_id;
  const sums = { correctness: 0, relevance: 0, safety: 0, safetyScored: 0 };
  await pool(
    Array.from({ length: rows }, (_, i) => i),
    8,
    async (i) => {
      const traceId = `tr-${randomBytes(16).toString('hex')}`;
      const question = `Question ${i}: how do I configure feature ${i % 37} of the product for team ${i % 11}?`;
      await post(`${url}/api/3.0/mlflow/traces`, {
        trace: {
          trace_info: {
            trace_id: traceId,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: new Date(start + i * 100).toISOString(),
            execution_duration: '1.2s',
            state: 'OK',
            trace_metadata: { 'mlflow.sourceRun': runId },
            tags: { 'mlflow.traceName': 'predict', 'mlflow.eval.requestId': `req-${i}` },
            request_preview: JSON.stringify({ question, context: 'docs'.repeat(20) }),
            response_preview: JSON.stringify({ answer: `To configure feature ${i % 37}, open Settings and ${'follow the steps. '.repeat(12)}` }),
          },
        },
      });
      const assess = (body) =>
        post(`${url}/api/3.0/mlflow/traces/${traceId}/assessments`, {
          assessment: { trace_id: traceId, metadata: { 'mlflow.assessment.sourceRunId': runId }, ...body },
        });
      const correct = i % 4 !== 0;
      const relevance = ((i * 37) % 100) / 100;
      await assess({
        assessment_name: 'expected_response',
        source: { source_type: 'HUMAN', source_id: 'bench' },
        expectation: { value: `Open Settings, feature ${i % 37}.` },
      });
      await assess({
        assessment_name: 'correctness',
        source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' },
        feedback: { value: correct ? 'yes' : 'no' },
        rationale: correct ? 'The response states the steps the expected answer gives.' : 'The response misses the setting the expected answer names.',
      });
      await assess({ assessment_name: 'relevance', source: { source_type: 'CODE', source_id: 'relevance' }, feedback: { value: relevance } });
      await assess(
        i % 100 === 7
          ? {
              assessment_name: 'safety',
              source: { source_type: 'LLM_JUDGE', source_id: 'judge' },
              feedback: { error: { error_code: 'SCORER_ERROR', error_message: 'timeout' } },
            }
          : { assessment_name: 'safety', source: { source_type: 'LLM_JUDGE', source_id: 'judge' }, feedback: { value: true } },
      );
      sums.correctness += correct ? 1 : 0;
      sums.relevance += relevance;
      if (i % 100 !== 7) sums.safetyScored++;
    },
  );
  await post(`${url}/api/2.0/mlflow/runs/log-batch`, {
    run_id: runId,
    metrics: [
      { key: 'correctness/mean', value: sums.correctness / rows, timestamp: start, step: 0 },
      { key: 'relevance/mean', value: sums.relevance / rows, timestamp: start, step: 0 },
      { key: 'safety/mean', value: 1, timestamp: start, step: 0 },
    ],
  });
  await post(`${url}/api/2.0/mlflow/runs/update`, { run_id: runId, status: 'FINISHED', end_time: start + 600_000 });
  return { exp, runId };
}

async function coldLoad(browser, url, expected) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  let searches = 0;
  page.on('request', (r) => {
    if (r.url().includes('/traces/search')) searches++;
  });
  await page.addInitScript(PROBE, { expected });
  await page.goto(url);
  await page.waitForFunction(() => window.__probe?.interactiveAt !== undefined, null, { timeout: 30_000 }).catch(() => {});
  const probe = await page.evaluate(() => {
    // Where the time went: until the first traces/search left, and from then to the last answer's end.
    const searches = performance.getEntriesByType('resource').filter((e) => e.name.includes('/traces/search'));
    return {
      ...window.__probe,
      searchStartAt: searches[0]?.startTime,
      searchEndAt: Math.max(...searches.map((e) => e.responseEnd)),
    };
  });
  // Sorting the 1,000 rows by a scorer: from the click to the second frame after it.
  const sortMs = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const button = document.querySelector('[role="table"][aria-label="Evaluation rows"] button[title="Sort by relevance"]');
        const t0 = performance.now();
        button.click();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      }),
  );
  await context.close();
  return { ...probe, searches, sortMs };
}

export async function run() {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const seedStart = performance.now();
    const { exp, runId } = await seedEvaluation(server.url, ROWS);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const url = `${server.url}/experiments/${exp}/evaluations/${runId}`;
    const expected = `${ROWS.toLocaleString('en-US')} rows`;
    // One warm-up load (the server's first queries), not counted.
    await coldLoad(browser, url, expected);
    const loads = [];
    for (let r = 0; r < RUNS; r++) loads.push(await coldLoad(browser, url, expected));
    const reached = loads.filter((l) => l.interactiveAt !== undefined);
    const longest = Math.max(0, ...loads.flatMap((l) => l.longTasks));
    return [
      report(`UI, evaluation run of ${ROWS} rows x 3 scorers: navigation to table interactive (rows on screen and "${expected}" shown), ${RUNS} cold loads`, {
        p50_ms:
          reached.length === loads.length
            ? percentile(
                reached.map((l) => l.interactiveAt),
                50,
              )
            : `${reached.length}/${loads.length} reached`,
        max_ms: Math.round(Math.max(...loads.map((l) => l.interactiveAt ?? Infinity))),
        first_rows_p50_ms: percentile(
          loads.map((l) => l.firstRowsAt ?? Infinity),
          50,
        ),
        first_search_sent_p50_ms: percentile(
          loads.map((l) => l.searchStartAt ?? Infinity),
          50,
        ),
        searches_p50_ms: percentile(
          loads.map((l) => l.searchEndAt - l.searchStartAt),
          50,
        ),
        rows_on_screen: loads.map((l) => l.rowsOnScreen).join(','),
        traces_search_requests: loads.map((l) => l.searches).join(','),
        longest_task_ms: Math.round(longest),
      }),
      report(`UI, evaluation run of ${ROWS} rows: sort by a scorer, click to second frame`, {
        p50_ms: percentile(
          loads.map((l) => l.sortMs),
          50,
        ),
        seed_seconds: seedSeconds,
      }),
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
