import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake provider received. */
export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body as JSON (undefined when it is not JSON). */
  json: unknown;
  /** The route pattern's named groups, for a RegExp route. */
  params: Record<string, string>;
}

/** One server-sent event; `data` objects are sent as JSON, strings as they are. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

/**
 * An answer: JSON, server-sent events, raw bytes (sent in the given chunks, for binary streams
 * such as AWS event streams), or a dropped connection. `delayMs` waits before answering, and
 * between chunks or events for streams.
 */
export type FakeReply =
  | { status?: number; headers?: Record<string, string>; json: unknown; delayMs?: number }
  | { status?: number; headers?: Record<string, string>; sse: SseEvent[]; delayMs?: number; hangupAfter?: number }
  | { status?: number; headers?: Record<string, string>; chunks: (Buffer | string)[]; delayMs?: number; hangupAfter?: number }
  | { hangup: true; delayMs?: number };

/** Computes the answer to a request. */
export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

interface Route {
  method: string;
  pattern: string | RegExp;
  handler: FakeHandler;
}

/**
 * A local HTTP server speaking LLM providers' wire protocols, so tests run the providers' real
 * client libraries offline. Routes give each path a default behaviour; `enqueue` scripts the next
 * answers of a path (an error, a rate limit, a tool call) ahead of it.
 *
 * @example
 * const fake = await startFakeProvider();
 * installOpenAI(fake);
 * fake.enqueue('POST', '/v1/chat/completions', { status: 429, json: { error: { message: 'slow down', type: 'rate_limit' } } });
 * const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'test', maxRetries: 0 });
 */
export interface FakeProvider {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request so far, oldest first. */
  requests: FakeRequest[];
  /** Sets the default behaviour of a path (a string is matched exactly; a RegExp may name groups). */
  route(method: string, pattern: string | RegExp, handler: FakeHandler): void;
  /** Queues answers that the next requests to the path get, in order, before its route answers again. */
  enqueue(method: string, pattern: string | RegExp, ...replies: (FakeReply | FakeHandler)[]): void;
  /** Forgets queued answers and seen requests (routes stay). */
  reset(): void;
  close(): Promise<void>;
}

function matches(pattern: string | RegExp, path: string): Record<string, string> | undefined {
  if (typeof pattern === 'string') return pattern === path ? {} : undefined;
  const m = pattern.exec(path);
  return m ? { ...(m.groups ?? {}) } : undefined;
}

let idSequence = 0;

/**
 * A unique id for a fake answer (a message, a tool call, a request id): `prefix` and a base-36
 * counter, zero-padded to `width`.
 *
 * @example
 * fakeId('chatcmpl-'); // 'chatcmpl-000001'
 */
export function fakeId(prefix: string, width = 6): string {
  return `${prefix}${(++idSequence).toString(36).padStart(width, '0')}`;
}

/**
 * About 4 characters a token, as a stand-in for a tokenizer; never 0 for non-empty text.
 *
 * @example
 * roughTokens('Hello there'); // 3
 */
export function roughTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sseText(event: SseEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  return `${event.event !== undefined ? `event: ${event.event}\n` : ''}data: ${data}\n\n`;
}

async function send(res: http.ServerResponse, reply: FakeReply): Promise<void> {
  if (reply.delayMs && !('sse' in reply) && !('chunks' in reply)) await sleep(reply.delayMs);
  if ('hangup' in reply) {
    res.socket?.destroy();
    return;
  }
  const status = reply.status ?? 200;
  if ('json' in reply) {
    const body = JSON.stringify(reply.json);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...reply.headers });
    res.end(body);
    return;
  }
  const parts = 'sse' in reply ? reply.sse.map(sseText) : reply.chunks;
  res.writeHead(status, { 'content-type': 'sse' in reply ? 'text/event-stream' : 'application/octet-stream', 'cache-control': 'no-cache', ...reply.headers });
  res.flushHeaders();
  for (let i = 0; i < parts.length; i++) {
    if (reply.hangupAfter !== undefined && i >= reply.hangupAfter) {
      res.socket?.destroy();
      return;
    }
    if (reply.delayMs) await sleep(reply.delayMs);
    res.write(parts[i]);
  }
  res.end();
}

/**
 * Starts a fake provider on a free port of 127.0.0.1.
 *
 * @example
 * const fake = await startFakeProvider();
 * fake.route('POST', '/v1/embeddings', () => ({ json: { data: [] } }));
 */
export async function startFakeProvider(): Promise<FakeProvider> {
  const routes: Route[] = [];
  const queues: { method: string; pattern: string | RegExp; replies: (FakeReply | FakeHandler)[] }[] = [];
  const requests: FakeRequest[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const body = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
        } catch {
          json = undefined;
        }
        const method = req.method ?? 'GET';
        const request: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, json, params: {} };
        requests.push(request);
        try {
          const queue = queues.find((q) => q.method === method && q.replies.length > 0 && matches(q.pattern, url.pathname));
          let reply: FakeReply | undefined;
          if (queue) {
            request.params = matches(queue.pattern, url.pathname) ?? {};
            const next = queue.replies.shift() as FakeReply | FakeHandler;
            reply = typeof next === 'function' ? await next(request) : next;
          } else {
            const route = routes.find((r) => r.method === method && matches(r.pattern, url.pathname));
            if (route) {
              request.params = matches(route.pattern, url.pathname) ?? {};
              reply = await route.handler(request);
            }
          }
          await send(res, reply ?? { status: 404, json: { error: { message: `fake provider: no route for ${method} ${url.pathname}` } } });
        } catch (err) {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `fake provider failed: ${(err as Error).message}` } }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(method, pattern, handler) {
      routes.unshift({ method, pattern, handler });
    },
    enqueue(method, pattern, ...replies) {
      let queue = queues.find((q) => q.method === method && String(q.pattern) === String(pattern));
      if (!queue) {
        queue = { method, pattern, replies: [] };
        queues.push(queue);
      }
      queue.replies.push(...replies);
    },
    reset() {
      queues.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
