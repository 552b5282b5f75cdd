import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { Loupe } from '../instance/loupe.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { testLoupe } from '../testing/test-loupe.js';
import { bindContext } from './context-manager.js';

describe('manual tracing against a real Loupe server', () => {
  let server: TestServer;
  let loupe: Loupe;
  let exp: string;

  beforeAll(async () => {
    server = await startTestServer();
    exp = await server.experiment('tracing');
    loupe = testLoupe(server.url, exp);
  });
  afterAll(async () => {
    await loupe?.shutdown();
    await server?.close();
  });

  async function readBack(traceId: string | undefined) {
    expect(traceId).toMatch(/^tr-[0-9a-f]{32}$/);
    await loupe.flushTraces();
    const t = await loupe.client.getTrace(traceId as string);
    expect(t).toBeDefined();
    return t!;
  }

  it('traces a sync function: named inputs, outputs, type, timing, trace info', async () => {
    function add(a: number, b = 2, ...more: number[]) {
      return a + b + more.reduce((x, y) => x + y, 0);
    }
    const traced = loupe.trace(add, { spanType: 'TOOL', attributes: { version: 3, owner: 'core' } });
    expect(traced(1, 2, 3, 4)).toBe(10);
    expect(traced.name).toBe('add');
    const t = await readBack(loupe.getLastActiveTraceId());
    expect(t.spans).toHaveLength(1);
    const [span] = t.spans;
    expect(span).toMatchObject({ name: 'add', spanType: 'TOOL', status: 'OK', parentId: null, inputs: { a: 1, b: 2, more: [3, 4] }, outputs: 10 });
    expect(span!.attributes).toMatchObject({ version: 3, owner: 'core', 'mlflow.spanFunctionName': 'add', 'mlflow.traceRequestId': t.info.trace_id });
    expect(span!.durationMs).toBeGreaterThanOrEqual(0);
    expect(t.info).toMatchObject({
      state: 'OK',
      request_preview: '{"a":1,"b":2,"more":[3,4]}',
      response_preview: '10',
      tags: { 'mlflow.traceName': 'add' },
      trace_metadata: { 'mlflow.trace_schema.version': '3' },
    });
    expect(t.info.execution_duration).toMatch(/^\d+(\.\d+)?s$/);
  });

  it('traces async functions with nesting, context across await, timers and emitters', async () => {
    const emitter = new EventEmitter();
    const seenInListener: (string | undefined)[] = [];
    const retrieve = loupe.trace(
      async (query: string) => {
        await new Promise((r) => setTimeout(r, 1));
        return [`doc about ${query}`];
      },
      { name: 'retrieve', spanType: 'RETRIEVER' },
    );
    const llm = loupe.trace(async (prompt: string) => `answer(${prompt})`, { name: 'llm', spanType: 'LLM' });
    const agent = loupe.trace(
      async function agent(question: string) {
        const docs = await retrieve(question);
        // A timer callback and an event listener bound here still see this trace.
        await new Promise<void>((resolve) => setTimeout(() => loupe.withSpan(() => resolve(), { name: 'in-timer' }), 1));
        bindContext(emitter).on('tick', () => seenInListener.push(loupe.getCurrentTraceId()));
        return llm(`${question} ${docs.join(',')}`);
      },
      { spanType: 'AGENT' },
    );

    const answer = await agent('refunds');
    // The listener fires from outside any trace, yet runs in the agent's.
    emitter.emit('tick');
    expect(answer).toBe('answer(refunds doc about refunds)');
    const t = await readBack(loupe.getLastActiveTraceId());
    expect(seenInListener).toEqual([t.info.trace_id]);
    const byName = Object.fromEntries(t.spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['agent', 'in-timer', 'llm', 'retrieve']);
    const root = byName.agent!;
    expect(root.parentId).toBeNull();
    for (const n of ['retrieve', 'llm', 'in-timer']) expect(byName[n]!.parentId).toBe(root.spanId);
    expect(byName.retrieve).toMatchObject({ spanType: 'RETRIEVER', inputs: { query: 'refunds' }, outputs: ['doc about refunds'] });
    expect(root.outputs).toBe('answer(refunds doc about refunds)');
  });

  it('records exceptions as ERROR with an exception event and rethrows the same error', async () => {
    class RateLimit extends Error {
      override name = 'RateLimit';
    }
    const err = new RateLimit('slow down');
    const failing = loupe.trace(
      async (_x: number) => {
        throw err;
      },
      { name: 'failing' },
    );
    await expect(failing(1)).rejects.toBe(err);
    const syncFailing = loupe.trace(
      () => {
        throw err;
      },
      { name: 'sync-failing' },
    );
    expect(() => syncFailing()).toThrow(err);
    const t = await readBack(loupe.getLastActiveTraceId());
    expect(t.info.state).toBe('ERROR');
    const [span] = t.spans;
    expect(span).toMatchObject({ name: 'sync-failing', status: 'ERROR', statusMessage: 'RateLimit: slow down' });
    expect(span!.events).toEqual([
      expect.objectContaining({ name: 'exception', attributes: expect.objectContaining({ 'exception.type': 'RateLimit', 'exception.message': 'slow down' }) }),
    ]);
  });

  it('traces generators and async generators: yielded values as outputs, span ends with the iteration', async () => {
    const count = loupe.trace(function* count(n: number) {
      for (let i = 0; i < n; i++) yield i;
      return 'done';
    });
    expect([...count(3)]).toEqual([0, 1, 2]);
    const t1 = await readBack(loupe.getLastActiveTraceId());
    expect(t1.spans[0]).toMatchObject({ name: 'count', inputs: { n: 3 }, outputs: [0, 1, 2], status: 'OK' });

    const stream = loupe.trace(
      async function* stream(prompt: string) {
        for (const word of prompt.split(' ')) {
          await new Promise((r) => setTimeout(r, 1));
          // Work inside the generator is a child of its span.
          loupe.withSpan(() => word, { name: `chunk-${word}` });
          yield word;
        }
      },
      { spanType: 'LLM', outputs: (chunks: string[]) => chunks.join(' ') },
    );
    const words: string[] = [];
    for await (const w of stream('hello big world')) words.push(w);
    expect(words).toEqual(['hello', 'big', 'world']);
    const t2 = await readBack(loupe.getLastActiveTraceId());
    const root = t2.spans.find((s) => s.name === 'stream')!;
    expect(root).toMatchObject({ spanType: 'LLM', outputs: 'hello big world' });
    expect(
      t2.spans
        .filter((s) => s.parentId === root.spanId)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['chunk-big', 'chunk-hello', 'chunk-world']);

    // Closed early: the span still ends, with what was yielded.
    const early = count(10);
    early.next();
    early.return('stopped');
    const t3 = await readBack(loupe.getLastActiveTraceId());
    expect(t3.spans[0]).toMatchObject({ outputs: [0], status: 'OK' });
  });

  it('keeps the wrapped function type (type tests) and this', async () => {
    const typed = loupe.trace(async (q: string, k?: number): Promise<{ q: string; k: number }> => ({ q, k: k ?? 1 }));
    expectTypeOf(typed).toEqualTypeOf<(q: string, k?: number) => Promise<{ q: string; k: number }>>();
    expectTypeOf(
      loupe.trace(function* (n: number) {
        yield n;
        return 'x' as const;
      }),
    ).returns.toEqualTypeOf<Generator<number, 'x', unknown>>();
    const counter = {
      n: 41,
      bump: loupe.trace(function (this: { n: number }, by: number) {
        return (this.n += by);
      }),
    };
    expectTypeOf(counter.bump).parameters.toEqualTypeOf<[by: number]>();
    expect(counter.bump(1)).toBe(42);
    expect(await typed('x')).toEqual({ q: 'x', k: 1 });
  });

  it('withSpan, startSpan/end and updateCurrentTrace shape one trace', async () => {
    const result = await loupe.withSpan(
      async (root) => {
        root.setInputs({ question: 'where is my order?' });
        expect(loupe.getCurrentActiveSpan()?.spanId).toBe(root.spanId);
        loupe.updateCurrentTrace({ tags: { env: 'test' }, metadata: { release: '7' }, sessionId: 's-1', userId: 'ann', clientRequestId: 'req-42' });
        const manual = loupe.startSpan({ name: 'lookup', spanType: 'TOOL', inputs: { id: 7 } });
        const child = loupe.startSpan({ name: 'child-of-manual', parent: manual });
        child.end({ outputs: 'ok' });
        manual.setTokenUsage({ input_tokens: 3, output_tokens: 4 }).end({ outputs: { found: true } });
        return 'shipped';
      },
      { name: 'support', spanType: 'AGENT' },
    );
    expect(result).toBe('shipped');
    const t = await readBack(loupe.getLastActiveTraceId());
    expect(t.info).toMatchObject({
      client_request_id: 'req-42',
      tags: { env: 'test', 'mlflow.traceName': 'support' },
      trace_metadata: { release: '7', 'mlflow.trace.session': 's-1', 'mlflow.trace.user': 'ann' },
      request_preview: '{"question":"where is my order?"}',
      response_preview: '"shipped"',
    });
    const names = Object.fromEntries(t.spans.map((s) => [s.name, s]));
    expect(names.lookup).toMatchObject({ parentId: names.support!.spanId, spanType: 'TOOL', inputs: { id: 7 }, outputs: { found: true } });
    expect(names['child-of-manual']!.parentId).toBe(names.lookup!.spanId);
    expect(names.lookup!.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 3, output_tokens: 4, total_tokens: 7 });
    // Outside any trace there is nothing to update, and it says so instead of throwing.
    expect(loupe.updateCurrentTrace({ tags: { x: 'y' } })).toBe(false);
  });

  it('never throws into user code: odd values, throwing toJSON, tracing off', async () => {
    const circular: Record<string, unknown> = { big: 10n };
    circular.self = circular;
    const weird = loupe.trace(
      (x: unknown) => ({
        toJSON: () => {
          throw new Error('nope');
        },
        x,
      }),
      { name: 'weird' },
    );
    expect(() => weird(circular)).not.toThrow();
    const t = await readBack(loupe.getLastActiveTraceId());
    expect(t.spans[0]!.inputs).toEqual({ x: { big: '10', self: '[Circular]' } });

    loupe.setTracingEnabled(false);
    const before = loupe.getLastActiveTraceId();
    expect(loupe.trace((a: number) => a * 2)(21)).toBe(42);
    expect(loupe.withSpan(() => 'untraced')).toBe('untraced');
    expect(loupe.getLastActiveTraceId()).toBe(before);
    loupe.setTracingEnabled(true);
  });
});
