import { context as otelContext, trace as otelTrace, type Attributes, type Context, type HrTime, type Tracer } from '@opentelemetry/api';
import { SpanAttributeKey } from '@loupe/protocol/attributes';
import { guard, type Diagnostics } from './diagnostics.js';
import { encodeJson } from './json-encoding.js';
import { LoupeSpan } from './loupe-span.js';
import { SAMPLE_RATIO_KEY } from './sampler.js';
import { spanClock } from './span-clock.js';
import type { SpanTypeName } from './span-types.js';

/** What the tracing functions need from their Loupe instance. */
export interface TracingEnv {
  /** False when tracing is off: traced functions run untouched. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  readonly diagnostics: Diagnostics;
}

/** Options every span-starting call shares. */
export interface SpanOptions {
  /** Span name; `trace()` defaults to the function's name. */
  name?: string;
  /** LLM, CHAT_MODEL, TOOL, RETRIEVER, AGENT, EMBEDDING, ... (default UNKNOWN). */
  spanType?: SpanTypeName;
  /** Extra attributes, any JSON-able values. */
  attributes?: Record<string, unknown>;
  /** Head-sampling ratio for traces this call starts (overrides the global `sampling.ratio`). */
  sampleRatio?: number;
}

/** A span's start attributes, encoded once (at `trace()` time for a traced function). */
export function startAttributes(options: SpanOptions, functionName?: string): Attributes {
  const attributes: Attributes = {};
  if (options.attributes) for (const [k, v] of Object.entries(options.attributes)) attributes[k] = encodeJson(v);
  attributes[SpanAttributeKey.SPAN_TYPE] = encodeJson(options.spanType ?? 'UNKNOWN');
  if (functionName) attributes[SpanAttributeKey.FUNCTION_NAME] = encodeJson(functionName);
  return attributes;
}

/** A started span and the context in which it is active. */
export interface OpenedSpan {
  span: LoupeSpan;
  context: Context;
}

/**
 * Starts a span under `parent` (default: the active context). Returns undefined if OpenTelemetry
 * failed, so the caller runs the user's code untraced.
 */
export function openSpan(
  env: TracingEnv,
  name: string,
  attributes: Attributes,
  sampleRatio: number | undefined,
  parent?: Context,
  startTime?: number | Date,
): OpenedSpan | undefined {
  try {
    let ctx = parent ?? otelContext.active();
    if (sampleRatio !== undefined) ctx = ctx.setValue(SAMPLE_RATIO_KEY, sampleRatio);
    const otelSpan = env.tracer.startSpan(name, { attributes, startTime: startTime ?? spanClock.nowAfter(parentStart(ctx)) }, ctx);
    return { span: new LoupeSpan(otelSpan, env.diagnostics), context: otelTrace.setSpan(ctx, otelSpan) };
  } catch (err) {
    guard(env.diagnostics, 'start span', () => {
      throw err;
    });
    return undefined;
  }
}

/** The start of the context's span when it is a recording SDK span (which exposes it as `startTime`). */
function parentStart(ctx: Context): HrTime | undefined {
  const start = (otelTrace.getSpan(ctx) as { startTime?: unknown } | undefined)?.startTime;
  return Array.isArray(start) && start.length === 2 ? (start as HrTime) : undefined;
}

/** Ends a span that completed: records outputs (unless set already or disabled), then ends it. */
export function endOk(env: TracingEnv, span: LoupeSpan, value: unknown, outputs?: false | ((value: never) => unknown)): void {
  if (span.isRecording && outputs !== false && !span.hasOutputs && value !== undefined) {
    try {
      span.setOutputs(outputs ? outputs(value as never) : value);
    } catch (err) {
      guard(env.diagnostics, 'record outputs', () => {
        throw err;
      });
    }
  }
  span.end();
}

/** Ends a span that failed: ERROR status and an exception event. */
export function endError(span: LoupeSpan, error: unknown): void {
  span.recordException(error);
  span.end();
}

/** True for promises and other thenables. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Ends the span when `result` settles, and returns `result` itself (not a new promise), so promise
 * subclasses with extra methods (e.g. an SDK's `APIPromise`) keep working.
 */
export function endWhenSettled<T>(env: TracingEnv, span: LoupeSpan, result: PromiseLike<T>, outputs?: false | ((value: never) => unknown)): PromiseLike<T> {
  try {
    result.then(
      (value) => endOk(env, span, value, outputs),
      (error: unknown) => endError(span, error),
    );
  } catch (err) {
    endError(span, err);
  }
  return result;
}
