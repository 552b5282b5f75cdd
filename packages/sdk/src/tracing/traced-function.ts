import { context as otelContext } from '@opentelemetry/api';
import { guard, type Diagnostics } from './diagnostics.js';
import { namedInputs, paramNames } from './function-params.js';
import { endError, endOk, endWhenSettled, isThenable, openSpan, startAttributes, type SpanOptions, type TracingEnv } from './span-factory.js';
import { traceAsyncGenerator, traceGenerator } from './traced-iterators.js';

// Any function; `any` keeps the caller's exact signature in `trace()`'s return type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

/**
 * Options of `trace(fn, options)`.
 *
 * @example
 * trace(retrieve, { name: 'retrieve', spanType: 'RETRIEVER', attributes: { index: 'docs' }, outputs: (docs) => docs.length });
 */
export interface TraceOptions<F extends AnyFunction = AnyFunction> extends SpanOptions {
  /** Maps the call's arguments to the recorded inputs (default: named arguments); `false` records none. */
  inputs?: false | ((...args: Parameters<F>) => unknown);
  /**
   * Maps the result to the recorded outputs (default: the result; for generators, the list of yielded
   * values); `false` records none.
   */
  outputs?: false | ((result: never) => unknown);
}

const GENERATOR_TAG = '[object Generator]';
const ASYNC_GENERATOR_TAG = '[object AsyncGenerator]';

/**
 * Wraps `fn` so every call is a span: inputs (named arguments), outputs, exceptions (ERROR status and
 * an exception event) and timing. Works for sync, async, generator and async generator functions and
 * keeps `fn`'s type, `this` and return value (a returned promise is the same object). Never throws
 * on its own: if tracing fails, `fn` runs untraced.
 *
 * @example
 * const answer = traceWith(env, async (question: string) => llm(question), { spanType: 'CHAIN' });
 */
export function traceWith<F extends AnyFunction>(env: TracingEnv, fn: F, options: TraceOptions<F> = {}): F {
  const functionName = fn.name || 'anonymous';
  const name = options.name ?? functionName;
  const attributes = startAttributes(options, functionName);
  const params = options.inputs === undefined ? paramNames(fn) : [];
  const { sampleRatio, inputs, outputs } = options;

  const traced = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    if (!env.enabled) return fn.apply(this, args) as ReturnType<F>;
    const opened = openSpan(env, name, attributes, sampleRatio);
    if (!opened) return fn.apply(this, args) as ReturnType<F>;
    const { span, context } = opened;
    if (span.isRecording && inputs !== false) {
      // Inline try/catch rather than guard(): no closure per call on the caller's path.
      try {
        span.setInputs(inputs ? inputs(...args) : namedInputs(params, args));
      } catch (err) {
        report(env, 'record inputs', err);
      }
    }
    let result: unknown;
    try {
      result = otelContext.with(context, fn, this as ThisParameterType<F>, ...args);
    } catch (err) {
      endError(span, err);
      throw err;
    }
    if (isThenable(result)) return endWhenSettled(env, span, result, outputs) as ReturnType<F>;
    // Only generator objects have a `next` and `throw`; checking them first spares the tag lookup for plain results.
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as { next?: unknown }).next === 'function' &&
      typeof (result as { throw?: unknown }).throw === 'function'
    ) {
      const tag = Object.prototype.toString.call(result);
      if (tag === GENERATOR_TAG) return traceGenerator(env, span, context, result as Generator, outputs) as ReturnType<F>;
      if (tag === ASYNC_GENERATOR_TAG) return traceAsyncGenerator(env, span, context, result as AsyncGenerator, outputs) as ReturnType<F>;
    }
    endOk(env, span, result, outputs);
    return result as ReturnType<F>;
  };
  // Keep the name and arity tools and stack traces show.
  Object.defineProperty(traced, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  return traced as F;
}

function report(env: { diagnostics: Diagnostics }, what: string, err: unknown): void {
  guard(env.diagnostics, what, () => {
    throw err;
  });
}
