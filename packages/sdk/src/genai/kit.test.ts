import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Loupe } from '../instance/loupe.js';
import { testLoupe } from '../testing/test-loupe.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { observeStream, originalOf, patchMethod, recordLlm, traceCall } from './kit.js';

let server: TestServer;
let loupe: Loupe;
let unpriced: Loupe;
const memory = new InMemorySpanExporter();
const unpricedMemory = new InMemorySpanExporter();

beforeAll(async () => {
  server = await startTestServer();
  const exp = await server.experiment('kit');
  loupe = testLoupe(server.url, exp, { spanExporters: [memory] });
  unpriced = testLoupe(server.url, exp, { spanExporters: [unpricedMemory], pricing: false });
});
afterAll(async () => {
  await loupe.shutdown();
  await unpriced.shutdown();
  await server.close();
});
beforeEach(() => memory.reset());

async function spans() {
  await loupe.flushTraces();
  return memory.getFinishedSpans();
}
const attr = (s: { attributes: Record<string, unknown> }, k: string) =>
  typeof s.attributes[k] === 'string' ? JSON.parse(s.attributes[k] as string) : undefined;

class SubPromise<T> extends Promise<T> {
  extra() {
    return 'kept';
  }
}

describe('patchMethod', () => {
  it('wraps once, keeps the original reachable, and refuses what is not a method', () => {
    const target = {
      n: 1,
      hello(x: number) {
        return x + this.n;
      },
    };
    expect(
      patchMethod(
        target,
        'hello',
        (original) =>
          function (this: unknown, x: number) {
            return original.call(this, x) * 10;
          },
      ),
    ).toBe(true);
    expect(
      patchMethod(
        target,
        'hello',
        (original) =>
          function (this: unknown, x: number) {
            return original.call(this, x) * 100;
          },
      ),
    ).toBe(false);
    expect(target.hello(1)).toBe(20);
    expect(originalOf(target.hello)?.call(target, 1)).toBe(2);
    expect(patchMethod(target, 'n', (o) => o)).toBe(false);
    expect(patchMethod(target, 'missing', (o) => o)).toBe(false);
  });
});

describe('traceCall', () => {
  it('returns the library promise object itself and records its value; children nest', async () => {
    const promise = traceCall(
      loupe,
      { name: 'call', spanType: 'LLM', inputs: { q: 1 } },
      () => {
        const child = loupe.startSpan({ name: 'child' });
        child.end();
        return SubPromise.resolve(41) as SubPromise<number>;
      },
      (span, value) => {
        span.setOutputs(value + 1);
      },
    );
    expect(promise).toBeInstanceOf(SubPromise);
    expect(promise.extra()).toBe('kept');
    expect(await promise).toBe(41);
    const [call, child] = (await spans()).sort((a, b) => a.name.localeCompare(b.name));
    expect(call!.name).toBe('call');
    expect(attr(call!, 'mlflow.spanOutputs')).toBe(42);
    expect(child!.parentSpanContext?.spanId).toBe(call!.spanContext().spanId);
  });

  it('records throws and rejections with the HTTP status, and passes the error on unchanged', async () => {
    const err = Object.assign(new Error('Rate limit reached'), { status: 429 });
    await expect(
      traceCall(
        loupe,
        { name: 'limited', spanType: 'LLM' },
        () => Promise.reject(err),
        () => {},
      ),
    ).rejects.toBe(err);
    expect(() =>
      traceCall(
        loupe,
        { name: 'thrown', spanType: 'LLM' },
        () => {
          throw new TypeError('bad');
        },
        () => {},
      ),
    ).toThrow(TypeError);
    const byName = Object.fromEntries((await spans()).map((s) => [s.name, s]));
    expect(byName.limited!.status.code).toBe(2);
    expect(attr(byName.limited!, 'http.response.status_code')).toBe(429);
    expect(byName.limited!.events[0]!.name).toBe('exception');
    expect(byName.thrown!.status.message).toContain('TypeError: bad');
  });

  it('a failing recorder never reaches the caller; "open" leaves the span to the recorder', async () => {
    const value = await traceCall(
      loupe,
      { name: 'recorder-fails', spanType: 'LLM' },
      async () => 'fine',
      () => {
        throw new Error('recorder bug');
      },
    );
    expect(value).toBe('fine');
    let later: (() => void) | undefined;
    await traceCall(
      loupe,
      { name: 'open', spanType: 'LLM' },
      async () => 1,
      (span) => {
        later = () => span.end();
        return 'open';
      },
    );
    expect((await spans()).map((s) => s.name)).toEqual(['recorder-fails']);
    later!();
    expect((await spans()).map((s) => s.name)).toContain('open');
  });
});

