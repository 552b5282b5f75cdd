import { context as otelContext, INVALID_SPAN_CONTEXT, trace as otelTrace, type Context, type SpanContext } from '@opentelemetry/api';
import { TRACE_ID_PREFIX } from '@loupe/protocol/attributes';
import { guard } from './diagnostics.js';
import { LoupeSpan } from './loupe-span.js';
import { endError, endOk, endWhenSettled, isThenable, openSpan, startAttributes, type SpanOptions, type TracingEnv } from './span-factory.js';
import { traceWith, type AnyFunction, type TraceOptions } from './traced-function.js';
import type { TraceRegistry, TraceUpdate } from './trace-registry.js';

/**
 * Options of `withSpan()` and `startSpan()`.
 *
 * @example
 * withSpan((span) => work(), { name: 'work', spanType: 'TOOL', inputs: { id: 7 } });
 */
export interface StartSpanOptions extends SpanOptions {
  /** Inputs recorded at start. */
  inputs?: unknown;
  /** The parent: a span, a span context (e.g. from another service), or a context; default the active span. */
  parent?: LoupeSpan | SpanContext | Context;
  /** Start time, epoch ms or a Date (default now). */
  startTime?: number | Date;
}

function parentContext(parent: StartSpanOptions['parent']): Context | undefined {
  if (parent === undefined) return undefined;
  if (parent instanceof LoupeSpan) return otelTrace.setSpan(otelContext.active(), parent.otelSpan);
  if (typeof (parent as SpanContext).traceId === 'string') return otelTrace.setSpanContext(otelContext.active(), parent as SpanContext);
  return parent as Context;
}

/**
 * The tracing functions of one Loupe instance (the package's top-level `trace`, `withSpan`, ...
 * call the default instance's). No network here: spans go to the instance's span processor.
 *
 * @example
 * const tracing = new Tracing(env, registry);
 * const traced = tracing.trace(fn, { spanType: 'TOOL' });
 */
export class Tracing {
  constructor(
    private readonly env: TracingEnv,
    private readonly registry: TraceRegistry,
  ) {}

  /** See the package's {@link trace}. */
  trace<F extends AnyFunction>(fn: F, options?: TraceOptions<F>): F {
    try {
      return traceWith(this.env, fn, options);
    } catch (err) {
      guard(this.env.diagnostics, 'trace()', () => {
        throw err;
      });
      return fn;
    }
  }

  /**
   * Runs `callback` inside a new active span and returns what it returns. The span ends when the
   * callback returns or, for a promise, settles; its outputs are the result unless the callback set
   * them; a throw or rejection marks it ERROR and is passed on unchanged.
   */
  withSpan<T>(callback: (span: LoupeSpan) => T, options: StartSpanOptions = {}): T {
    const opened = this.env.enabled
      ? openSpan(
          this.env,
          options.name ?? (callback.name || 'span'),
          startAttributes(options),
          options.sampleRatio,
          parentContext(options.parent),
          options.startTime,
        )
      : undefined;
    if (!opened) return callback(new LoupeSpan(otelTrace.wrapSpanContext(INVALID_SPAN_CONTEXT), this.env.diagnostics));
    const { span, context } = opened;
    if (options.inputs !== undefined) span.setInputs(options.inputs);
    let result: T;
    try {
      result = otelContext.with(context, callback, undefined, span);
    } catch (err) {
      endError(span, err);
      throw err;
    }
    if (isThenable(result)) return endWhenSettled(this.env, span, result) as T;
    endOk(this.env, span, result);
    return result;
  }

  /**
   * Starts a span that is not made active: end it with `span.end()`. Pass it as `parent` to nest
   * other spans under it.
   */
  startSpan(options: StartSpanOptions = {}): LoupeSpan {
    const opened = this.env.enabled
      ? openSpan(this.env, options.name ?? 'span', startAttributes(options), options.sampleRatio, parentContext(options.parent), options.startTime)
      : undefined;
    if (!opened) return new LoupeSpan(otelTrace.wrapSpanContext(INVALID_SPAN_CONTEXT), this.env.diagnostics);
    if (options.inputs !== undefined) opened.span.setInputs(options.inputs);
    return opened.span;
  }

  /** The active span (any OpenTelemetry span active in this context), or undefined. */
  getCurrentActiveSpan(): LoupeSpan | undefined {
    const span = otelTrace.getActiveSpan();
    return span ? new LoupeSpan(span, this.env.diagnostics) : undefined;
  }

  /**
   * Adds tags, metadata, session, user or client request id to the running trace. Returns false
   * (and reports through diagnostics) when no trace of this instance is running here.
   */
  updateCurrentTrace(update: TraceUpdate): boolean {
    try {
      const span = otelTrace.getActiveSpan();
      if (!span?.isRecording()) return false;
      const ok = this.registry.update(span.spanContext().traceId, update);
      if (!ok) this.env.diagnostics.warn('updateCurrentTrace: no trace of this Loupe instance is running in this context');
      return ok;
    } catch (err) {
      guard(this.env.diagnostics, 'updateCurrentTrace', () => {
        throw err;
      });
      return false;
    }
  }

  /**
   * Links a prompt version to the trace running in this context (its `mlflow.linkedPrompts` tag,
   * sent when the trace ends); false, silently, when none of this instance's traces runs here.
   */
  linkPromptToCurrentTrace(name: string, version: string): boolean {
    const span = otelTrace.getActiveSpan();
    if (!span?.isRecording()) return false;
    return this.registry.linkPrompt(span.spanContext().traceId, name, version);
  }

  /** The id (`tr-...`) of the trace whose root span ended last, if any. */
  getLastActiveTraceId(): string | undefined {
    return this.registry.lastActiveTraceId;
  }

  /** The id (`tr-...`) of the trace running in this context, if any. */
  getCurrentTraceId(): string | undefined {
    const span = otelTrace.getActiveSpan();
    return span ? TRACE_ID_PREFIX + span.spanContext().traceId : undefined;
  }
}
