import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { context, trace as otelTrace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { silentDiagnostics } from '../tracing/diagnostics.js';
import { TraceRegistry } from '../tracing/trace-registry.js';
import { ExportQueue, DEFAULT_EXPORT_QUEUE_OPTIONS } from './export-queue.js';
import { LoupeSpanProcessor } from './loupe-span-processor.js';
import type { ExportItem } from './loupe-trace-sink.js';
import { systemScheduler } from './scheduler.js';
import { SpanExporterSink } from './span-sinks.js';
import { FinishedTrace } from './trace-info.js';

/** The processor on a real provider, its Loupe queue draining into an in-memory OpenTelemetry exporter. */
function setup(options: { maxPendingTraces?: number; maxBufferedSpans?: number; tail?: { sampleRest: number } } = {}) {
  const registry = new TraceRegistry();
  const received: ExportItem[] = [];
  const exporter = new InMemorySpanExporter();
  const queue = new ExportQueue<ExportItem>(
    {
      // Finished traces are kept aside; spans go through a real exporter.
      send: (batch) => {
        received.push(...batch);
        return new SpanExporterSink(exporter, null).send(batch.filter((i): i is ReadableSpan => !(i instanceof FinishedTrace)));
      },
    },
    { ...DEFAULT_EXPORT_QUEUE_OPTIONS, scheduleDelayMs: 1 },
    systemScheduler,
    silentDiagnostics,
  );
  const processor = new LoupeSpanProcessor({ registry, loupe: queue, diagnostics: silentDiagnostics, ...options });
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
  const traces = () => received.filter((i): i is FinishedTrace => i instanceof FinishedTrace).map((t) => t.root.name);
  return { registry, processor, tracer, exporter, traces };
}

describe('LoupeSpanProcessor limits', () => {
  it('roots that never end do not pin memory: past maxPendingTraces the oldest is let go, its late spans still sent', async () => {
    const { registry, processor, tracer, exporter, traces } = setup({ maxPendingTraces: 2 });
    const roots = ['a', 'b', 'c'].map((name) => tracer.startSpan(name));
    expect(registry.size).toBe(2);
    expect(processor.stats().pendingTraces).toBe(2);
    for (const r of roots) r.end();
    await processor.forceFlush();
    // 'a' was let go: its span is exported, but it gets no finalized trace info.
    expect(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect(traces().sort()).toEqual(['b', 'c']);
    expect(registry.size).toBe(0);
  });

  it('with tail rules, spans held for a decision are bounded; a dropped trace leaves nothing behind', async () => {
    const { processor, tracer, exporter, traces } = setup({ maxBufferedSpans: 3, tail: { sampleRest: 1 } });
    const root = tracer.startSpan('big');
    const ctx = otelTrace.setSpan(context.active(), root);
    for (let i = 0; i < 5; i++) tracer.startSpan(`child-${i}`, {}, ctx).end();
    root.end();
    await processor.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child-0', 'child-1', 'child-2']);
    expect(processor.stats()).toMatchObject({ droppedBufferFull: 3, tracesSampledOut: 0, pendingTraces: 0 });
    expect(traces()).toEqual(['big']);

    const dropper = setup({ tail: { sampleRest: 0 } });
    const r2 = dropper.tracer.startSpan('boring');
    dropper.tracer.startSpan('child', {}, otelTrace.setSpan(context.active(), r2)).end();
    r2.end();
    // A span of a dropped trace that ends late follows the decision.
    const late = dropper.tracer.startSpan('late', {}, otelTrace.setSpan(context.active(), r2));
    late.end();
    await dropper.processor.forceFlush();
    expect(dropper.exporter.getFinishedSpans()).toEqual([]);
    expect(dropper.processor.stats()).toMatchObject({ tracesSampledOut: 1, pendingTraces: 0 });
  });
});
