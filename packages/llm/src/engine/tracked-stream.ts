import type { LlmCost } from '@loupe/protocol/pricing';
import { LlmError } from '../errors.js';
import type { ChatCompletionChunk, ChatUsage } from '../types.js';
import type { OpenedStream } from './provider-call.js';

/** How a stream ended: its usage and cost, or the error that broke it off. */
export interface StreamSummary {
  usage: ChatUsage | undefined;
  cost: LlmCost | undefined;
  error: LlmError | undefined;
}

/**
 * The chunks of an opened stream for its consumer, and a summary that settles (never rejects) when
 * they are read to the end, break off (the error is rethrown to the consumer as an LlmError), or the
 * consumer stops them, which stops the provider's answer too.
 *
 * @example
 * const { chunks, summary } = trackStream(opened, (usage) => prices.cost(model, ...));
 */
export function trackStream(
  opened: OpenedStream,
  price: (usage: ChatUsage | undefined) => LlmCost | undefined,
): { chunks: AsyncIterableIterator<ChatCompletionChunk>; summary: Promise<StreamSummary> } {
  let settle!: (summary: StreamSummary) => void;
  const summary = new Promise<StreamSummary>((resolve) => (settle = resolve));
  let usage: ChatUsage | undefined;
  const finish = (error?: LlmError) => settle({ usage, cost: price(usage), error });

  async function* read(): AsyncGenerator<ChatCompletionChunk> {
    let ended = false;
    try {
      let next: IteratorResult<ChatCompletionChunk> = { done: false, value: opened.first };
      while (!next.done) {
        if (next.value.usage) usage = next.value.usage;
        yield next.value;
        next = await opened.rest.next();
      }
      ended = true;
      finish();
    } catch (err) {
      ended = true;
      const error = err instanceof LlmError ? err : new LlmError('connection', (err as Error).message ?? String(err), 502, { cause: err });
      finish(error);
      throw error;
    } finally {
      // The consumer left early: stop the provider's answer.
      if (!ended) {
        opened.cancel();
        finish();
      }
    }
  }

  const generator = read();
  let reading = false;
  const chunks: AsyncIterableIterator<ChatCompletionChunk> = {
    next: () => {
      reading = true;
      return generator.next();
    },
    return: async () => {
      // A generator never started skips its finally: stop the answer here.
      if (!reading) {
        opened.cancel();
        finish();
      }
      return generator.return(undefined);
    },
    [Symbol.asyncIterator]: () => chunks,
  };
  return { chunks, summary };
}
