import { observeStream, type StreamEnd } from '@loupe/sdk/genai';

/** What {@link observeGenerator} reports. */
export interface GeneratorObserver<C> {
  onChunk(chunk: C): void;
  onEnd(end: StreamEnd): void;
}

/**
 * Observes an async generator in place, like the kit's `observeStream`, but through its own
 * `next` / `return` / `throw`: `@google/genai` hands out async generators, which a reader may
 * drive with `next()` directly instead of `for await`, and both ways must end the span. Objects
 * without a `next` method fall back to `observeStream`. Observer failures are swallowed.
 *
 * @example
 * observeGenerator(stream, { onChunk: (c) => chunks.push(c), onEnd: (end) => finish(span, chunks, end) });
 */
export function observeGenerator<G extends AsyncIterable<C>, C>(generator: G, observer: GeneratorObserver<C>): G {
  const g = generator as G & Partial<AsyncGenerator<C>>;
  if (typeof g.next !== 'function') return observeStream(generator, observer as GeneratorObserver<never>);
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
  const next = g.next.bind(g);
  const ret = g.return?.bind(g);
  const thr = g.throw?.bind(g);
  const define = (key: 'next' | 'return' | 'throw', value: (arg?: unknown) => Promise<IteratorResult<C>>) =>
    Object.defineProperty(g, key, { value, writable: true, configurable: true, enumerable: false });
  define('next', async (...args: unknown[]) => {
    let step: IteratorResult<C>;
    try {
      step = await next(...(args as []));
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
  });
  if (ret) {
    define('return', async (value?: unknown) => {
      end({ kind: 'cancelled' });
      return ret(value as never);
    });
  }
  if (thr) {
    define('throw', async (error?: unknown) => {
      end({ kind: 'error', error });
      return thr(error);
    });
  }
  return generator;
}
