import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import type { Clock } from '../clock.js';
import { isPublicAddress, type HostResolver } from '../net/public-address.js';
import { WebhookTransportError, type WebhookAnswer, type WebhookPost, type WebhookTransport } from '../services/webhooks/webhook-transport.js';

/** How the guarded client connects. */
export interface GuardedHttpOptions {
  /** Let requests reach private, loopback and link-local addresses. */
  allowPrivateIps: boolean;
  resolve: HostResolver;
  clock: Clock;
  /** Most bytes of an answer's body kept (the rest is not read). */
  maxBodyBytes?: number;
  /** Most bytes `fetch(...).text()` keeps (default 32 MiB); a streamed body has no cap. */
  maxFetchBodyBytes?: number;
  /** How a refusal says to allow private addresses (default: the webhook setting). */
  privateIpsHint?: string;
}

/** The answer of {@link GuardedHttpTransport.fetch}: status, headers, and the body as a stream or as text. */
export interface GuardedFetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
}

const DEFAULT_MAX_BODY = 64 * 1024;
const DEFAULT_MAX_FETCH_BODY = 32 * 1024 * 1024;

const WEBHOOK_SETTING_HINT = 'set MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true or --webhook-allow-private-ips to allow private addresses';

function refused(host: string, address: string, hint = WEBHOOK_SETTING_HINT): WebhookTransportError {
  return new WebhookTransportError('refused', `Refused to connect to ${host} at ${address}: not a public address (${hint}).`);
}

/**
 * The outbound HTTP client for webhooks, safe against SSRF when private addresses are not allowed:
 * a host name is resolved through `resolve` at connect time (Node's `lookup` hook), and the connection
 * is refused when any answer is not a public address, so a name that changed to a private address
 * since the URL was checked (DNS rebinding) is caught; an IP literal is checked as it is; and the
 * peer address of the connected socket is checked again before anything is sent. Redirects are
 * never followed (MLflow's were the way around its checks). Each request has its own connection
 * (no pooling), a timeout on the injected clock, and a capped answer body.
 *
 * @example
 * const transport = new GuardedHttpTransport({ allowPrivateIps: false, resolve: systemResolver, clock: systemClock });
 * const answer = await transport.post({ url, body, headers, timeoutMs: 30_000 });
 */
export class GuardedHttpTransport implements WebhookTransport {
  constructor(private readonly options: GuardedHttpOptions) {}

