import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-server.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
  fake.route('POST', /^\/v1\/models\/(?<model>[^/]+)$/, (req) => ({ json: { model: req.params.model, echo: req.json } }));
});
afterAll(() => fake.close());

describe('fake provider server', () => {
  it('answers from routes, then from queued replies first, and records requests', async () => {
    fake.enqueue('POST', /^\/v1\/models\//, { status: 429, headers: { 'retry-after': '0' }, json: { error: { message: 'slow down' } } });
    const post = () => fetch(`${fake.url}/v1/models/m1`, { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } });
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('0');
    expect(await (await post()).json()).toEqual({ model: 'm1', echo: { a: 1 } });
    expect(fake.requests.map((r) => r.json)).toEqual([{ a: 1 }, { a: 1 }]);
    expect((await fetch(`${fake.url}/nowhere`)).status).toBe(404);
  });

  it('streams server-sent events and raw chunks, and can drop the connection mid-stream', async () => {
    fake.enqueue('GET', '/sse', { sse: [{ event: 'delta', data: { t: 'a' } }, { data: '[DONE]' }] });
    expect(await (await fetch(`${fake.url}/sse`)).text()).toBe('event: delta\ndata: {"t":"a"}\n\ndata: [DONE]\n\n');
    fake.enqueue('GET', '/raw', { chunks: [Buffer.from([1, 2]), Buffer.from([3])] });
    expect([...new Uint8Array(await (await fetch(`${fake.url}/raw`)).arrayBuffer())]).toEqual([1, 2, 3]);
    fake.enqueue('GET', '/cut', { sse: [{ data: 1 }, { data: 2 }], hangupAfter: 1 });
    const cut = await fetch(`${fake.url}/cut`);
    await expect(cut.text()).rejects.toThrow();
    fake.enqueue('GET', '/gone', { hangup: true });
    await expect(fetch(`${fake.url}/gone`)).rejects.toThrow();
  });
});
