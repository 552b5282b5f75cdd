import { context as otelContext, trace as otelTrace } from '@opentelemetry/api';
import type { ChatMessage, ChatTool } from '@loupe/protocol';
import { SpanAttributeKey } from '@loupe/protocol/attributes';
import { getLoupe } from '../instance/default-instance.js';
import type { Loupe } from '../instance/loupe.js';
import type { LoupeSpan, TokenUsage } from '../tracing/loupe-span.js';
import type { SpanTypeName } from '../tracing/span-types.js';

/**
 * The building blocks of Loupe's auto-tracing integrations (`@loupe/openai`, `@loupe/anthropic`,
 * ...), exported for anyone tracing another library the same way. Every helper keeps the traced
 * library's behaviour: it returns the library's own objects (promise subclasses, stream objects),
 * passes its errors through unchanged, and never lets a tracing failure reach the caller.
 */

/** Options every integration takes. */
export interface IntegrationOptions {
  /** The Loupe instance that records the spans (default: the one `init()` made, looked up at each call). */
  loupe?: Loupe;
}

/** The Loupe instance an integration records into. */
export function loupeOf(options: IntegrationOptions | undefined): Loupe {
  return options?.loupe ?? getLoupe();
}

/**
 * Runs `fn` with `span` active, so spans started inside (the user's, or nested calls) are its children.
 *
 * @example
 * runInSpan(span, () => original.apply(this, args));
 */
export function runInSpan<T>(span: LoupeSpan, fn: () => T): T {
  if (!span.isRecording) return fn();
  return otelContext.with(otelTrace.setSpan(otelContext.active(), span.otelSpan), fn);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMethod = (this: any, ...args: any[]) => any;

const ORIGINAL = Symbol.for('loupe.integration.original');

/**
 * Replaces `target[key]` (a method, own or inherited) with `wrap(original)` on `target` itself.
 * Patching the same method twice is a no-op, so calling an integration twice never double-traces.
 * Returns false when there is no such method or it is already patched.
 *
 * @example
 * patchMethod(client.embeddings, 'create', (original) => function (this: unknown, ...args) { return original.apply(this, args); });
 */
export function patchMethod<T extends object>(target: T, key: PropertyKey, wrap: (original: AnyMethod) => AnyMethod): boolean {
  const original = (target as Record<PropertyKey, unknown>)[key];
  if (typeof original !== 'function' || (original as { [ORIGINAL]?: unknown })[ORIGINAL]) return false;
  const wrapped = wrap(original as AnyMethod);
  Object.defineProperty(wrapped, ORIGINAL, { value: original });
  Object.defineProperty(target, key, { value: wrapped, writable: true, configurable: true, enumerable: false });
  return true;
}

/** The method `patchMethod` replaced, if `fn` is a patched one. */
export function originalOf<F>(fn: F): F | undefined {
  return (fn as { [ORIGINAL]?: F } | undefined)?.[ORIGINAL];
}

/** True for promises and other thenables. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** What `traceCall` records at the start of a call. */
export interface CallSpec {
  name: string;
  spanType: SpanTypeName;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
}

/**
 * What `traceCall`'s `onValue` decides: `'end'` (default) ends the span after `onValue`; `'open'`
 * leaves it to `onValue`'s own arrangements (a stream that ends the span when it is consumed).
 */
export type CallOutcome = 'end' | 'open';

/**
 * The start of a traced call: opens the span `spec` describes and runs `invoke` inside it. A
 * synchronous throw is recorded on the span, which ends, and reaches the caller unchanged; otherwise
 * the span stays open for the caller to settle. {@link traceCall} is built on it; use it directly
 * when the call's value must be derived rather than returned as it is.
 *
 * @example
 * const { span, result } = startCall(loupe, { name: 'Completions', spanType: 'CHAT_MODEL', inputs: params }, () => original.apply(this, args));
 */
export function startCall<R>(loupe: Loupe, spec: CallSpec, invoke: () => R): { span: LoupeSpan; result: R } {
  const span = loupe.startSpan({
    name: spec.name,
    spanType: spec.spanType,
    ...(spec.inputs !== undefined ? { inputs: spec.inputs } : {}),
    ...(spec.attributes ? { attributes: spec.attributes } : {}),
  });
  try {
    return { span, result: runInSpan(span, invoke) };
  } catch (err) {
    recordError(span, err);
    span.end();
    throw err;
  }
}

/**
 * Traces one call of a library: opens a span, runs `invoke` inside it, and hands the call's value
 * (for a promise: what it resolves to) to `onValue` to record outputs, usage and chat. For a
 * promise the library's own promise object is returned, so subclasses such as an `APIPromise` keep
 * their methods. A throw or rejection is recorded on the span (see {@link recordError}) and reaches
 * the caller unchanged. A failure inside `onValue` is reported through diagnostics, never thrown.
 *
 * @example
 * return traceCall(loupe, { name: 'Completions', spanType: 'CHAT_MODEL', inputs: params }, () => original.apply(this, args), (span, value) => {
 *   span.setOutputs(value);
 * });
 */
export function traceCall<R>(loupe: Loupe, spec: CallSpec, invoke: () => R, onValue: (span: LoupeSpan, value: Awaited<R>) => CallOutcome | void): R {
  const { span, result } = startCall(loupe, spec, invoke);
  const settle = (value: Awaited<R>) => {
    let outcome: CallOutcome | void = 'end';
    try {
      outcome = onValue(span, value);
    } catch (err) {
      loupe.config.diagnostics.warn(`integration ${spec.name}: recording the result failed`, err);
    }
    if (outcome !== 'open') span.end();
  };
  if (isThenable(result)) {
    try {
      result.then(
        (value) => settle(value as Awaited<R>),
        (err: unknown) => {
          recordError(span, err);
          span.end();
        },
      );
    } catch (err) {
      recordError(span, err);
      span.end();
    }
    return result;
  }
  settle(result as Awaited<R>);
  return result;
}

/** The item type of an async iterable. */
export type ChunkOf<S> = S extends AsyncIterable<infer C> ? C : never;

/** How a stream ended: read to the end, stopped early by its reader, or failed. */
export type StreamEnd = { kind: 'done' } | { kind: 'cancelled' } | { kind: 'error'; error: unknown };

/**
 * Observes an async iterable in place: `onChunk` sees every item its reader gets, `onEnd` runs once
 * when it is read to the end, stopped early (`break`, `return()`) or fails. The object itself is
 * returned, with its other methods and properties untouched; readers see exactly what they would
 * without Loupe. An async generator (an iterable that is its own iterator, as `@google/genai` hands
 * out) is observed through its own `next` / `return` / `throw`, so a reader calling `next()` by hand
 * is seen too. Callback failures are swallowed (tracing never breaks the stream).
 *
 * @example
 * observeStream(stream, { onChunk: (c) => parts.push(c), onEnd: (end) => finish(span, parts, end) });
 */
export function observeStream<S extends AsyncIterable<unknown>>(stream: S, observer: { onChunk(chunk: ChunkOf<S>): void; onEnd(end: StreamEnd): void }): S {
  type C = ChunkOf<S>;
  let ended = false;
  const end = (how: StreamEnd) => {
    if (ended) return;
    ended = true;
    try {
      observer.onEnd(how);
    } catch {
      // Tracing must not break the stream.
    }
  };
  const observe = (inner: AsyncIterator<C>): Required<Pick<AsyncIterator<C>, 'next'>> & Pick<AsyncIterator<C>, 'return' | 'throw'> => ({
    async next(...args: [] | [unknown]) {
      let step: IteratorResult<C>;
      try {
        step = await inner.next(...args);
      } catch (error) {
        end({ kind: 'error', error });
        throw error;
      }
      if (step.done) end({ kind: 'done' });
      else {
        try {
          observer.onChunk(step.value);
        } catch {
          // Tracing must not break the stream.
        }
      }
      return step;
    },
    async return(value?: unknown) {
      end({ kind: 'cancelled' });
      return inner.return ? inner.return(value) : { done: true, value: value as C };
    },
    async throw(error?: unknown) {
      end({ kind: 'error', error });
      if (inner.throw) return inner.throw(error);
      throw error;
    },
  });
  const self = stream as S & Partial<AsyncIterator<C>>;
  if (typeof self.next === 'function') {
    const inner: AsyncIterator<C> = {
      next: self.next.bind(self),
      ...(self.return ? { return: self.return.bind(self) } : {}),
      ...(self.throw ? { throw: self.throw.bind(self) } : {}),
    };
    const observed = observe(inner);
    for (const key of ['next', 'return', 'throw'] as const) {
      if (key === 'next' || inner[key]) Object.defineProperty(stream, key, { value: observed[key], writable: true, configurable: true, enumerable: false });
    }
    return stream;
  }
  const iterate = stream[Symbol.asyncIterator].bind(stream) as () => AsyncIterator<C>;
  Object.defineProperty(stream, Symbol.asyncIterator, { configurable: true, writable: true, value: () => observe(iterate()) });
  return stream;
}

/** The HTTP status of a provider SDK's error (OpenAI, Anthropic, Gemini `status`; AWS `$metadata.httpStatusCode`). */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; $metadata?: { httpStatusCode?: unknown } };
  for (const v of [e.status, e.statusCode, e.$metadata?.httpStatusCode]) if (typeof v === 'number' && v >= 100 && v < 600) return v;
  return undefined;
}

