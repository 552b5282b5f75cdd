import type { Trace, TraceSpan } from '../../../client/trace-model.js';
import type { JudgeModelOptions } from '../model/judge-model.js';

/** Builders for judge tests: spans and traces as `getTrace` returns them, and model options for the fake provider. */

let counter = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A span with defaults; `spanId` is unique unless given. */
export function span(fields: Partial<TraceSpan> & { name: string }): TraceSpan {
  const id = fields.spanId ?? hex(++counter, 16);
  const start = BigInt(1_700_000_000_000_000_000 + counter * 1000);
  return {
    traceId: 'tr-' + hex(1, 32),
    spanId: id,
    parentId: null,
    spanType: 'UNKNOWN',
    status: 'OK',
    statusMessage: '',
    startTimeNs: start,
    endTimeNs: start + 1_000_000n,
    startTimeMs: Number(start / 1_000_000n),
    durationMs: 1,
    inputs: undefined,
    outputs: undefined,
    attributes: {},
    events: [],
    ...fields,
  };
}

/** A trace of `spans` (the first is the root unless spans say otherwise). */
export function trace(spans: TraceSpan[]): Trace {
  return {
    info: {
      trace_id: spans[0]?.traceId ?? 'tr-' + hex(1, 32),
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
      request_time: '2026-12-01T00:00:00Z',
      state: 'OK',
    } as Trace['info'],
    spans,
  };
}

/** Sleeps recorded instead of waited, so retry tests never sleep. */
export function recordedSleeps(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

/** Model options that reach the fake provider with test keys, no real waits, and no environment. */
export function fakeModelOptions(url: string, extra: JudgeModelOptions = {}): JudgeModelOptions {
  return { baseUrl: url, apiKey: 'test-key', env: {}, ...extra, deps: { sleep: async () => undefined, random: () => 0.5, ...extra.deps } };
}
