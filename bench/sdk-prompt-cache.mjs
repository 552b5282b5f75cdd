// What a cached `loadPrompt` costs the caller (target <= 50 us): a prompt registered on a real Loupe
// server (the built CLI), loaded once to fill the cache, then loaded again and again by alias, by
// pinned version, and by alias inside a running trace (which adds the link to the trace's tag).
// Results are per-batch medians and p99s of the per-call time, in microseconds.
//   node bench/sdk-prompt-cache.mjs [--seconds 2]
import { parseArgs } from 'node:util';
import { createLoupe } from '@loupe/sdk';
import { percentile, postJson, report, startServer } from './lib.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const SECONDS = Number(values.seconds);
const BATCH = 1_000;

async function measure(name, call) {
  for (let i = 0; i < BATCH * 5; i++) await call(); // warm up
  const perCallUs = [];
  const until = process.hrtime.bigint() + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < until) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) await call();
    perCallUs.push(Number(process.hrtime.bigint() - t0) / 1_000 / BATCH);
  }
  return report(name, { calls: perCallUs.length * BATCH, p50_us: percentile(perCallUs, 50), p99_us: percentile(perCallUs, 99) });
}

export async function run() {
  const server = await startServer();
  try {
    const exp = (await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: 'prompt-cache' })).body.experiment_id;
    const loupe = createLoupe({ trackingUri: server.url, experimentId: exp, export: { flushOnExit: false } }, {});
    const v = await loupe.registerPrompt({ name: 'bench-qa', template: 'Answer {{ question }} for {{ user.plan }} customers.' });
    await loupe.setPromptAlias('bench-qa', 'production', v.version);
    await loupe.loadPrompt('prompts:/bench-qa@production');
    const results = [
      await measure('loadPrompt @alias (cached)', () => loupe.loadPrompt('prompts:/bench-qa@production')),
      await measure('loadPrompt /version (cached)', () => loupe.loadPrompt('prompts:/bench-qa/1')),
      await measure('loadPrompt @alias + format', async () =>
        (await loupe.loadPrompt('prompts:/bench-qa@production')).format({ question: 'q', user: { plan: 'pro' } }),
      ),
      await loupe.withSpan(() => measure('loadPrompt @alias in a trace (links)', () => loupe.loadPrompt('prompts:/bench-qa@production')), { name: 'bench' }),
    ];
    await loupe.shutdown();
    return results;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
