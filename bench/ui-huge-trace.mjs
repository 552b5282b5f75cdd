/* global window, document, requestAnimationFrame, MutationObserver, PerformanceObserver -- these functions run in the browser page (page.evaluate, addInitScript). */
// The web UI on one 100,000-span trace, in Debian's Chromium (playwright-core): time from navigation
// to the first span rows on screen (cold browser cache each run), then scrolling the tree (children read
// page by page as rows come into view), a search inside the trace, and a deep link to a span 77,777
// spans in. Needs the built CLI with its UI (`npm run build`) and /usr/bin/chromium.
// Usage: node bench/ui-huge-trace.mjs [--spans 100000] [--runs 5] [--scroll-steps 60]
import { chromium } from 'playwright-core';
import { flags, percentile, report, startServer, postJson } from './lib.mjs';
import { encodeProtobuf, generateTraces } from './otlp-payloads.mjs';

const opts = flags();
const SPANS = Number(opts.spans ?? 100_000);
const RUNS = Number(opts.runs ?? 5);
const SCROLL_STEPS = Number(opts['scroll-steps'] ?? 60);
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

// Records, in the page, when the first span row is added to the DOM and when the frame holding it is painted.
const FIRST_ROW_PROBE = () => {
  const mark = () => {
    if (window.__firstRow || !document.querySelector('[role="treeitem"]')) return;
    window.__firstRow = performance.now();
    requestAnimationFrame(() => setTimeout(() => (window.__firstRowPainted = performance.now()), 0));
  };
  new MutationObserver(mark).observe(document, { childList: true, subtree: true });
  window.__longTasks = [];
  new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
};

export async function run() {
  let spans = [];
  generateTraces({ traces: 1, spansPerTrace: SPANS, fanOut: 100, startMs: Date.now() - 3_600_000, onTrace: (s) => (spans = s) });
  spans.sort((a, b) => (a.parentSpanContext ? 1 : 0) - (b.parentSpanContext ? 1 : 0));
  const traceId = `tr-${spans[0].spanContext().traceId}`;
  const deepSpan = spans.find((s) => s.name.endsWith('-77777')).spanContext().spanId;
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const { body } = await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: `ui-huge-${Date.now()}` });
    const exp = body.experiment_id;
    for (let i = 0; i < spans.length; i += 5000) {
      const res = await fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp },
        body: encodeProtobuf(spans.slice(i, i + 5000)),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/v1/traces -> ${res.status}`);
    }
    const url = `${server.url}/experiments/${exp}/traces/${traceId}`;

    const firstRows = [];
    const painted = [];
    const breakdown = [];
    for (let r = 0; r < RUNS; r++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(FIRST_ROW_PROBE);
      await page.goto(url);
      await page.waitForFunction(() => window.__firstRowPainted !== undefined, null, { timeout: 30_000 });
      firstRows.push(await page.evaluate(() => window.__firstRow));
      painted.push(await page.evaluate(() => window.__firstRowPainted));
      // Where the time went: the script loaded, and the span pages read before the first rows.
      breakdown.push(
        await page.evaluate(() => {
          const entries = performance.getEntriesByType('resource');
          const script = entries.find((e) => e.name.includes('/assets/') && e.name.endsWith('.js'));
          const spans = entries.filter((e) => e.name.includes('/spans?') && e.responseEnd <= window.__firstRow);
          return {
            script_loaded_ms: Math.round(script?.responseEnd ?? 0),
            span_pages: spans.map((e) => `${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`).join(' '),
          };
        }),
      );
      await context.close();
    }

    // Scroll the tree: each step moves 20 rows; children are read as their rows come into view.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(FIRST_ROW_PROBE);
    await page.goto(url);
    await page.waitForFunction(() => window.__firstRowPainted !== undefined);
    await page.waitForTimeout(500);
    const steps = [];
    const t0 = performance.now();
    for (let i = 0; i < SCROLL_STEPS; i++) {
      const s = performance.now();
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            const el = document.querySelector('[role="tree"]');
            el.scrollTop += 20 * 28;
            requestAnimationFrame(() => requestAnimationFrame(resolve));
          }),
      );
      steps.push(performance.now() - s);
    }
    await page.waitForFunction(() => !document.body.innerText.includes('Loading spans'), null, { timeout: 30_000 }).catch(() => {});
    const scrollSeconds = (performance.now() - t0) / 1000;
    const visible = await page.evaluate(() => [...document.querySelectorAll('[role="treeitem"]')].map((e) => e.getAttribute('aria-label')).slice(-1)[0]);
    const rowsReached = await page.evaluate(() => Math.round(document.querySelector('[role="tree"]').scrollTop / 28));
    const longTasks = await page.evaluate(() => window.__longTasks);

    // Search inside the trace.
    const searchStart = performance.now();
    await page.getByLabel('Search spans').fill('-77777');
    await page.getByRole('list', { name: 'Matching spans' }).getByRole('button').first().waitFor();
    const searchMs = performance.now() - searchStart;

    // A link to a span deep in the trace: the tree reads its ancestors and opens to it.
    const deepStart = performance.now();
    await page.goto(`${url}?span=${deepSpan}`);
    await page.locator(`#span-row-${deepSpan}[aria-selected="true"]`).waitFor({ timeout: 30_000 });
    const deepMs = performance.now() - deepStart;
    await context.close();

    return [
      report(`UI, ${SPANS}-span trace: first span rows in the DOM after navigation (${RUNS} cold loads)`, {
        p50_ms: percentile(firstRows, 50),
        max_ms: Math.max(...firstRows),
      }),
      report(`UI, ${SPANS}-span trace: first paint of span rows`, {
        p50_ms: percentile(painted, 50),
        max_ms: Math.max(...painted),
        last_load: JSON.stringify(breakdown.at(-1)),
      }),
      report(`UI, ${SPANS}-span trace: scroll ${SCROLL_STEPS} steps of 20 rows`, {
        seconds: scrollSeconds,
        step_p50_ms: percentile(steps, 50),
        step_p95_ms: percentile(steps, 95),
        rows_scrolled: rowsReached,
        long_tasks: longTasks.length,
        longest_task_ms: longTasks.length ? Math.max(...longTasks) : 0,
        last_row: JSON.stringify(visible),
      }),
      report(`UI, ${SPANS}-span trace: search inside the trace to first result`, { ms: searchMs }),
      report(`UI, ${SPANS}-span trace: deep link to span 77,777 until selected in the tree`, { ms: deepMs }),
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
