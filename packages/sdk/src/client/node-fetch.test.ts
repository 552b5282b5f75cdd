import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetch } from './node-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('nodeFetch (fetch on node:http with keep-alive)', () => {
  let server: http.Server;
  let base: string;
  let other: http.Server;
  let otherBase: string;
  const seen: Seen[] = [];
  const sockets = new Set<unknown>();

  function listen(handler: http.RequestListener): Promise<[http.Server, string]> {
    const s = http.createServer(handler);
    return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve([s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`])));
  }

  beforeAll(async () => {
    [other, otherBase] = await listen((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
      res.end('elsewhere');
    });
    [server, base] = await listen((req, res) => {
      sockets.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const path = req.url ?? '';
        if (path === '/json') {
          res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
          res.end(JSON.stringify({ echo: body, method: req.method }));
        } else if (path === '/chunked') {
          // No Content-Length: streamed in three writes, each on a later turn of the event loop.
          res.writeHead(200);
          res.write('one,');
          setImmediate(() => {
            res.write('two,');
            setImmediate(() => res.end('three'));
          });
        } else if (path === '/large') {
          const big = 'x'.repeat(3 << 20);
          res.writeHead(200, { 'content-length': String(big.length) });
          res.end(big);
        } else if (path === '/empty') {
          res.writeHead(204);
          res.end();
        } else if (path === '/slow') {
          // Never answers: the caller's signal ends the request (the connection is closed at teardown).
        } else if (path === '/see-other') {
          res.writeHead(303, { location: '/json' });
          res.end();
        } else if (path === '/temporary') {
          res.writeHead(307, { location: '/json' });
          res.end();
        } else if (path === '/away') {
          res.writeHead(302, { location: `${otherBase}/landing` });
          res.end();
        } else if (path === '/loop') {
          res.writeHead(302, { location: '/loop' });
          res.end();
        } else {
          res.writeHead(404);
          res.end('no such path');
        }
      });
    });
  });
  afterAll(async () => {
    server.closeAllConnections();
    other.closeAllConnections();
    await new Promise((r) => server.close(r));
    await new Promise((r) => other.close(r));
  });

  it('sends a string body with its length and answers a web Response with status, headers and body', async () => {
    const res = await nodeFetch(`${base}/json`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-one': '1' }, body: '{"a":1}' });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ echo: '{"a":1}', method: 'POST' });
    expect(seen.at(-1)?.headers).toMatchObject({ 'content-length': '7', 'x-one': '1', 'content-type': 'application/json' });
  });

  it('sends bytes, web streams and async iterables whole', async () => {
    const bytes = new TextEncoder().encode('bytes!');
    expect(await (await nodeFetch(`${base}/json`, { method: 'PUT', body: bytes })).json()).toEqual({ echo: 'bytes!', method: 'PUT' });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('str'));
        c.enqueue(new TextEncoder().encode('eam'));
        c.close();
      },
    });
    expect(await (await nodeFetch(`${base}/json`, { method: 'POST', body: stream, duplex: 'half' })).json()).toEqual({ echo: 'stream', method: 'POST' });
    async function* parts() {
      yield new TextEncoder().encode('it');
      yield new TextEncoder().encode('er');
    }
    const iterable = parts() as unknown as RequestInit['body'];
    expect(await (await nodeFetch(`${base}/json`, { method: 'POST', body: iterable, duplex: 'half' })).json()).toEqual({ echo: 'iter', method: 'POST' });
  });

  it('streams bodies without a length and bodies over 1 MiB', async () => {
    const chunked = await nodeFetch(`${base}/chunked`);
    expect(chunked.body).toBeInstanceOf(ReadableStream);
    expect(await chunked.text()).toBe('one,two,three');
    const large = await nodeFetch(`${base}/large`);
    let total = 0;
    for await (const chunk of large.body as unknown as AsyncIterable<Uint8Array>) total += chunk.byteLength;
    expect(total).toBe(3 << 20);
  });

  it('answers 204 with a null body and keeps error statuses as answers', async () => {
    const empty = await nodeFetch(`${base}/empty`, { method: 'DELETE' });
    expect([empty.status, empty.body]).toEqual([204, null]);
    const missing = await nodeFetch(`${base}/nothing`);
    expect([missing.status, await missing.text()]).toEqual([404, 'no such path']);
  });

  it('reuses connections between requests (keep-alive)', async () => {
    sockets.clear();
    for (let i = 0; i < 5; i++) await (await nodeFetch(`${base}/json`)).text();
    expect(sockets.size).toBe(1);
  });

  it('rejects with the signal reason on a timeout or abort, and with a TypeError when the connection fails', async () => {
    await expect(nodeFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
    const controller = new AbortController();
    controller.abort(new Error('stopped by caller'));
    await expect(nodeFetch(`${base}/json`, { signal: controller.signal })).rejects.toThrow('stopped by caller');
    const closed = await listen(() => undefined);
    const port = (closed[0].address() as AddressInfo).port;
    await new Promise((r) => closed[0].close(r));
    await expect(nodeFetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(TypeError);
  });

  it('follows redirects as fetch does: 303 becomes a GET, 307 replays the body, another origin loses the authorization header', async () => {
    const seeOther = await nodeFetch(`${base}/see-other`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'gone' });
    expect(await seeOther.json()).toEqual({ echo: '', method: 'GET' });
    const temporary = await nodeFetch(`${base}/temporary`, { method: 'POST', body: 'kept' });
    expect(await temporary.json()).toEqual({ echo: 'kept', method: 'POST' });
    const away = await nodeFetch(`${base}/away`, { headers: { authorization: 'Bearer secret', 'x-keep': 'yes' } });
    expect(await away.text()).toBe('elsewhere');
    expect(seen.at(-1)).toMatchObject({ url: '/landing', headers: { 'x-keep': 'yes' } });
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
    await expect(nodeFetch(`${base}/loop`)).rejects.toThrow('more than 5 redirects');
    const manual = await nodeFetch(`${base}/see-other`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([303, '/json']);
  });
});
