// What tracing an LLM call costs the caller: the real `openai` client, untraced and wrapped by
// `traceOpenAI`, calling Chat Completions through a `fetch` that answers from memory. There is no
// network, so the client's own work and Loupe's are all that is measured. Spans are exported to a
// real Loupe server. Modes alternate in random order, batch by batch, so noise on the 2 shared cores
// hits both alike; results are per-batch medians.
//   node bench/integration-overhead.mjs [--seconds 3] [--chunks 200]
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { createLoupe } from '@loupe/sdk';
import { traceOpenAI } from '@loupe/openai';
import { percentile, postJson, report, startServer } from './lib.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, chunks: { type: 'string', default: '200' } } });
const SECONDS = Number(values.seconds);
const CHUNKS = Number(values.chunks);
const BATCH = 50;

const messages = [
  { role: 'system', content: 'You are a support agent.' },
  { role: 'user', content: 'Where is my order A1001?' },
];
const completion = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Order A1001 shipped on 2026-12-01 with UPS.', refusal: null }, finish_reason: 'stop', logprobs: null },
  ],
  usage: { prompt_tokens: 42, completion_tokens: 12, total_tokens: 54, prompt_tokens_details: { cached_tokens: 0 } },
});
const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const sse = [
  chunk({ role: 'assistant', content: '' }),
  ...Array.from({ length: CHUNKS }, (_, i) => chunk({ content: `tok${i} ` })),
  chunk({}, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 42, completion_tokens: CHUNKS, total_tokens: 42 + CHUNKS } })}\n\n`,
  'data: [DONE]\n\n',
].join('');

// Answers from memory: the client parses real HTTP responses, but nothing leaves the process.
const fetchFromMemory = async (_url, init) => {
  const body = JSON.parse(String(init?.body ?? '{}'));
  return body.stream
    ? new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } })
    : new Response(completion, { status: 200, headers: { 'content-type': 'application/json' } });
};

async function complete(client) {
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  return r.choices[0].message.content;
}

async function stream(client) {
  let text = '';
  for await (const c of await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } }))
    text += c.choices[0]?.delta?.content ?? '';
  return text;
}

export async function run() {
  const server = await startServer();
  try {
    const exp = (await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: 'integration-overhead' })).body.experiment_id;
    const loupe = createLoupe({ trackingUri: server.url, experimentId: exp, export: { flushOnExit: false } }, {});
    const raw = new OpenAI({ apiKey: 'bench', baseURL: 'http://memory.invalid/v1', fetch: fetchFromMemory, maxRetries: 0 });
    const traced = traceOpenAI(new OpenAI({ apiKey: 'bench', baseURL: 'http://memory.invalid/v1', fetch: fetchFromMemory, maxRetries: 0 }), { loupe });
    const modes = {
      'raw complete': () => complete(raw),
      'traced complete': () => complete(traced),
      'raw stream': () => stream(raw),
      'traced stream': () => stream(traced),
    };

    for (const fn of Object.values(modes)) for (let i = 0; i < 300; i++) await fn();
    await loupe.flushTraces();

    const batches = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
    const names = Object.keys(modes);
    const end = Date.now() + SECONDS * 1000 * names.length;
    while (Date.now() < end) {
      names.sort(() => Math.random() - 0.5);
      for (const name of names) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < BATCH; i++) await modes[name]();
        batches[name].push(Number(process.hrtime.bigint() - t0) / BATCH / 1000);
      }
    }
    await loupe.flushTraces();
    const median = {};
    for (const [name, v] of Object.entries(batches)) {
      median[name] = percentile(v, 50);
      report(`integration-overhead ${name}`, { median_us_per_call: median[name], p25_us: percentile(v, 25), p75_us: percentile(v, 75), batches: v.length });
    }
    const stats = loupe.exportStats().loupe;
    report('integration-overhead summary', {
      complete_overhead_us: median['traced complete'] - median['raw complete'],
      complete_ratio: median['traced complete'] / median['raw complete'],
      stream_overhead_us: median['traced stream'] - median['raw stream'],
      stream_overhead_us_per_chunk: (median['traced stream'] - median['raw stream']) / CHUNKS,
      stream_ratio: median['traced stream'] / median['raw stream'],
      chunks_per_stream: CHUNKS,
      spans_exported: stats.exported,
      spans_dropped: stats.droppedQueueFull,
    });
    await loupe.shutdown();
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
