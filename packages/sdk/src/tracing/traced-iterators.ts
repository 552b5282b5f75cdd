import { context as otelContext, type Context } from '@opentelemetry/api';
import type { LoupeSpan } from './loupe-span.js';
import { endError, endOk, type TracingEnv } from './span-factory.js';

/** Yielded values kept as a generator span's outputs; later ones are counted, not kept. */
export const MAX_RECORDED_CHUNKS = 10_000;

type OutputsOption = false | ((chunks: never) => unknown) | undefined;

/** Collects yielded values and ends the span exactly once. */
class ChunkRecorder {
  readonly chunks: unknown[] = [];
  private ended = false;
  private omitted = 0;

  constructor(
    private readonly env: TracingEnv,
    private readonly span: LoupeSpan,
    private readonly outputs: OutputsOption,
  ) {}

  push(value: unknown): void {
    if (!this.span.isRecording) return;
    if (this.chunks.length < MAX_RECORDED_CHUNKS) this.chunks.push(value);
    else this.omitted++;
  }

  ok(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.omitted > 0) this.span.setAttribute('loupe.outputs.omittedChunks', this.omitted);
    endOk(this.env, this.span, this.chunks, this.outputs);
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    endError(this.span, error);
  }
}

/**
 * Wraps a generator so each step runs inside the span's context; the span ends when the generator
 * finishes, throws or is closed early, with the yielded values as outputs.
 *
 * @example
 * const traced = traceGenerator(env, span, ctx, gen, undefined);
 */
export function traceGenerator<T, R, N>(env: TracingEnv, span: LoupeSpan, ctx: Context, gen: Generator<T, R, N>, outputs: OutputsOption): Generator<T, R, N> {
  const rec = new ChunkRecorder(env, span, outputs);
  const step = (run: () => IteratorResult<T, R>): IteratorResult<T, R> => {
    let res: IteratorResult<T, R>;
    try {
      res = otelContext.with(ctx, run);
    } catch (err) {
      rec.fail(err);
      throw err;
    }
    if (res.done) rec.ok();
    else rec.push(res.value);
    return res;
  };
  const wrapped: Generator<T, R, N> = {
    next: (...args: [] | [N]) => step(() => gen.next(...args)),
    return: (value: R) => step(() => gen.return(value)),
    throw: (error: unknown) => step(() => gen.throw(error)),
    [Symbol.iterator]() {
      return wrapped;
    },
    [Symbol.toStringTag]: 'Generator',
  } as Generator<T, R, N>;
  return wrapped;
}

/**
 * The async generator counterpart of {@link traceGenerator}.
 *
 * @example
 * const traced = traceAsyncGenerator(env, span, ctx, gen, (chunks) => chunks.join(''));
 */
export function traceAsyncGenerator<T, R, N>(
  env: TracingEnv,
  span: LoupeSpan,
  ctx: Context,
  gen: AsyncGenerator<T, R, N>,
  outputs: OutputsOption,
): AsyncGenerator<T, R, N> {
  const rec = new ChunkRecorder(env, span, outputs);
  const step = async (run: () => Promise<IteratorResult<T, R>>): Promise<IteratorResult<T, R>> => {
    let res: IteratorResult<T, R>;
    try {
      res = await otelContext.with(ctx, run);
    } catch (err) {
      rec.fail(err);
      throw err;
    }
    if (res.done) rec.ok();
    else rec.push(res.value);
    return res;
  };
  const wrapped: AsyncGenerator<T, R, N> = {
    next: (...args: [] | [N]) => step(() => gen.next(...args)),
    return: (value: R | PromiseLike<R>) => step(() => gen.return(value)),
    throw: (error: unknown) => step(() => gen.throw(error)),
    [Symbol.asyncIterator]() {
      return wrapped;
    },
    [Symbol.toStringTag]: 'AsyncGenerator',
  } as AsyncGenerator<T, R, N>;
  return wrapped;
}
