import { recordError, startCall, type CallSpec } from '@loupe/sdk/genai';
import type { Loupe, LoupeSpan } from '@loupe/sdk';
import type { StreamAssembler } from './stream-assembly.js';

/**
 * How one OpenAI endpoint is recorded: its span, how to record a response (parsed, or a stream
 * re-assembled into the same shape), and how to assemble its stream.
 */
export interface Endpoint {
  name: string;
  spanType: CallSpec['spanType'];
  /** Records outputs, model, usage and chat from the request and the (assembled) response. */
  record(span: LoupeSpan, params: unknown, response: unknown): void;
  /** A fresh assembler for a streamed answer (absent: the endpoint does not stream). */
  assembler?: () => StreamAssembler;
}

// The parts of openai's APIPromise used here; `_thenUnwrap` is how the library itself derives
// promises (parse helpers, embeddings decoding), and it keeps the response body unread until
// the caller asks for the parsed value.
interface ApiPromiseLike {
  _thenUnwrap(transform: (data: unknown) => unknown): ApiPromiseLike;
  asResponse(): Promise<{ status: number }>;
  withResponse(): Promise<unknown>;
}

const isApiPromise = (v: unknown): v is ApiPromiseLike =>
  typeof v === 'object' && v !== null && typeof (v as ApiPromiseLike)._thenUnwrap === 'function' && typeof (v as ApiPromiseLike).asResponse === 'function';

interface OpenAIStream {
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
  controller?: AbortController;
  iterator?: () => AsyncIterator<unknown>;
}

const isStream = (v: unknown): v is OpenAIStream => typeof v === 'object' && v !== null && typeof (v as OpenAIStream)[Symbol.asyncIterator] === 'function';

/**
 * Traces one call of an OpenAI resource method that returns an `APIPromise`. The caller gets the
 * library's own APIPromise (derived with `_thenUnwrap`, as the library's helpers derive theirs),
 * so `.withResponse()` and `.asResponse()` keep working, and a body the caller reads raw
 * (`asResponse()`) is never read by Loupe. The span covers the whole call, retries included;
 * a streamed answer ends it when the stream does.
 *
 * @example
 * return traceApiPromise(loupe, CHAT, args[0], () => original.apply(this, args));
 */
export function traceApiPromise(loupe: Loupe, endpoint: Endpoint, params: unknown, invoke: () => unknown, attributes?: Record<string, unknown>): unknown {
  const { span, result } = startCall(
    loupe,
    { name: endpoint.name, spanType: endpoint.spanType, inputs: params, ...(attributes ? { attributes } : {}) },
    invoke,
  );
  let settled = false;
  const once = (fn: () => void) => {
    if (settled) return;
    settled = true;
    try {
      fn();
    } catch (err) {
      loupe.config.diagnostics.warn(`integration ${endpoint.name}: recording the result failed`, err);
      span.end();
    }
  };
  const fail = (err: unknown) =>
    once(() => {
      recordError(span, err);
      span.end();
    });
  const onData = (data: unknown) =>
    once(() => {
      if (endpoint.assembler && isStream(data) && (params as { stream?: unknown } | undefined)?.stream) {
        watchStream(loupe, span, endpoint, params, data);
        return;
      }
      endpoint.record(span, params, data);
      span.end();
    });

  if (!isApiPromise(result)) {
    // Not an APIPromise (another version's shape): observe it as a plain promise.
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(onData, fail);
    else onData(result);
    return result;
  }
  const traced = result._thenUnwrap((data) => {
    onData(data);
    return data;
  });
  result.asResponse().then(undefined, fail);
  let parsing = false;
  const method = (target: ApiPromiseLike, key: keyof ApiPromiseLike, value: (...args: never[]) => unknown) =>
    Object.defineProperty(target, key, { configurable: true, writable: true, value });
  // The promise handed out, and every promise a helper derives from it (`parse()` derives with
  // `_thenUnwrap`), read the body through `onData` unless the caller takes the raw response.
  const instrument = (p: ApiPromiseLike): ApiPromiseLike => {
    const { asResponse, withResponse, _thenUnwrap: thenUnwrap } = p;
    method(p, 'withResponse', function (this: ApiPromiseLike) {
      parsing = true;
      return withResponse.call(this);
    });
    method(p, 'asResponse', function (this: ApiPromiseLike) {
      const raw = asResponse.call(this);
      // The caller reads the body itself: the span ends when the response arrives, without outputs.
      if (!parsing) {
        raw.then(
          (response) =>
            once(() => {
              span.setAttributes({ 'http.response.status_code': response.status, 'loupe.openai.raw_response': true });
              span.end();
            }),
          () => {},
        );
      }
      return raw;
    });
    method(p, '_thenUnwrap', function (this: ApiPromiseLike, transform: (data: unknown) => unknown) {
      return instrument(thenUnwrap.call(this, transform));
    });
    return p;
  };
  return instrument(traced);
}

/**
 * Observes a `Stream` in place. openai's Stream reads from its `iterator` property both in
 * `[Symbol.asyncIterator]` and in `tee()`, so that is the one observed: every way of reading
 * (for await, tee, toReadableStream, the ChatCompletionStream helpers) goes through it.
 */
function watchStream(loupe: Loupe, span: LoupeSpan, endpoint: Endpoint, params: unknown, stream: OpenAIStream): void {
  const assembler = endpoint.assembler!();
  let chunks = 0;
  let ended = false;
  const finish = (kind: 'done' | 'cancelled' | 'error', error?: unknown) => {
    if (ended) return;
    ended = true;
    try {
      span.setAttribute('loupe.stream.chunks', chunks);
      endpoint.record(span, params, assembler.result());
      // The library ends an aborted stream (`stream.controller.abort()`) as if it were done.
      if (kind === 'cancelled' || (kind === 'done' && stream.controller?.signal.aborted)) span.setAttribute('loupe.stream.cancelled', true);
      if (kind === 'error') recordError(span, error);
    } catch (err) {
      loupe.config.diagnostics.warn(`integration ${endpoint.name}: recording the stream failed`, err);
    }
    span.end();
  };
  const observe = (inner: AsyncIterator<unknown>): AsyncIterator<unknown> => ({
    async next(...args: [] | [unknown]) {
      let step: IteratorResult<unknown>;
      try {
        step = await inner.next(...args);
      } catch (error) {
        finish('error', error);
        throw error;
      }
      if (step.done) finish('done');
      else {
        try {
          if (chunks++ === 0) span.addEvent('loupe.stream.first_chunk');
          assembler.add(step.value);
        } catch {
          // Tracing must not break the stream.
        }
      }
      return step;
    },
    async return(value?: unknown) {
      finish('cancelled');
      return inner.return ? inner.return(value) : { done: true, value };
    },
    async throw(error?: unknown) {
      finish('error', error);
      if (inner.throw) return inner.throw(error);
      throw error;
    },
  });
  const own = Object.getOwnPropertyDescriptor(stream, 'iterator');
  if (own && typeof own.value === 'function') {
    const original = own.value as () => AsyncIterator<unknown>;
    Object.defineProperty(stream, 'iterator', { ...own, value: () => observe(original.call(stream)) });
  } else {
    const original = stream[Symbol.asyncIterator].bind(stream);
    Object.defineProperty(stream, Symbol.asyncIterator, { configurable: true, writable: true, value: () => observe(original()) });
  }
}
