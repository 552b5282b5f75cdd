/* global window, document, requestAnimationFrame, PerformanceObserver -- the probes run in the browser page (addInitScript, evaluate). */
// The web UI on one 100,000-span trace, in Debian's Chromium (playwright-core). Everything is measured
// on screen, not in the DOM: a row counts when its rect intersects the span tree's scroll viewport and
// its text is laid out (the virtualized list keeps rows above and below the viewport in the DOM too).
//  - cold loads of the trace (fresh browser context each): time from navigation to the first frame
//    with span rows on screen, and to the first frame whose viewport is full of span rows;
//  - cold loads of a link to a span 77,777 spans in (`?span=`): time to the first frame in which that
//    row is entirely inside the viewport and centred (within a row), and whether the first frame that
//    showed any row already showed it so;
//  - scrolling the tree (children read page by page as rows come into view), then a search inside the
//    trace to its first hit on screen.
// Needs the built CLI with its UI (`npm run build`) and /usr/bin/chromium.
// Usage: node bench/ui-huge-trace.mjs [--spans 100000] [--runs 5] [--scroll-steps 60] [--link-timeout-ms 15000]
import { chromium } from 'playwright-core';
import { flags, percentile, report, startServer, postJson } from './lib.mjs';
import { encodeProtobuf, generateTraces } from './otlp-payloads.mjs';

const opts = flags();
const SPANS = Number(opts.spans ?? 100_000);
const RUNS = Number(opts.runs ?? 5);
const SCROLL_STEPS = Number(opts['scroll-steps'] ?? 60);
const LINK_TIMEOUT_MS = Number(opts['link-timeout-ms'] ?? 15_000);
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
const ROW = 28;

