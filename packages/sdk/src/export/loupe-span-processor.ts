import { SpanStatusCode, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanAttributeKey, TRACE_ID_PREFIX } from '@loupe/protocol/attributes';
import { guard, type Diagnostics } from '../tracing/diagnostics.js';
import type { RunningTrace, TraceRegistry } from '../tracing/trace-registry.js';
import type { ExportQueue, ExportQueueStats } from './export-queue.js';
import type { ExportItem } from './loupe-trace-sink.js';
import { FinishedTrace } from './trace-info.js';
import type { PriceCatalog } from '@loupe/protocol/pricing';
import type { TokenUsage } from '../tracing/loupe-span.js';
import { decideTail, type TailSamplingRules } from './tail-sampling.js';

/** A trace whose local root is still open: the processor's bookkeeping on the registry's entry. */
interface PendingTrace extends RunningTrace {
  rootSpanId: string;
  /** True when the local root continues a trace from another service (remote parent). */
  remoteParent: boolean;
  /** Spans held back until tail sampling decides (only with tail rules). */
  buffer: ReadableSpan[] | null;
  hasError: boolean;
  costUsd: number;
}

/** Options of {@link LoupeSpanProcessor}. */
export interface LoupeSpanProcessorOptions {
  registry: TraceRegistry;
  /** The Loupe server's queue: spans and finished traces. */
  loupe: ExportQueue<ExportItem>;
  /** Other destinations (dual export): spans only. */
  others?: ExportQueue<ReadableSpan>[];
  /** Tail rules; without them spans stream out as they end. */
  tail?: TailSamplingRules;
  /** Spans held for tail decisions at most (default 8,192); more are dropped and counted. */
  maxBufferedSpans?: number;
  /** Traces tracked at once at most (default 10,000); the oldest is let go beyond it. */
  maxPendingTraces?: number;
  /** How long `forceFlush` waits (ms, default 30,000). */
  flushTimeoutMs?: number;
  /** Prices LLM spans that report a model and token usage but no cost (none: no cost is added). */
  pricing?: PriceCatalog;
  diagnostics: Diagnostics;
}

/** Counters of the processor and its queues (`loupe.exportStats()`). */
export interface ProcessorStats {
  /** Traces tail sampling dropped. */
  tracesSampledOut: number;
  /** Spans dropped because the tail-sampling buffer was full. */
  droppedBufferFull: number;
  /** Traces in progress now. */
  pendingTraces: number;
  loupe: ExportQueueStats;
  others: ExportQueueStats[];
}

const DECISION_MEMORY = 10_000;

/**
 * Loupe's OpenTelemetry span processor: give it to any `TracerProvider` (yours or Loupe's own) and
 * the spans it sees reach Loupe (each with `mlflow.traceRequestId`, added at export); when a trace's local
 * root ends, its TraceInfo (tags, metadata, previews, state) is finalized with StartTraceV3. With
 * tail rules, a trace's spans are held until its root ends and kept or dropped whole. `onStart` and
 * `onEnd` run on the caller's path and only do map and array work; encoding, redaction and network
 * happen on the export worker.
 *
 * @example
 * const loupe = init({ tracerProvider: 'global' });
 * const provider = new NodeTracerProvider({ spanProcessors: [loupe.spanProcessor, new BatchSpanProcessor(myExporter)] });
 * provider.register();
 */
export class LoupeSpanProcessor implements SpanProcessor {
  /** Recent tail decisions, for spans that end after their root. */
  private readonly decided = new Map<string, boolean>();
  private buffered = 0;
  private tracesSampledOut = 0;
  private droppedBufferFull = 0;

  constructor(private readonly options: LoupeSpanProcessorOptions) {}

  onStart(span: Span, _parentContext: Context): void {
    try {
      const ctx = span.spanContext();
      const parent = span.parentSpanContext;
      if (!parent || parent.isRemote) this.beginTrace(ctx.traceId, ctx.spanId, parent?.isRemote === true);
    } catch (err) {
      guard(this.options.diagnostics, 'span processor onStart', () => {
        throw err;
      });
    }
  }

