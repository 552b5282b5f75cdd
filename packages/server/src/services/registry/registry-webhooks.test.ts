import { afterEach, expect, it } from 'vitest';
import { resolveServerConfig } from '../../config/config.js';
import { createLoupe, type Loupe } from '../../main.js';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { TestClock } from '../../testing/test-clock.js';
import { startWebhookReceiver } from '../webhooks/testing/webhook-receiver.js';

const SECRET = 'whsec-registry-seam';
type Json = Record<string, unknown>;

async function call(loupe: Loupe, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await loupe.app.request(
    path,
    body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

// Seam 1 of issue 16 end to end: registry writes through the REST API store their events in
// `registry_events` with the change, the registry wakes the webhook dispatcher after each commit, and
// the dispatcher delivers MLflow's payloads, signed, to a real receiver on loopback.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'Registry events to webhook deliveries', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it('delivers the events of registry writes, model and prompt ones, and wakes the dispatcher after each commit', async () => {
      const db = await backend.create();
      cleanup.push(() => db.drop());
      const clock = new TestClock(1_700_000_000_000);
      let wakes = 0;
      const config = resolveServerConfig(
        {
          backendStoreUri: db.uri,
          secretKey: 'registry-seam-key-0123456789abcdef',
          webhookAllowPrivateIps: true,
          webhookAllowedSchemes: ['http'],
          uiRoot: null,
          otlpDecodeThreads: 0,
        },
        {},
      );
      const loupe = await createLoupe(config, {
        clock,
        checkResponses: true,
        resolveHost: async () => [{ address: '127.0.0.1', family: 4 }],
        onRegistryEvents: () => wakes++,
      });
      cleanup.push(() => loupe.close());
      const receiver = await startWebhookReceiver(SECRET);
      cleanup.push(() => receiver.close());
      await call(loupe, 'POST', '/api/2.0/mlflow/webhooks', {
        name: 'registry',
        url: receiver.url,
        secret: SECRET,
        events: [
          { entity: 'MODEL_VERSION', action: 'CREATED' },
          { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
          { entity: 'PROMPT_VERSION', action: 'CREATED' },
        ],
      });

      await call(loupe, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'clf' });
      await call(loupe, 'POST', '/api/2.0/mlflow/model-versions/create', { name: 'clf', source: 's3://bucket/clf', run_id: 'r1' });
      await call(loupe, 'POST', '/api/2.0/mlflow/registered-models/alias', { name: 'clf', alias: 'champion', version: '1' });
      const isPrompt = { key: 'mlflow.prompt.is_prompt', value: 'true' };
      await call(loupe, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'qa', tags: [isPrompt] });
      await call(loupe, 'POST', '/api/2.0/mlflow/model-versions/create', {
        name: 'qa',
        source: 'dummy-source',
        description: 'first',
        tags: [isPrompt, { key: '_mlflow_prompt_type', value: 'text' }, { key: 'mlflow.prompt.text', value: 'Answer {{ q }}' }],
      });
      expect(wakes).toBe(5);

      expect(await loupe.webhookDispatcher.runOnce()).toMatchObject({ events: 5, deliveries: 3 });
      expect(await loupe.jobs.runDue()).toBe(3);
      const bodies = receiver.received.map((d) => JSON.parse(d.body) as { entity: string; action: string; data: unknown });
      expect(receiver.received.every((d) => d.signatureValid)).toBe(true);
      expect(bodies.map(({ entity, action, data }) => ({ entity, action, data }))).toEqual(
        expect.arrayContaining([
          {
            entity: 'model_version',
            action: 'created',
            data: { name: 'clf', version: '1', source: 's3://bucket/clf', run_id: 'r1', tags: {}, description: null },
          },
          { entity: 'model_version_alias', action: 'created', data: { name: 'clf', alias: 'champion', version: '1' } },
          { entity: 'prompt_version', action: 'created', data: { name: 'qa', version: '1', template: 'Answer {{ q }}', tags: {}, description: 'first' } },
        ]),
      );
      expect(bodies).toHaveLength(3);
    });
  });
}
