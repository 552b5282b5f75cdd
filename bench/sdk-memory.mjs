// Memory of the SDK during a 1,000,000-span burst against a slow server: a proxy in front of the real
// server answers each request after a delay. The export queue is bounded, so the heap must stay flat
// and the dropped spans are counted; the process must not crash, and what was queued still arrives.
//   node --expose-gc bench/sdk-memory.mjs [--spans 1000000] [--delay-ms 2000]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { createLoupe } from '@loupe/sdk';
import { postJson, report, startServer } from './lib.mjs';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '1000000' }, 'delay-ms': { type: 'string', default: '2000' } } });
const SPANS = Number(values.spans);
const DELAY_MS = Number(values['delay-ms']);

/** A proxy that forwards each request to `target` after `delayMs`. */
function slowProxy(target, delayMs) {
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () =>
      setTimeout(() => {
        const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      }, delayMs),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })),
  );
}

const mb = (n) => n / 1024 / 1024;

export async function run() {
  const server = await startServer();
  const proxy = await slowProxy(server.url, DELAY_MS);
  try {
    const exp = (await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: 'sdk-memory' })).body.experiment_id;
    const loupe = createLoupe({ trackingUri: proxy.url, experimentId: exp, export: { flushOnExit: false, flushTimeoutMs: 120_000 } }, {});
    const step = loupe.trace((i, payload) => ({ i, size: payload.length }), { name: 'step', spanType: 'TOOL' });
    const agent = loupe.trace((i) => step(i, 'x'.repeat(200)), { name: 'agent', spanType: 'AGENT' });
    globalThis.gc?.();
    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    let peakRss = before.rss;
    // Live heap (after a full GC, with --expose-gc) at every 10% of the burst: flat means bounded.
    const liveHeap = [];
    const t0 = performance.now();
    // Two spans per call: 500,000 calls make the 1,000,000 spans. Yield now and then so the export
    // worker runs (as it would in a real app), which is when a slow server would pile data up.
    for (let i = 0; i < SPANS / 2; i++) {
      agent(i);
      if (i % 10_000 === 0) {
        await new Promise((r) => setTimeout(r, 0));
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakRss = Math.max(peakRss, m.rss);
      }
      if (globalThis.gc && i % (SPANS / 20) === 0 && i > 0) {
        globalThis.gc();
        liveHeap.push(mb(process.memoryUsage().heapUsed).toFixed(0));
      }
    }
    const burstMs = performance.now() - t0;
    const during = loupe.exportStats().loupe;
    await loupe.flushTraces();
    const after = loupe.exportStats().loupe;
    report('sdk-memory burst', {
      spans: SPANS,
      burst_ms: burstMs,
      ns_per_span: (burstMs * 1e6) / SPANS,
      heap_before_mb: mb(before.heapUsed),
      heap_peak_mb: mb(peakHeap),
      rss_before_mb: mb(before.rss),
      rss_peak_mb: mb(peakRss),
      live_heap_mb_each_10pct: liveHeap.join('/') || 'run with --expose-gc',
      // Queue items are spans and finished traces (one StartTraceV3 each): 1.5 items per call here.
      queued_items_at_end: during.pending,
      dropped_items_queue_full: during.droppedQueueFull,
    });
    report('sdk-memory after flush', { exported: after.exported, dropped_failed: after.droppedFailed, pending: after.pending, server_delay_ms: DELAY_MS });
    await loupe.shutdown();
  } finally {
    proxy.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