  /** Adds `mlflow.llm.cost` to a span with a known model and token usage but no cost, while it can still change. */
  onEnding(span: Span): void {
    const pricing = this.options.pricing;
    if (!pricing) return;
    const attributes = span.attributes;
    const usage = attributes[SpanAttributeKey.TOKEN_USAGE];
    const model = attributes[SpanAttributeKey.LLM_MODEL];
    if (typeof usage !== 'string' || typeof model !== 'string' || attributes[SpanAttributeKey.LLM_COST] !== undefined) return;
    try {
      const name = model.startsWith('"') ? (JSON.parse(model) as string) : model;
      const cost = pricing.cost(name, JSON.parse(usage) as TokenUsage);
      if (cost) span.setAttribute(SpanAttributeKey.LLM_COST, JSON.stringify(cost));
    } catch (err) {
      guard(this.options.diagnostics, 'price an LLM span', () => {
        throw err;
      });
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      const { traceId, spanId } = span.spanContext();
      const trace = this.options.registry.get<PendingTrace>(traceId);
      if (!trace) {
        // Ended after its root (a span left running), or its trace was let go: follow the decision.
        if (this.decided.get(traceId) !== false) this.emitSpan(span);
        return;
      }
      if (span.status.code === SpanStatusCode.ERROR) trace.hasError = true;
      const cost = span.attributes[SpanAttributeKey.LLM_COST];
      if (typeof cost === 'string') trace.costUsd += totalCost(cost);
      if (this.options.tail) this.hold(trace, span);
      else this.emitSpan(span);
      if (spanId === trace.rootSpanId) this.finishTrace(traceId, trace, span);
    } catch (err) {
      guard(this.options.diagnostics, 'span processor onEnd', () => {
        throw err;
      });
    }
  }

  /** Sends everything finished so far; resolves when delivered or after the flush timeout. Never rejects. */
  async forceFlush(timeoutMs?: number): Promise<void> {
    const timeout = timeoutMs ?? this.options.flushTimeoutMs ?? 30_000;
    await Promise.all([this.options.loupe.flush(timeout), ...(this.options.others ?? []).map((q) => q.flush(timeout))]);
  }

  /** Flushes, then stops accepting spans. */
  async shutdown(): Promise<void> {
    const timeout = this.options.flushTimeoutMs ?? 30_000;
    await Promise.all([this.options.loupe.shutdown(timeout), ...(this.options.others ?? []).map((q) => q.shutdown(timeout))]);
  }

  /** Counters of the processor and its queues. */
  stats(): ProcessorStats {
    return {
      tracesSampledOut: this.tracesSampledOut,
      droppedBufferFull: this.droppedBufferFull,
      pendingTraces: this.options.registry.size,
      loupe: this.options.loupe.stats(),
      others: (this.options.others ?? []).map((q) => q.stats()),
    };
  }

  private beginTrace(traceId: string, rootSpanId: string, remoteParent: boolean): void {
    const registry = this.options.registry;
    // A second local root of the same trace (two requests continuing one remote trace) joins the first.
    if (registry.get(traceId)) return;
    const max = this.options.maxPendingTraces ?? 10_000;
    if (registry.size >= max) {
      // A root that never ended must not pin memory: let the oldest trace go.
      const [oldId, old] = registry.oldest<PendingTrace>() as [string, PendingTrace];
      registry.finish(oldId);
      if (old.buffer) {
        this.buffered -= old.buffer.length;
        this.droppedBufferFull += old.buffer.length;
      }
      this.options.diagnostics.warn(`more than ${max} traces in progress: trace ${oldId} is no longer tracked`);
    }
    const entry: PendingTrace = { annotations: {}, rootSpanId, remoteParent, buffer: this.options.tail ? [] : null, hasError: false, costUsd: 0 };
    registry.begin(traceId, entry);
  }

  private hold(trace: PendingTrace, span: ReadableSpan): void {
    if (this.buffered >= (this.options.maxBufferedSpans ?? 8192)) {
      this.droppedBufferFull++;
      return;
    }
    trace.buffer?.push(span);
    this.buffered++;
  }

  private finishTrace(traceId: string, trace: PendingTrace, root: ReadableSpan): void {
    const annotations = this.options.registry.finish(traceId, TRACE_ID_PREFIX + traceId) ?? { tags: {}, metadata: {} };
    let keep = true;
    if (this.options.tail && trace.buffer) {
      this.buffered -= trace.buffer.length;
      const durationMs = (root.duration[0] * 1e9 + root.duration[1]) / 1e6;
      keep = decideTail(this.options.tail, { traceId, hasError: trace.hasError, durationMs, costUsd: trace.costUsd }) !== null;
      if (keep) for (const s of trace.buffer) this.emitSpan(s);
      else this.tracesSampledOut++;
      this.decided.set(traceId, keep);
      if (this.decided.size > DECISION_MEMORY) this.decided.delete(this.decided.keys().next().value as string);
    }
    // A segment continuing another service's trace leaves the trace info to the service that started it.
    if (keep && !trace.remoteParent) this.options.loupe.push(new FinishedTrace(root, annotations));
  }

  private emitSpan(span: ReadableSpan): void {
    this.options.loupe.push(span);
    const others = this.options.others;
    if (others) for (const q of others) q.push(span);
  }
}

function totalCost(encoded: string): number {
  try {
    const value = JSON.parse(encoded) as { total_cost?: unknown };
    return typeof value.total_cost === 'number' ? value.total_cost : 0;
  } catch {
    return 0;
  }
}