/**
 * Records a failed call: ERROR status and an exception event (type, message, stack), plus the HTTP
 * status as `http.response.status_code` when the error carries one (429 for rate limits).
 */
export function recordError(span: LoupeSpan, error: unknown): void {
  span.recordException(error);
  const status = errorStatus(error);
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
}

/** What an LLM call's span records besides inputs and outputs. */
export interface LlmDetails {
  model?: string | undefined;
  /** `openai`, `anthropic`, `bedrock`, `gemini`, ... */
  provider?: string | undefined;
  usage?: TokenUsage | undefined;
  /** The conversation in Loupe's one chat format: request messages, then the model's answer. */
  messages?: ChatMessage[] | undefined;
  tools?: ChatTool[] | undefined;
}

/**
 * Records model, provider, token usage and chat on an LLM span. Cost is added when the span ends,
 * from the price catalog (see `init({ pricing })`), unless the span already has one.
 */
export function recordLlm(span: LoupeSpan, details: LlmDetails): void {
  if (!span.isRecording) return;
  if (details.model) span.setAttribute(SpanAttributeKey.LLM_MODEL, details.model);
  if (details.provider) span.setAttribute(SpanAttributeKey.LLM_PROVIDER, details.provider);
  if (details.usage) span.setTokenUsage(details.usage);
  if (details.messages) span.setAttribute(SpanAttributeKey.CHAT_MESSAGES, details.messages);
  if (details.tools && details.tools.length > 0) span.setAttribute(SpanAttributeKey.CHAT_TOOLS, details.tools);
}

/**
 * True for a plain JSON object (not null, not an array): how the integrations read the loosely
 * typed bodies libraries hand them.
 *
 * @example
 * isObject({ a: 1 }); // true
 * isObject([1]); // false
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Numbers only: a provider's usage field, or undefined when absent or not a number. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A value as text for a chat message: strings as they are, anything else as JSON (tool arguments
 * and results are JSON text in the chat format).
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}
