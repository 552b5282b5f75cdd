import { createContextKey, isSpanContextValid, trace, TraceFlags, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/** Context key under which `trace(fn, { sampleRatio })` overrides the ratio for the traces it starts. */
export const SAMPLE_RATIO_KEY = createContextKey('loupe.sampleRatio');

/**
 * A trace id's place in [0, 1) for head sampling, from its last 8 hex digits. Deterministic, so every
 * service that sees the same trace id and ratio decides alike.
 *
 * @example
 * headSamplePoint('00000000000000000000000080000000'); // 0.5
 */
export function headSamplePoint(traceId: string): number {
  return parseInt(traceId.slice(-8), 16) / 0x1_0000_0000;
}

/**
 * Loupe's head sampler: whole traces are kept or dropped. A span with a parent follows the parent's
 * decision (also a remote parent from a `traceparent` header); a root keeps its trace when its trace
 * id's sample point is below the ratio: the per-function override if `trace(fn, { sampleRatio })`
 * started it, else the global ratio. Dropped traces cost almost nothing: their spans are not recorded.
 *
 * @example
 * new BasicTracerProvider({ sampler: new LoupeSampler(0.1) });
 */
export class LoupeSampler implements Sampler {
  constructor(private readonly ratio: number) {}

  shouldSample(ctx: Context, traceId: string, _name: string, _kind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(ctx);
    if (parent && isSpanContextValid(parent)) {
      return { decision: parent.traceFlags & TraceFlags.SAMPLED ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
    }
    const override = ctx.getValue(SAMPLE_RATIO_KEY);
    const ratio = typeof override === 'number' ? override : this.ratio;
    const keep = ratio >= 1 || (ratio > 0 && headSamplePoint(traceId) < ratio);
    return { decision: keep ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `LoupeSampler{ratio=${this.ratio}}`;
  }
}
