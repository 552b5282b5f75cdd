import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { createDialect } from '../../store/sql/dialects/create-dialect.js';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { logRegistryEvent } from './testing/registry-events.js';
import { startWebhookReceiver } from './testing/webhook-receiver.js';

const CHILD = fileURLToPath(new URL('./testing/loupe-server-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const SECRET = 'whsec-crash-test';
const ENV = {
  LOUPE_SECRET_KEY: 'crash-test-key-0123456789abcdefghij',
  LOUPE_WEBHOOK_ALLOW_PRIVATE_IPS: 'true',
  LOUPE_WEBHOOK_ALLOWED_SCHEMES: 'http',
  LOUPE_JOB_POLL_INTERVAL_MS: '100',
};

/** Starts the server child on `uri`; resolves with its URL and a SIGKILL for it. */
async function serverChild(uri: string): Promise<{ url: string; kill9(): Promise<void>; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, uri], { cwd: ROOT, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    child,
    kill9: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'Webhook delivery across a kill -9', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    }, 60_000);

    it('finishes, on the next server, a delivery whose server was killed mid-retry', async () => {
      const database = await backend.create();
      cleanup.push(() => database.drop());
      const receiver = await startWebhookReceiver(SECRET);
      cleanup.push(() => receiver.close());
      // The first answer sends the delivery into its retry; the server dies before the retry is due.
      receiver.answers.push({ status: 503, headers: { 'retry-after': '2' } }, { status: 200 });
      const first = await serverChild(database.uri);
      cleanup.push(() => first.kill9());
      const created = await fetch(`${first.url}/api/2.0/mlflow/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'crash', url: receiver.url, events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }], secret: SECRET }),
      });
      expect(created.status).toBe(200);
      const { webhook } = (await created.json()) as { webhook: { webhook_id: string } };

      const dialect = createDialect(database.uri);
      const db = dialect.createKysely();
      cleanup.push(() => db.destroy());
      await logRegistryEvent(db, 'registered_model', 'created', { name: 'survivor', tags: {}, description: null }, Date.now());
      // Found by the first server's poll; its first attempt is answered 503 and a retry recorded.
      await receiver.waitFor(1);
      await expect
        .poll(async () => (await db.selectFrom('webhook_deliveries').select('status').executeTakeFirst())?.status, { timeout: 10_000 })
        .toBe('RETRYING');
      await first.kill9();
      expect(receiver.received).toHaveLength(1);

      const second = await serverChild(database.uri);
      cleanup.push(() => second.kill9());
      await receiver.waitFor(2);
      const log = await fetch(`${second.url}/ajax-api/2.0/loupe/webhooks/${webhook.webhook_id}/deliveries`);
      await expect
        .poll(
          async () =>
            ((await (await fetch(`${second.url}/ajax-api/2.0/loupe/webhooks/${webhook.webhook_id}/deliveries`)).json()) as { deliveries: unknown[] })
              .deliveries,
          {
            timeout: 10_000,
          },
        )
        .toEqual([expect.objectContaining({ status: 'SUCCEEDED', attempts: 2, last_response_status: 200 })]);
      expect(log.status).toBe(200);
      expect(receiver.received.map((r) => r.signatureValid)).toEqual([true, true]);
      expect(receiver.received[1]?.headers['x-mlflow-delivery-id']).toBe(receiver.received[0]?.headers['x-mlflow-delivery-id']);
      expect(JSON.parse(receiver.received[1]?.body ?? '')).toMatchObject({ entity: 'registered_model', action: 'created', data: { name: 'survivor' } });
    }, 180_000);
  });
}
