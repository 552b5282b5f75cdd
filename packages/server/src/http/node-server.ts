import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { ApiError } from '@loupe/protocol';
import type { Clock } from '../clock.js';

/**
 * How long a connection answered before its request body arrived (a 413, a 503 during shutdown) keeps
 * taking and dropping that body after the answer, before it is cut. nginx's `lingering_timeout` is 5 s.
 */
export const LINGER_MS = 5_000;
/** The `Retry-After` of a request refused because the server is stopping: a restart takes about a second. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 1;

/** What {@link createNodeServer} serves and with which timers. */
export interface NodeServerOptions {
  /** The app's fetch handler (`app.fetch` of a Hono app). */
  fetch: (request: Request, env: { incoming: IncomingMessage; outgoing: ServerResponse }) => Response | Promise<Response>;
  /** Times the shutdown grace period and lingering closes. */
  clock: Clock;
  /** How long a lingering close may take (default {@link LINGER_MS}). */
  lingerMs?: number;
}

/** A Node HTTP server around the app, with Loupe's connection handling. */
export interface NodeServer {
  /** Listens on `host:port`; rejects with Node's error (`EADDRINUSE`, `EACCES`, ...) and then holds nothing. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops: requests already in flight finish (their answers close their connections); every request
   * that arrives meanwhile, on a new or a kept-alive connection, gets a 503 `TEMPORARILY_UNAVAILABLE`
   * with `Retry-After` and `Connection: close` instead of a reset. Once nothing is in flight the
   * listener and the idle connections close; after `graceMs` every connection is cut.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * Serves `fetch` over Node's HTTP server, adding what Hono's adapter leaves to the caller:
 *
 * - **Lingering close.** Node ends a `Connection: close` answer with `socket.destroySoon()`, which closes
 *   the socket while the client may still be sending the body the server refused (a 413 for a body over
 *   the limit, a 503 during shutdown): the kernel then answers with a reset, and clients that write
 *   the whole body before reading (Python's `requests`) see ECONNRESET or EPIPE instead of the answer.
 *   Such a socket instead sends its FIN after the answer and drops incoming bytes unread until the
 *   client closes, for at most `lingerMs` (nginx's lingering close; Go's server waits the same way).
 * - **Graceful shutdown** ({@link NodeServer.close}), on the injected clock.
 *
 * @example
 * const server = createNodeServer({ fetch: app.fetch, clock: systemClock });
 * const address = await server.listen(5000, '127.0.0.1');
 * await server.close(10_000);
 */
export function createNodeServer(options: NodeServerOptions): NodeServer {
  const { clock } = options;
  const lingerMs = options.lingerMs ?? LINGER_MS;
  let handle: ReturnType<typeof getRequestListener> | undefined;
  const inFlight = new Set<ServerResponse>();
  const requestOn = new WeakMap<Socket, IncomingMessage>();
  const lingering = new WeakSet<Socket>();
  let stopping: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  const server = http.createServer((req, res) => {
    requestOn.set(req.socket, req);
    if (stopping) {
      refuseWhileStopping(res);
      return;
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) stopping?.();
    });
    void handle?.(req, res);
  });

  server.on('connection', (socket: Socket) => {
    const closeSoon = socket.destroySoon.bind(socket);
    socket.destroySoon = () => {
      const req = requestOn.get(socket);
      if (req && !req.complete) lingerThenClose(socket, req);
      else closeSoon();
    };
  });

  function lingerThenClose(socket: Socket, req: IncomingMessage): void {
    if (lingering.has(socket)) return;
    lingering.add(socket);
    socket.end();
    // What is left of the body is dropped as it arrives (as Node drops an unread body on a kept-alive connection).
    req.removeAllListeners('data');
    req.resume();
    const cut = clock.setTimeout(() => socket.destroy(), lingerMs);
    socket.once('close', () => cut.cancel());
  }

  return {
    listen(port, host) {
      handle = getRequestListener(options.fetch as Parameters<typeof getRequestListener>[0], { hostname: host });
      return new Promise((resolve, reject) => {
        const failed = (err: Error) => reject(err);
        server.once('error', failed);
        server.listen(port, host, () => {
          server.off('error', failed);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close(graceMs) {
      closing ??= new Promise<void>((resolve) => {
        let listenerClosed = false;
        const cut = clock.setTimeout(() => {
          closeListener();
          server.closeAllConnections();
        }, graceMs);
        // http.Server#close stops listening and drops idle kept-alive connections. It waits until nothing is in
        // flight: until then a client may be sending on such a connection, and gets a 503 rather than a reset.
        function closeListener(): void {
          if (listenerClosed) return;
          listenerClosed = true;
          server.close(() => {
            cut.cancel();
            resolve();
          });
        }
        stopping = closeListener;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        if (inFlight.size === 0) closeListener();
      });
      return closing;
    },
  };
}

/** The answer to a request that arrives while the server stops. */
function refuseWhileStopping(res: ServerResponse): void {
  const error = new ApiError('TEMPORARILY_UNAVAILABLE', 'The server is shutting down: retry shortly, on another server or on this one once it has restarted.');
  const body = JSON.stringify(error.toJSON());
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'retry-after': String(SHUTDOWN_RETRY_AFTER_SECONDS),
    connection: 'close',
  });
  res.end(body);
}