describe('observeStream', () => {
  async function* numbers(n: number, failAt?: number) {
    for (let i = 0; i < n; i++) {
      if (i === failAt) throw new Error('stream broke');
      yield i;
    }
  }
  const holder = (n: number, failAt?: number) => ({ label: 'kept', [Symbol.asyncIterator]: () => numbers(n, failAt)[Symbol.asyncIterator]() });

  it('sees every chunk and ends once: read to the end, stopped early, or failed', async () => {
    const seen: number[] = [];
    const ends: string[] = [];
    const s = observeStream(holder(3), { onChunk: (c) => seen.push(c), onEnd: (e) => ends.push(e.kind) });
    expect(s.label).toBe('kept');
    const read: number[] = [];
    for await (const c of s) read.push(c);
    expect(read).toEqual([0, 1, 2]);
    expect(seen).toEqual([0, 1, 2]);
    for await (const c of observeStream(holder(5), { onChunk: () => {}, onEnd: (e) => ends.push(e.kind) })) if (c === 1) break;
    await expect(async () => {
      for await (const _ of observeStream(holder(5, 2), { onChunk: () => {}, onEnd: (e) => ends.push(e.kind) })) void _;
    }).rejects.toThrow('stream broke');
    expect(ends).toEqual(['done', 'cancelled', 'error']);
  });
});

describe('cost from the price catalog', () => {
  it('is added when an LLM span with model and usage ends, unless it has one or pricing is off', async () => {
    for (const l of [loupe, unpriced]) {
      l.withSpan((span) => recordLlm(span, { model: 'gpt-4o-mini-2024-07-18', provider: 'openai', usage: { input_tokens: 1000, output_tokens: 200 } }), {
        name: 'priced',
        spanType: 'CHAT_MODEL',
      });
    }
    loupe.withSpan(
      (span) => {
        recordLlm(span, { model: 'gpt-4o', usage: { input_tokens: 10, output_tokens: 10 } });
        span.setCost({ total_cost: 9 });
      },
      { name: 'own-cost', spanType: 'LLM' },
    );
    loupe.withSpan((span) => recordLlm(span, { model: 'nobody-knows', usage: { input_tokens: 10, output_tokens: 10 } }), { name: 'unknown', spanType: 'LLM' });
    const byName = Object.fromEntries((await spans()).map((s) => [s.name, s]));
    expect(attr(byName.priced!, 'mlflow.llm.cost')).toEqual({ input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 });
    expect(attr(byName['own-cost']!, 'mlflow.llm.cost')).toEqual({ total_cost: 9 });
    expect(byName.unknown!.attributes['mlflow.llm.cost']).toBeUndefined();
    await unpriced.flushTraces();
    expect(unpricedMemory.getFinishedSpans()[0]!.attributes['mlflow.llm.cost']).toBeUndefined();
    // The server sums span costs into the trace's total.
    const info = await loupe.client.getTraceInfo(`tr-${byName.priced!.spanContext().traceId}`);
    expect(JSON.parse(info.trace_metadata?.['mlflow.trace.cost'] ?? '{}')).toMatchObject({ total_cost: 0.00027 });
  });
});

describe('observeStream on an async generator', () => {
  async function* letters() {
    yield 'a';
    yield 'b';
  }

  it('sees a reader that calls next() by hand, and for-await alike', async () => {
    const ends: string[] = [];
    const seen: string[] = [];
    const g = observeStream(letters(), { onChunk: (c) => seen.push(c), onEnd: (e) => ends.push(e.kind) });
    expect((await g.next()).value).toBe('a');
    expect((await g.next()).value).toBe('b');
    expect((await g.next()).done).toBe(true);
    for await (const c of observeStream(letters(), { onChunk: (c) => seen.push(c), onEnd: (e) => ends.push(e.kind) })) if (c === 'a') break;
    expect(seen).toEqual(['a', 'b', 'a']);
    expect(ends).toEqual(['done', 'cancelled']);
  });
});
