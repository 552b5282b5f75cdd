import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { HostResolver } from '../net/public-address.js';
import { systemResolver } from '../net/system-resolver.js';
import { TestClock } from '../testing/test-clock.js';
import { WebhookTransportError } from '../services/webhooks/webhook-transport.js';
import { GuardedHttpTransport } from './guarded-http-transport.js';

/** A loopback server that counts connections and answers with `handler`. */
async function server(handler: http.RequestListener) {
  let connections = 0;
  const requests: string[] = [];
  const s = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  s.on('connection', () => connections++);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  };
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const started = async (handler: http.RequestListener) => {
  const s = await server(handler);
  servers.push(s);
  return s;
};
const post = (transport: GuardedHttpTransport, url: string, extra: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
  transport.post({
    url,
    body: '{"a": 1}',
    headers: { 'Content-Type': 'application/json' },
    timeoutMs: extra.timeoutMs ?? 5000,
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
const open = (resolve: HostResolver = systemResolver, clock = new TestClock()) => new GuardedHttpTransport({ allowPrivateIps: true, resolve, clock });
const guarded = (resolve: HostResolver = systemResolver) => new GuardedHttpTransport({ allowPrivateIps: false, resolve, clock: new TestClock() });

it('posts the body with its headers and returns the status, Retry-After and the body', async () => {
  let got = '';
  const s = await started((req, res) => {
    req.on('data', (c: Buffer) => (got += c.toString()));
    req.on('end', () => res.writeHead(429, { 'retry-after': '7' }).end('slow down'));
  });
  expect(await post(open(), `${s.url}/hook`)).toEqual({ status: 429, retryAfter: '7', body: 'slow down' });
  expect(got).toBe('{"a": 1}');
});

it('never follows a redirect: the 302 is the answer and its target gets nothing', async () => {
  const target = await started((_req, res) => res.end('secret metadata'));
  const s = await started((_req, res) => res.writeHead(302, { location: `${target.url}/latest/meta-data/` }).end());
  expect(await post(open(), `${s.url}/hook`)).toMatchObject({ status: 302, body: '' });
  expect(target.connections()).toBe(0);
});

it('refuses a private IP literal without connecting, and a host with any private answer at lookup', async () => {
  const s = await started((_req, res) => res.end('ok'));
  await expect(post(guarded(), `${s.url}/hook`)).rejects.toMatchObject({
    kind: 'refused',
    message: expect.stringContaining('at 127.0.0.1: not a public address'),
  });
  await expect(post(guarded(), `http://[::1]:${s.port}/hook`)).rejects.toMatchObject({ kind: 'refused' });
  const mixed: HostResolver = async () => [
    { address: '93.184.216.34', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ];
  await expect(post(guarded(mixed), `http://hooks.example.com:${s.port}/hook`)).rejects.toMatchObject({
    kind: 'refused',
    message: expect.stringContaining('hooks.example.com at 127.0.0.1'),
  });
  // The system resolver's localhost is refused the same way.
  await expect(post(guarded(), `http://localhost:${s.port}/hook`)).rejects.toBeInstanceOf(WebhookTransportError);
  expect(s.connections()).toBe(0);
  // Allowed, the same host is reached.
  expect(
    await post(
      open(async () => [{ address: '127.0.0.1', family: 4 }]),
      `http://hooks.example.com:${s.port}/hook`,
    ),
  ).toMatchObject({ status: 200 });
});

it('gives up after the timeout on the injected clock, and when aborted', async () => {
  const clock = new TestClock();
  let arrived: () => void = () => {};
  const s = await started(() => arrived());
  const waiting = new Promise<void>((resolve) => (arrived = resolve));
  const pending = post(open(systemResolver, clock), `${s.url}/hook`, { timeoutMs: 30_000 });
  await waiting;
  clock.advance(29_999);
  clock.advance(1);
  await expect(pending).rejects.toMatchObject({ kind: 'timeout', message: 'No answer within 30000 ms' });

  const halt = new AbortController();
  const again = new Promise<void>((resolve) => (arrived = resolve));
  const aborted = post(open(), `${s.url}/hook`, { signal: halt.signal });
  await again;
  halt.abort();
  await expect(aborted).rejects.toMatchObject({ kind: 'aborted' });
});

it('reports a refused connection as a network error, and keeps at most 64 KiB of an answer', async () => {
  const s = await started((_req, res) => res.end('x'.repeat(200_000)));
  const answer = await post(open(), `${s.url}/hook`);
  expect(answer.body.length).toBe(64 * 1024);
  const port = s.port;
  await s.close();
  servers.splice(0);
  await expect(post(open(), `http://127.0.0.1:${port}/hook`)).rejects.toMatchObject({ kind: 'network' });
});

const fetchPost = (transport: GuardedHttpTransport, url: string, signal?: AbortSignal) =>
  transport.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"stream": true}', ...(signal ? { signal } : {}) });

it('fetch: resolves at the headers and streams the body as it arrives', async () => {
  let release: () => void = () => {};
  const second = new Promise<void>((resolve) => (release = resolve));
  let got = '';
  const s = await started((req, res) => {
    req.on('data', (c: Buffer) => (got += c.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'r1' });
      res.write('data: one\n\n');
      void second.then(() => res.end('data: two\n\n'));
    });
  });
  const answer = await fetchPost(open(), `${s.url}/v1/chat/completions`);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('Content-Type')).toBe('text/event-stream');
  expect(answer.headers.get('x-missing')).toBeNull();
  expect(got).toBe('{"stream": true}');
  const reader = answer.body[Symbol.asyncIterator]();
  // The first piece is readable while the server still holds the second back.
  expect(Buffer.from((await reader.next()).value as Uint8Array).toString()).toBe('data: one\n\n');
  release();
  expect(Buffer.from((await reader.next()).value as Uint8Array).toString()).toBe('data: two\n\n');
  expect((await reader.next()).done).toBe(true);
});

