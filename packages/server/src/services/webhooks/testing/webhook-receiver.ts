import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver got. */
export interface ReceivedDelivery {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The signature checked against the receiver's secret: true, false, or undefined when unsigned. */
  signatureValid: boolean | undefined;
}

/** What the receiver answers: a status, headers, a body. */
export type ReceiverAnswer = { status: number; headers?: Record<string, string>; body?: string };

/** A real HTTP server on loopback that records webhook deliveries and verifies their signatures. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** Answers, one per request in order; the last repeats (default `200 ok`). */
  answers: ReceiverAnswer[];
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Verifies `X-MLflow-Signature` the way a receiver should: HMAC-SHA256 of
 * `<delivery id>.<timestamp>.<raw body>` with the shared secret, base64, after `v1,`, compared in
 * constant time.
 *
 * @example
 * verifySignature('s3cret', req.headers, rawBody); // true
 */
export function verifySignature(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const id = headers['x-mlflow-delivery-id'];
  const ts = headers['x-mlflow-timestamp'];
  const sig = headers['x-mlflow-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string' || !sig.startsWith('v1,')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${id}.${ts}.${body}`).digest('base64'));
  const given = Buffer.from(sig.slice(3));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Starts a receiver on 127.0.0.1 (a free port).
 *
 * @example
 * const receiver = await startWebhookReceiver('s3cret');
 * receiver.answers.push({ status: 503 }, { status: 200 });
 */
export async function startWebhookReceiver(secret?: string): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const answers: ReceiverAnswer[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signed = req.headers['x-mlflow-signature'] !== undefined;
      received.push({ headers: req.headers, body, signatureValid: signed ? verifySignature(secret ?? '', req.headers, body) : undefined });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)] ?? { status: 200, body: 'ok' };
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
      for (const w of waiters.splice(0)) {
        if (received.length >= w.n) w.resolve();
        else waiters.push(w);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answers,
    waitFor: (n) => (received.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
