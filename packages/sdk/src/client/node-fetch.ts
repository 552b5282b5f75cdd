import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

/** A `fetch` as the SDK calls it: a URL string and the init fields below. */
export type FetchLike = (url: string, init?: RequestInit & { duplex?: 'half' }) => Promise<Response>;

/** Bodies up to this size (by Content-Length) are read whole before the Response is made; larger or unsized ones stream. */
const BUFFERED_BODY_LIMIT = 1 << 20;
const MAX_REDIRECTS = 5;

// One keep-alive pool per protocol for the whole process, as `fetch`'s global dispatcher is.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
};

function headerRecord(init: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!init) return out;
  new Headers(init).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function responseHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/** Statuses that may carry no body (a `Response` refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` on `node:http`/`node:https` with keep-alive agents: same call shape and answer (a web
 * `Response`, whose body streams), a third of the CPU per request of Node's built-in `fetch` (undici
 * and web streams cost ~0.5 ms per small request, which the SDK pays ~10 times per evaluated row).
 * Supports what the SDK sends: string, byte, web-stream and async-iterable bodies, an AbortSignal
 * (rejects with its reason, as `fetch` does), and redirects (followed up to 5 times; a 303, or a
 * 301/302 after a POST, becomes a GET; a streamed body is not replayed).
 *
 * @example
 * const res = await nodeFetch('http://127.0.0.1:5000/health', { signal: AbortSignal.timeout(5_000) });
 */
export const nodeFetch: FetchLike = async (url, init = {}) => {
  let target = new URL(url);
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body ?? undefined;
  const headers = headerRecord(init.headers);
  for (let redirects = 0; ; redirects++) {
    const res = await send(target, method, headers, body, init.signal ?? undefined);
    const location = res.headers.get('location');
    if (!location || ![301, 302, 303, 307, 308].includes(res.status) || init.redirect === 'manual') return res;
    if (init.redirect === 'error') throw new TypeError(`fetch ${url}: redirected (${res.status}) while redirect is 'error'`);
    if (redirects >= MAX_REDIRECTS) throw new TypeError(`fetch ${url}: more than ${MAX_REDIRECTS} redirects`);
    await res.body?.cancel();
    const next = new URL(location, target);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      delete headers['content-length'];
      delete headers['content-type'];
    } else if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError(`fetch ${url}: cannot follow a ${res.status} redirect with a streamed body`);
    }
    if (next.origin !== target.origin) delete headers.authorization;
    target = next;
  }
};

function send(url: URL, method: string, headers: Record<string, string>, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const agent = agents[url.protocol as keyof typeof agents];
    if (!agent) return reject(new TypeError(`fetch ${url.href}: unsupported protocol ${url.protocol}`));
    const outHeaders = { ...headers };
    const fixed = typeof body === 'string' ? Buffer.from(body) : body instanceof Uint8Array ? body : undefined;
    if (fixed) outHeaders['content-length'] = String(fixed.byteLength);
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method, headers: outHeaders, agent });
    const onAbort = () => req.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? (signal.reason as Error) : new TypeError(`fetch failed: ${err.message}`, { cause: err }));
    });
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      const responseInit = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.rawHeaders) };
      const done = () => signal?.removeEventListener('abort', onAbort);
      if (NULL_BODY.has(status) || method === 'HEAD') {
        res.resume();
        res.once('end', done);
        return resolve(new Response(null, responseInit));
      }
      const length = Number(res.headers['content-length']);
      if (Number.isFinite(length) && length <= BUFFERED_BODY_LIMIT) {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', (err) => (done(), reject(signal?.aborted ? (signal.reason as Error) : err)));
        res.once('end', () => {
          done();
          resolve(new Response(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), responseInit));
        });
        return;
      }
      res.once('close', done);
      resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, responseInit));
    });
    if (body === undefined || body === null) req.end();
    else if (fixed) req.end(fixed);
    else {
      const source = body instanceof ReadableStream ? Readable.fromWeb(body as ReadableStream<Uint8Array>) : Readable.from(body as AsyncIterable<Uint8Array>);
      source.once('error', (err) => req.destroy(err));
      source.pipe(req);
    }
  });
}