it('fetch: refuses private addresses like post, reports a refused connection as a network error', async () => {
  const s = await started((_req, res) => res.end('ok'));
  await expect(fetchPost(guarded(), `${s.url}/v1`)).rejects.toMatchObject({ kind: 'refused' });
  await expect(
    fetchPost(
      guarded(async () => [{ address: '10.0.0.8', family: 4 }]),
      `http://llm.example.com:${s.port}/v1`,
    ),
  ).rejects.toMatchObject({
    kind: 'refused',
    message: expect.stringContaining('llm.example.com at 10.0.0.8'),
  });
  expect(s.connections()).toBe(0);
  const port = s.port;
  await s.close();
  servers.splice(0);
  await expect(fetchPost(open(), `http://127.0.0.1:${port}/v1`)).rejects.toMatchObject({ kind: 'network' });
});

it('fetch: aborting stops a body being read; text() keeps at most maxFetchBodyBytes', async () => {
  const s = await started((req, res) => {
    if (req.url === '/big') return void res.end('y'.repeat(100_000));
    res.writeHead(200).write('first piece');
  });
  const halt = new AbortController();
  const answer = await fetchPost(open(), `${s.url}/slow`, halt.signal);
  const reader = answer.body[Symbol.asyncIterator]();
  expect(Buffer.from((await reader.next()).value as Uint8Array).toString()).toBe('first piece');
  const rest = reader.next();
  halt.abort();
  await expect(rest).rejects.toBeDefined();

  const capped = new GuardedHttpTransport({ allowPrivateIps: true, resolve: systemResolver, clock: new TestClock(), maxFetchBodyBytes: 1000 });
  expect((await (await fetchPost(capped, `${s.url}/big`)).text()).length).toBe(1000);
  expect((await (await fetchPost(open(), `${s.url}/big`)).text()).length).toBe(100_000);
});
