import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fault proxy treats requests. */
export type FaultMode = 'pass' | 'error500' | 'down' | 'slow' | 'hold';

/** One request the proxy saw. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  answered: number | 'reset' | 'held';
}

/**
 * An HTTP proxy in front of a real server that injects failures: 500 answers, dropped connections,
 * slow answers, or requests held until released. The only "mock" in SDK tests, per the house rules.
 */
export interface FaultProxy {
  url: string;
  mode: FaultMode;
  /** Delay of `slow` mode (ms). */
  delayMs: number;
  seen: SeenRequest[];
  /** Lets every held request through (and switches to `pass`). */
  release(): void;
  /** Resolves once `count` requests to `pathPrefix` have been seen. */
  waitFor(pathPrefix: string, count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a fault-injecting proxy to `target`.
 *
 * @example
 * const proxy = await startFaultProxy(loupeServer.url);
 * proxy.mode = 'error500';
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const held: (() => void)[] = [];
  const waiters: { prefix: string; count: number; resolve: () => void }[] = [];
  const checkWaiters = () => {
    for (const w of [...waiters]) {
      if (proxy.seen.filter((r) => r.path.startsWith(w.prefix)).length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) => {
    const upstream = http.request({ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      seen.answered = up.statusCode ?? 0;
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = http.createServer((req, res) => {
    const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, answered: 0 };
    proxy.seen.push(seen);
    checkWaiters();
    switch (proxy.mode) {
      case 'down':
        seen.answered = 'reset';
        req.socket.destroy();
        return;
      case 'error500':
        req.resume();
        req.on('end', () => {
          seen.answered = 500;
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error_code":"INTERNAL_ERROR","message":"injected"}');
        });
        return;
      case 'slow':
        setTimeout(() => forward(req, res, seen), proxy.delayMs);
        return;
      case 'hold':
        seen.answered = 'held';
        held.push(() => forward(req, res, seen));
        return;
      default:
        forward(req, res, seen);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    mode: 'pass',
    delayMs: 200,
    seen: [],
    release() {
      proxy.mode = 'pass';
      for (const go of held.splice(0)) go();
    },
    waitFor(prefix, count) {
      return new Promise((resolve) => {
        waiters.push({ prefix, count, resolve });
        checkWaiters();
      });
    },
    async close() {
      proxy.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return proxy;
}