  /** Node's `lookup` hook: resolves through `resolve` and refuses private answers unless allowed. */
  private lookup(): LookupFunction {
    const { allowPrivateIps } = this.options;
    return (hostname, opts, callback) => {
      this.options.resolve(hostname).then(
        (answers) => {
          const bad = allowPrivateIps ? undefined : answers.find((a) => !isPublicAddress(a.address));
          if (bad) return callback(refused(hostname, bad.address, this.options.privateIpsHint), '', 4);
          const wanted = opts.family === 4 || opts.family === 6 ? answers.filter((a) => a.family === opts.family) : answers;
          if (wanted.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
          if (opts.all) return (callback as unknown as (err: null, all: { address: string; family: number }[]) => void)(null, wanted);
          const first = wanted[0] as { address: string; family: number };
          callback(null, first.address, first.family);
        },
        (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
      );
    };
  }

  post(request: WebhookPost): Promise<WebhookAnswer> {
    const url = new URL(request.url);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const { allowPrivateIps } = this.options;
    if (!allowPrivateIps && isIP(host) !== 0 && !isPublicAddress(host)) return Promise.reject(refused(host, host, this.options.privateIpsHint));
    const lookup = this.lookup();
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<WebhookAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (err: WebhookTransportError | undefined, answer?: WebhookAnswer) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        request.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(answer as WebhookAnswer);
      };
      const req = client.request(url, {
        method: 'POST',
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body).toString() },
        agent: false,
        lookup,
      });
      const timer = this.options.clock.setTimeout(() => {
        finish(new WebhookTransportError('timeout', `No answer within ${request.timeoutMs} ms`));
        req.destroy();
      }, request.timeoutMs);
      const onAbort = () => {
        finish(new WebhookTransportError('aborted', 'The delivery was stopped'));
        req.destroy();
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('socket', (socket: Socket) => {
        socket.once('connect', () => {
          // The lookup hook already refused private answers; this catches any path around it.
          const peer = socket.remoteAddress ?? '';
          if (!allowPrivateIps && !isPublicAddress(peer)) {
            finish(refused(host, peer, this.options.privateIpsHint));
            req.destroy();
          }
        });
      });
      req.on('error', (err: Error) => {
        if (err instanceof WebhookTransportError) finish(err);
        else finish(new WebhookTransportError('network', err.message || (err as NodeJS.ErrnoException).code || 'connection failed'));
      });
      req.on('response', (res) => {
        const max = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY;
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = (): WebhookAnswer => {
          const retryAfter = res.headers['retry-after'];
          const out: WebhookAnswer = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') };
          if (typeof retryAfter === 'string') out.retryAfter = retryAfter;
          return out;
        };
        res.on('data', (chunk: Buffer) => {
          if (size >= max) return;
          chunks.push(chunk.subarray(0, max - size));
          size += chunk.length;
          if (size >= max) {
            finish(undefined, answer());
            res.destroy();
          }
        });
        res.on('end', () => finish(undefined, answer()));
        res.on('error', () => finish(undefined, answer()));
      });
      req.end(request.body);
    });
  }
  /**
   * A POST with the same checks, shaped like `fetch` for clients that stream the answer (the AI
   * gateway's providers, `@loupe/llm`'s `LlmFetch`): resolves at the answer's headers with its body as
   * a stream of bytes; rejects with a {@link WebhookTransportError} when there is no answer (`refused`,
   * `network`, `aborted`). No time limit of its own: the caller aborts through `signal`, which also
   * stops a body being read. `text()` keeps at most `maxFetchBodyBytes` (default 32 MiB).
   *
   * @example
   * const engine = createLlmEngine({ fetch: (url, init) => transport.fetch(url, init), clock });
   */
  fetch(target: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal }): Promise<GuardedFetchResponse> {
    const url = new URL(target);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const { allowPrivateIps } = this.options;
    if (!allowPrivateIps && isIP(host) !== 0 && !isPublicAddress(host)) return Promise.reject(refused(host, host, this.options.privateIpsHint));
    if (init.signal?.aborted) return Promise.reject(new WebhookTransportError('aborted', 'The request was stopped'));
    const client = url.protocol === 'https:' ? https : http;
    const maxText = this.options.maxFetchBodyBytes ?? DEFAULT_MAX_FETCH_BODY;
    return new Promise<GuardedFetchResponse>((resolve, reject) => {
      let answered = false;
      const req = client.request(url, {
        method: 'POST',
        headers: { ...init.headers, 'content-length': Buffer.byteLength(init.body).toString() },
        agent: false,
        lookup: this.lookup(),
      });
      const onAbort = () => req.destroy(new WebhookTransportError('aborted', 'The request was stopped'));
      init.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('socket', (socket: Socket) => {
        socket.once('connect', () => {
          const peer = socket.remoteAddress ?? '';
          if (!allowPrivateIps && !isPublicAddress(peer)) req.destroy(refused(host, peer, this.options.privateIpsHint));
        });
      });
      req.on('error', (err: Error) => {
        if (answered) return;
        init.signal?.removeEventListener('abort', onAbort);
        reject(
          err instanceof WebhookTransportError
            ? err
            : new WebhookTransportError('network', err.message || (err as NodeJS.ErrnoException).code || 'connection failed'),
        );
      });
      req.on('response', (res) => {
        answered = true;
        res.once('close', () => init.signal?.removeEventListener('abort', onAbort));
        resolve({
          status: res.statusCode ?? 0,
          headers: {
            get: (name: string) => {
              const value = res.headers[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
            },
          },
          body: res,
          text: async () => {
            const chunks: Buffer[] = [];
            let size = 0;
            for await (const chunk of res as AsyncIterable<Buffer>) {
              chunks.push(chunk.subarray(0, Math.max(0, maxText - size)));
              size += chunk.length;
              if (size >= maxText) {
                res.destroy();
                break;
              }
            }
            return Buffer.concat(chunks).toString('utf8');
          },
        });
      });
      req.end(init.body);
    });
  }
}
