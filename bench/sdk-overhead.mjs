// Per-span cost of Loupe's tracing on the caller's path, with export on, at up to 100k spans/s per mode
// (a 1,000-span burst of each mode every 10 ms), against tracing off and raw OpenTelemetry JS spans in
// the same run. Modes are interleaved burst by burst so a noisy neighbour on the 2 shared cores hits
// them alike; results are per-burst medians.
//   node bench/sdk-overhead.mjs [--seconds 2] [--rounds 3]   (runs seconds x rounds in all)
import { parseArgs } from 'node:util';
import { context, trace as otelTrace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createLoupe } from '@loupe/sdk';
import { percentile, postJson, report, startServer } from './lib.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' }, rounds: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const BURST = 1000;
const BURST_EVERY_MS = 10;

// The traced work: small, like a tool call's bookkeeping, so the tracing cost is what shows.
function work(query, k) {
  return { query, k, hits: k * 2 };
}

export async function run() {
  const server = await startServer();
  try {
    const exp = (await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: 'sdk-overhead' })).body.experiment_id;

    const otelProvider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'bench' }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/v1/traces`, headers: { 'x-mlflow-experiment-id': exp } }), {
          maxQueueSize: 8192,
          maxExportBatchSize: 512,
        }),
      ],
    });
    const tracer = otelProvider.getTracer('bench');
    const loupe = createLoupe({ trackingUri: server.url, experimentId: exp, export: { flushOnExit: false } }, {});
    const traced = loupe.trace(work, { name: 'work', spanType: 'TOOL' });

    const modes = {
      off: (i) => work('q', i),
      // Raw OpenTelemetry: an active span around the call, nothing recorded.
      'otel-bare': (i) => {
        const span = tracer.startSpan('work');
        const out = context.with(otelTrace.setSpan(context.active(), span), work, undefined, 'q', i);
        span.end();
        return out;
      },
      // Raw OpenTelemetry recording what Loupe records: inputs and outputs as JSON, a span type.
      'otel-attrs': (i) => {
        const span = tracer.startSpan('work', { attributes: { 'mlflow.spanType': '"TOOL"' } });
        span.setAttribute('mlflow.spanInputs', JSON.stringify({ query: 'q', k: i }));
        const out = context.with(otelTrace.setSpan(context.active(), span), work, undefined, 'q', i);
        span.setAttribute('mlflow.spanOutputs', JSON.stringify(out));
        span.end();
        return out;
      },
      'loupe-trace': (i) => traced('q', i),
      'loupe-withSpan': (i) =>
        loupe.withSpan(
          (span) => {
            span.setInputs({ query: 'q', k: i });
            return work('q', i);
          },
          { name: 'work', spanType: 'TOOL' },
        ),
    };

    // Warm up every path (JIT) before measuring.
    for (const fn of Object.values(modes)) for (let i = 0; i < 20_000; i++) fn(i);
    await loupe.flushTraces();
    await otelProvider.forceFlush();

    // Every 10 ms tick runs one 1,000-span burst of each mode, in a new random order, so noise from
    // other work on the shared cores lands on all modes alike; per-burst medians resist the rest.
    const bursts = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
    const names = Object.keys(modes);
    const t0 = Date.now();
    const end = t0 + SECONDS * ROUNDS * 1000;
    let ticks = 0;
    while (Date.now() < end) {
      names.sort(() => Math.random() - 0.5);
      for (const name of names) {
        const fn = modes[name];
        const b0 = process.hrtime.bigint();
        for (let i = 0; i < BURST; i++) fn(i);
        bursts[name].push(Number(process.hrtime.bigint() - b0) / BURST);
      }
      ticks++;
      await new Promise((r) => setTimeout(r, BURST_EVERY_MS));
    }
    const elapsedS = (Date.now() - t0) / 1000;
    await loupe.flushTraces();
    await otelProvider.forceFlush();
    const results = {};
    for (const [name, values] of Object.entries(bursts)) {
      results[name] = percentile(values, 50);
      report(`sdk-overhead ${name}`, {
        median_ns_per_span: results[name],
        p25_ns: percentile(values, 25),
        p75_ns: percentile(values, 75),
        bursts: values.length,
        spans_per_s: (values.length * BURST) / elapsedS,
      });
    }
    const stats = loupe.exportStats().loupe;
    report('sdk-overhead summary', {
      ticks,
      loupe_trace_minus_otel_bare_ns: results['loupe-trace'] - results['otel-bare'],
      loupe_trace_minus_otel_attrs_ns: results['loupe-trace'] - results['otel-attrs'],
      loupe_withSpan_minus_otel_attrs_ns: results['loupe-withSpan'] - results['otel-attrs'],
      ratio_trace_vs_otel_attrs: results['loupe-trace'] / results['otel-attrs'],
      loupe_exported: stats.exported,
      loupe_dropped_queue_full: stats.droppedQueueFull,
    });
    await loupe.shutdown();
    await otelProvider.shutdown();
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
