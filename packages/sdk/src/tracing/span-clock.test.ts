import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { context as otelContext, trace as otelTrace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createLoupe } from '../instance/loupe.js';
import { SpanClock, spanClock } from './span-clock.js';

const ms = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;

describe('SpanClock', () => {
  it('has sub-millisecond resolution on the wall clock, and re-anchors without going back', () => {
    let wall = 1_700_000_000_000;
    let perf = 10;
    const clock = new SpanClock(
      60_000,
      () => wall,
      () => perf,
    );
    perf += 0.25;
    expect(ms(clock.now())).toBeCloseTo(1_700_000_000_000.25, 3);
    perf += 0.5;
    expect(ms(clock.now())).toBeCloseTo(1_700_000_000_000.75, 3);
    // A minute later the wall clock reads 0.4 ms behind the running time (its rounding): keep going forward.
    perf += 60_000;
    wall += 60_000;
    const before = ms(clock.now());
    expect(before).toBeCloseTo(1_700_000_060_000.75, 3);
    perf += 0.1;
    expect(ms(clock.now())).toBeGreaterThan(before);
    // The wall clock set a minute ahead (a real correction) is followed at the next anchor.
    perf += 60_001;
    wall += 120_001;
    expect(ms(clock.now())).toBeCloseTo(wall, 3);
  });

  it('starts a span at least a microsecond after its parent, with whole nanoseconds', () => {
    const clock = new SpanClock(
      60_000,
      () => 1_700_000_000_000,
      () => 10,
    );
    expect(clock.nowAfter(undefined)).toEqual([1_700_000_000, 0]);
    expect(clock.nowAfter([1_699_999_999, 0])).toEqual([1_700_000_000, 0]);
    // A parent stamped by another clock, later than this one's now.
    expect(clock.nowAfter([1_700_000_000, 500_000])).toEqual([1_700_000_000, 501_000]);
    expect(clock.nowAfter([1_700_000_000, 999_999_500])).toEqual([1_700_000_001, 500]);
  });

  it("starts a Loupe span under an OpenTelemetry parent after the parent's whole-millisecond start", async () => {
    const memory = new InMemorySpanExporter();
    const loupe = createLoupe(
      { trackingUri: 'http://127.0.0.1:9', experimentId: '0', spanExporters: [memory], export: { flushOnExit: false, retryWindowMs: 0 } },
      {},
    );
    const tracer = loupe.tracerProvider?.getTracer('my-app');
    // The parent was stamped by a clock ahead of Loupe's (another process, or Date.now() rounding), in
    // whole milliseconds. Read from Loupe's clock, not the wall clock, which the span clock drifts from.
    const parentStart = Math.ceil(ms(spanClock.now())) + 60_000;
    const parent = tracer?.startSpan('POST /tickets', { startTime: parentStart });
    if (!parent) throw new Error('no tracer');
    otelContext.with(otelTrace.setSpan(otelContext.active(), parent), () => loupe.withSpan(() => 1, { name: 'classify' }));
    parent.end(parentStart + 10);
    await loupe.flushTraces();
    const [child, root] = ['classify', 'POST /tickets'].map((n) => memory.getFinishedSpans().find((s) => s.name === n));
    const ns = ([s, n]: [number, number]) => BigInt(s) * 1_000_000_000n + BigInt(n);
    expect(child && root && ns(child.startTime) - ns(root.startTime)).toBe(1000n);
    await loupe.shutdown();
  });

  it('orders sequential spans of the same millisecond by their starts', async () => {
    const memory = new InMemorySpanExporter();
    const loupe = createLoupe(
      { trackingUri: 'http://127.0.0.1:9', experimentId: '0', spanExporters: [memory], export: { flushOnExit: false, retryWindowMs: 0 } },
      {},
    );
    loupe.withSpan(
      () => {
        for (let i = 0; i < 20; i++) loupe.withSpan(() => i, { name: `step-${i}` });
      },
      { name: 'root' },
    );
    await loupe.flushTraces();
    const steps = memory.getFinishedSpans().filter((s) => s.name.startsWith('step-'));
    // Reversed first: spans that tie on a whole-millisecond start would keep the reversed order.
    const byStart = [...steps]
      .reverse()
      .sort((a, b) => ms(a.startTime) - ms(b.startTime))
      .map((s) => s.name);
    expect(byStart).toEqual(steps.map((_, i) => `step-${i}`));
    for (const s of steps) expect(ms(s.endTime)).toBeGreaterThanOrEqual(ms(s.startTime));
    await loupe.shutdown();
  });
});
