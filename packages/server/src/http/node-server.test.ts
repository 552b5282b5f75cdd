import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClock } from '../testing/test-clock.js';
import { createNodeServer, LINGER_MS, type NodeServer } from './node-server.js';
import { RawConnection } from './testing/raw-http.js';

/** A promise and its resolver, for handlers a test holds open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: loupe\r\n\r\n`;
const post = (path: string, length: number) => `POST ${path} HTTP/1.1\r\nHost: loupe\r\nContent-Length: ${length}\r\n\r\n`;

describe('createNodeServer: connections over real sockets', () => {
  let server: NodeServer | undefined;
  let clock: TestClock;
  const connections: RawConnection[] = [];

  /** Serves an app whose `/slow` waits for `slow.open()` and whose `/refuse` answers 413 without reading the body. */
  async function start(slow = gate(), started = gate()): Promise<string> {
    const app = new Hono();
    app.get('/fast', (c) => c.text('fast'));
    app.post('/slow', async (c) => {
      started.open();
      await slow.promise;
      return c.text('slow');
    });
    app.post('/refuse', () => new Response('{"error_code":"RESOURCE_LIMIT_EXCEEDED"}', { status: 413, headers: { connection: 'close' } }));
    clock = new TestClock();
    server = createNodeServer({ fetch: app.fetch, clock });
    const address = await server.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${address.port}`;
  }
  const connect = async (url: string) => {
    const conn = await RawConnection.open(url);
    connections.push(conn);
    return conn;
  };

  afterEach(async () => {
    for (const conn of connections.splice(0)) conn.close();
    const closing = server?.close(0);
    clock?.advance(0);
    await closing;
    server = undefined;
  });

  it('answers requests that arrive during shutdown with 503 (kept-alive and new connections) while the one in flight finishes', async () => {
    const slow = gate();
    const started = gate();
    const url = await start(slow, started);
    const kept = await connect(url);
    await kept.write(get('/fast'));
    expect(await kept.response()).toMatchObject({ status: 200, body: 'fast', headers: { connection: 'keep-alive' } });
    const busy = await connect(url);
    await busy.write(post('/slow', 0));
    await started.promise;

    const closing = server!.close(60_000);
    await kept.write(get('/fast'));
    const refused = await kept.response();
    expect(refused).toMatchObject({ status: 503, headers: { connection: 'close', 'retry-after': '1', 'content-type': 'application/json' } });
    expect(JSON.parse(refused.body)).toEqual({ error_code: 'TEMPORARILY_UNAVAILABLE', message: expect.stringMatching(/shutting down/) });
    await kept.whenEnded();
    expect(kept.error).toBeUndefined();

    // Until nothing is in flight the listener stays open, so a new connection gets the same answer, not a refusal.
    const late = await connect(url);
    await late.write(get('/fast'));
    expect((await late.response()).status).toBe(503);

    slow.open();
    expect(await busy.response()).toMatchObject({ status: 200, body: 'slow', headers: { connection: 'close' } });
    await closing;
    await expect(RawConnection.open(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('closes at once when nothing is in flight, and cuts what is still busy when the grace period ends', async () => {
    const url = await start();
    const idle = await connect(url);
    await idle.write(get('/fast'));
    await idle.response();
    const closing = server!.close(5_000);
    await idle.whenEnded();
    await closing;

    const started = gate();
    const busyUrl = await start(gate(), started);
    const busy = await connect(busyUrl);
    await busy.write(post('/slow', 0));
    await started.promise;
    let closed = false;
    const stopping = server!.close(1_000).then(() => (closed = true));
    clock.advance(999);
    await new Promise((resolve) => setImmediate(resolve));
    expect([closed, busy.closed]).toEqual([false, false]);
    clock.advance(1);
    await busy.whenEnded();
    await stopping;
    expect(closed).toBe(true);
  });

  it('after answering before the body arrived, sends FIN and drops the rest of the body, for at most the linger time', async () => {
    const url = await start();
    const conn = await connect(url);
    await conn.write(post('/refuse', 10 * 1024 * 1024));
    await conn.write(new Uint8Array(256 * 1024));
    expect(await conn.response()).toMatchObject({ status: 413, headers: { connection: 'close' } });
    // The answer came with a FIN, yet the connection still takes the body (no reset), so a client that
    // sends everything before reading, as Python's does, reads the 413.
    while (!conn.ended) if (!(await conn.write(new Uint8Array(1024)))) break;
    for (let i = 0; i < 8; i++) expect(await conn.write(new Uint8Array(256 * 1024))).toBe(true);
    expect(conn.error).toBeUndefined();

    clock.advance(LINGER_MS);
    // Cut: a write soon meets a reset.
    for (let i = 0; i < 1000; i++) if (!(await conn.write(new Uint8Array(64 * 1024)))) break;
    await conn.whenClosed();
    expect(conn.error?.code).toMatch(/ECONNRESET|EPIPE/);
  });
});