// In the page, from navigation on, every animation frame: the span rows on screen, and where the linked
// row (if any) is. Times are the frame's, from navigation start.
const SCREEN_PROBE = ({ spanId, row }) => {
  const p = (window.__probe = { longTasks: [] });
  new PerformanceObserver((l) => p.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  const tick = () => {
    const tree = document.querySelector('[role="tree"]');
    if (tree) {
      const box = tree.getBoundingClientRect();
      const top = box.top + tree.clientTop;
      const bottom = top + tree.clientHeight;
      let visible = 0;
      for (const el of tree.querySelectorAll('[role="treeitem"]')) {
        const r = el.getBoundingClientRect();
        if (r.bottom <= top || r.top >= bottom) continue;
        // Its text laid out: a range over it has an extent.
        const text = document.createRange();
        text.selectNodeContents(el);
        if (el.textContent.trim() && text.getBoundingClientRect().width > 0) visible++;
      }
      const now = performance.now();
      let linked;
      if (spanId) {
        const el = document.getElementById(`span-row-${spanId}`);
        const r = el?.getBoundingClientRect();
        const inside = !!r && r.top >= top && r.bottom <= bottom;
        linked = { inside, centred: inside && Math.abs((r.top + r.bottom) / 2 - (top + bottom) / 2) <= row };
        if (inside && p.linkedVisibleAt === undefined) p.linkedVisibleAt = now;
        if (linked.centred && p.linkedCentredAt === undefined) p.linkedCentredAt = now;
      }
      if (visible > 0 && p.firstRowsAt === undefined) {
        p.firstRowsAt = now;
        p.firstRowsVisible = visible;
        if (linked) p.firstFrameCentred = linked.centred;
      }
      if (visible >= Math.floor((bottom - top) / row) && p.screenFullAt === undefined) p.screenFullAt = now;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

const ms = (v) => (v === undefined ? 'never' : Math.round(v));
const p50 = (values) => {
  const reached = values.filter((v) => v !== undefined);
  return reached.length === values.length ? percentile(reached, 50) : `${reached.length}/${values.length} reached`;
};

async function coldLoad(browser, url, spanId, waitFor) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(SCREEN_PROBE, { spanId, row: ROW });
  await page.goto(url);
  await page.waitForFunction((key) => window.__probe?.[key] !== undefined, waitFor, { timeout: spanId ? LINK_TIMEOUT_MS : 30_000 }).catch(() => {});
  const probe = await page.evaluate(() => window.__probe);
  await context.close();
  return probe;
}

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

    // Opening the trace, then a link to a span deep in it, alternating, each in a fresh context.
    const opens = [];
    const links = [];
    for (let r = 0; r < RUNS; r++) {
      opens.push(await coldLoad(browser, url, undefined, 'screenFullAt'));
      links.push(await coldLoad(browser, `${url}?span=${deepSpan}`, deepSpan, 'linkedCentredAt'));
    }

    // Scroll the tree: each step moves 20 rows; children are read as their rows come into view.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(SCREEN_PROBE, { spanId: undefined, row: ROW });
    await page.goto(url);
    await page.waitForFunction(() => window.__probe?.screenFullAt !== undefined);
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
    // Until the rows on screen are spans, not "Loading" rows.
    await page
      .waitForFunction(
        () => {
          const tree = document.querySelector('[role="tree"]');
          const box = tree.getBoundingClientRect();
          return [...tree.firstElementChild.children]
            .filter((c) => c.getBoundingClientRect().bottom > box.top && c.getBoundingClientRect().top < box.bottom)
            .every((c) => c.querySelector('[role="treeitem"]'));
        },
        null,
        { timeout: 30_000 },
      )
      .catch(() => {});
    const scrollSeconds = (performance.now() - t0) / 1000;
    const longTasks = await page.evaluate(() => window.__probe.longTasks);
    const onScreen = await page.evaluate(() => {
      const tree = document.querySelector('[role="tree"]');
      const box = tree.getBoundingClientRect();
      const names = [...tree.querySelectorAll('[role="treeitem"]')]
        .filter((e) => e.getBoundingClientRect().bottom > box.top && e.getBoundingClientRect().top < box.bottom)
        .map((e) => e.getAttribute('aria-label').split(',')[0]);
      return { count: names.length, first: names[0], last: names.at(-1), rowsScrolled: Math.round(tree.scrollTop / 28) };
    });

    // Search inside the trace, to the first hit on screen.
    const searchStart = performance.now();
    await page.getByLabel('Search spans').fill('-77777');
    await page.getByRole('list', { name: 'Matching spans' }).getByRole('button').first().waitFor();
    const searchMs = performance.now() - searchStart;
    await context.close();

    return [
      report(`UI, ${SPANS}-span trace: first frame with span rows on screen after navigation (${RUNS} cold loads)`, {
        p50_ms: p50(opens.map((o) => o.firstRowsAt)),
        max_ms: ms(Math.max(...opens.map((o) => o.firstRowsAt ?? Infinity))),
        rows_on_screen: opens.map((o) => o.firstRowsVisible).join(','),
      }),
      report(`UI, ${SPANS}-span trace: first frame with the tree's viewport full of span rows`, {
        p50_ms: p50(opens.map((o) => o.screenFullAt)),
        max_ms: ms(Math.max(...opens.map((o) => o.screenFullAt ?? Infinity))),
      }),
      report(`UI, ${SPANS}-span trace: link to span 77,777 (?span=), first frame with that row entirely on screen and centred (${RUNS} cold loads)`, {
        p50_ms: p50(links.map((l) => l.linkedCentredAt)),
        max_ms: ms(Math.max(...links.map((l) => l.linkedCentredAt ?? Infinity))),
        entirely_visible_p50_ms: p50(links.map((l) => l.linkedVisibleAt)),
        first_rows_p50_ms: p50(links.map((l) => l.firstRowsAt)),
        first_frame_centred: links.map((l) => (l.firstFrameCentred ? 'yes' : 'no')).join(','),
      }),
      report(`UI, ${SPANS}-span trace: scroll ${SCROLL_STEPS} steps of 20 rows`, {
        seconds: scrollSeconds,
        step_p50_ms: percentile(steps, 50),
        step_p95_ms: percentile(steps, 95),
        rows_scrolled: onScreen.rowsScrolled,
        span_rows_on_screen: onScreen.count,
        on_screen: JSON.stringify(`${onScreen.first} .. ${onScreen.last}`),
        long_tasks: longTasks.length,
        longest_task_ms: longTasks.length ? Math.max(...longTasks) : 0,
      }),
      report(`UI, ${SPANS}-span trace: search inside the trace to first result`, { ms: searchMs }),
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
