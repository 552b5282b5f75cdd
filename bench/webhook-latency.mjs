// Webhook delivery latency: from a registry event to its signed POST arriving at a real receiver on
// loopback, through the built CLI's durable queue (fan-out, delivery job, HMAC signature).
// Events come from `registered-models/create` when the server has the model registry (the registry
// wakes the fan-out after its commit); otherwise they are written into `registry_events` directly, as
// another server would write them, and found by this server's poll (LOUPE_JOB_POLL_INTERVAL_MS).
// With --wake the server runs in this process (`startServer` of @loupe/server) and each event written
// is followed by `loupe.webhookDispatcher.wake()`, which is what the registry does after its commit.
// Usage: node bench/webhook-latency.mjs [--events 100] [--poll-ms 1000] [--wake]
import http from 'node:http';
import { resolveServerConfig, startServer as startInProcess } from '@loupe/server';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import Database from 'better-sqlite3';
import { flags, percentile, report, startServer, tempDir } from './lib.mjs';

const opts = flags();
const EVENTS = Number(opts.events ?? 100);
const POLL_MS = Number(opts['poll-ms'] ?? 1000);
const WAKE = opts.wake === true;
const SECRET = 'bench-webhook-secret';
const KEY = 'bench-key-0123456789abcdefghijklmnop';

/** A receiver that notes when each model's event arrives and checks its signature. */
async function startReceiver() {
  const arrived = new Map();
  let badSignatures = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = `v1,${createHmac('sha256', SECRET).update(`${req.headers['x-mlflow-delivery-id']}.${req.headers['x-mlflow-timestamp']}.${body}`).digest('base64')}`;
      if (req.headers['x-mlflow-signature'] !== expected) badSignatures++;
      arrived.set(JSON.parse(body).data.name, at);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    arrived,
    badSignatures: () => badSignatures,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function api(url, method, route, body) {
  const res = await fetch(`${url}${route}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

export async function run() {
  const dir = tempDir('loupe-bench-webhooks-');
  const dbFile = path.join(dir, 'loupe.db');
  const server = WAKE
    ? await startInProcess(
        resolveServerConfig(
          {
            port: 0,
            backendStoreUri: `sqlite:///${dbFile}`,
            webhookAllowPrivateIps: true,
            webhookAllowedSchemes: ['http'],
            jobPollIntervalMs: POLL_MS,
            secretKey: KEY,
            uiRoot: null,
          },
          {},
        ),
      )
    : await startServer(['--backend-store-uri', `sqlite:///${dbFile}`, '--webhook-allow-private-ips'], {
        cwd: dir,
        env: { LOUPE_WEBHOOK_ALLOWED_SCHEMES: 'http', LOUPE_JOB_POLL_INTERVAL_MS: String(POLL_MS), LOUPE_SECRET_KEY: KEY },
      });
  const stop = () => (WAKE ? server.close() : server.stop());
  const receiver = await startReceiver();
  const sqlite = new Database(dbFile);
  sqlite.pragma('busy_timeout = 5000');
  try {
    const created = await api(server.url, 'POST', '/api/2.0/mlflow/webhooks', {
      name: 'bench',
      url: receiver.url,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      secret: SECRET,
    });
    if (created.status !== 200) throw new Error(`webhook create failed: ${JSON.stringify(created.body)}`);
    const probe = await api(server.url, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'bench-probe' });
    const viaRegistry = probe.status === 200;
    const insert = sqlite.prepare('insert into registry_events (entity, action, payload, created_at) values (?, ?, ?, ?)');
    const sent = new Map();
    for (let i = 0; i < EVENTS; i++) {
      const name = `bench-model-${i}`;
      sent.set(name, Date.now());
      if (viaRegistry) await api(server.url, 'POST', '/api/2.0/mlflow/registered-models/create', { name });
      else {
        insert.run('registered_model', 'created', JSON.stringify({ name, tags: {}, description: null }), Date.now());
        if (WAKE) server.loupe.webhookDispatcher.wake();
      }
      // Registry events come at a human or CI pace: 50-150 ms apart here (about 10 a second), spread over the poll cycle.
      await new Promise((r) => setTimeout(r, 50 + ((i * 7919) % 101)));
    }
    const deadline = Date.now() + 60_000;
    while ([...sent.keys()].some((n) => !receiver.arrived.has(n)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const latencies = [...sent].filter(([n]) => receiver.arrived.has(n)).map(([n, at]) => receiver.arrived.get(n) - at);
    return [
      report(
        `webhook delivery latency, event to receiver (${viaRegistry ? 'registered-models/create, fan-out woken' : WAKE ? 'event written, fan-out woken as the registry does' : `events written by another server, found by a ${POLL_MS} ms poll`})`,
        {
          events: EVENTS,
          delivered: latencies.length,
          bad_signatures: receiver.badSignatures(),
          p50_ms: percentile(latencies, 50),
          p90_ms: percentile(latencies, 90),
          p99_ms: percentile(latencies, 99),
          max_ms: Math.max(...latencies),
        },
      ),
    ];
  } finally {
    sqlite.close();
    await receiver.close();
    await stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
