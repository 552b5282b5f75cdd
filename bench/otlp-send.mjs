// Sending OTLP/HTTP protobuf trace payloads to a server, as exporters do: bodies of whole traces made
// by the OpenTelemetry JS SDK (otlp-payloads.mjs), POSTed over node:http keep-alive connections.
import http from 'node:http';
import { encodeProtobuf, generateTraces } from './otlp-payloads.mjs';

/**
 * `count` traces of `spans` spans, as protobuf bodies of `perRequest` traces each, the traces 10 ms
 * apart from `startMs`. `seqIds`: time-ordered trace ids instead of random ones.
 */
export function otlpBodies(count, startMs, { spans = 10, perRequest = 10, seqIds = false } = {}) {
  const bodies = [];
  let pending = [];
  generateTraces({
    seqIds,
    traces: count,
    spansPerTrace: spans,
    startMs,
    onTrace: (traceSpans) => {
      pending.push(...traceSpans);
      if (pending.length >= perRequest * spans) {
        bodies.push(encodeProtobuf(pending));
        pending = [];
      }
    },
  });
  if (pending.length) bodies.push(encodeProtobuf(pending));
  return bodies;
}

/**
 * POSTs one body to `/v1/traces` with node:http over a keep-alive agent: the senders share the
 * machine with the server, and fetch (undici) costs several times more CPU per request than node:http.
 */
export function postOtlp(agent, url, experimentId, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/v1/traces`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength, 'x-mlflow-experiment-id': experimentId },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`/v1/traces -> ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends every body from `senders` concurrent senders as fast as the server answers; pushes each request's milliseconds to `latencies`. */
export async function sendAll(url, experimentId, bodies, latencies, senders) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const t0 = performance.now();
      await postOtlp(agent, url, experimentId, body);
      latencies.push(performance.now() - t0);
    }
  };
  try {
    await Promise.all(Array.from({ length: senders }, sender));
  } finally {
    agent.destroy();
  }
}

/** Counts an experiment's traces through the search API. */
export async function countTraces(postJson, url, experimentId) {
  let stored = 0;
  let token;
  do {
    const { body: page } = await postJson(`${url}/api/3.0/mlflow/traces/search`, {
      experiment_ids: [experimentId],
      max_results: 500,
      ...(token ? { page_token: token } : {}),
    });
    stored += page.traces?.length ?? 0;
    token = page.next_page_token;
  } while (token);
  return stored;
}
