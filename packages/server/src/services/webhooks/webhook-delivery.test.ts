import { afterEach, expect, it } from 'vitest';
import { resolveServerConfig, type ServerOptions } from '../../config/config.js';
import { createLoupe, type Loupe } from '../../main.js';
import type { ResolvedAddress } from '../../net/public-address.js';
import { describeOnBackend, testBackends, type TestDatabase } from '../../testing/backends.js';
import { TestClock } from '../../testing/test-clock.js';
import { logRegistryEvent } from './testing/registry-events.js';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver.js';

const SECRET = 'whsec-delivery-test';
const T0 = 1_700_000_000_000;
let dns: Record<string, ResolvedAddress[]> = {};
const resolveHost = async (host: string) => dns[host] ?? [{ address: '127.0.0.1', family: 4 as const }];

const SETTINGS: ServerOptions = {
  secretKey: 'delivery-test-key-0123456789abcdef',
  webhookAllowPrivateIps: true,
  webhookAllowedSchemes: ['http', 'https'],
  webhookRequestTimeout: 5,
  uiRoot: null,
  otlpDecodeThreads: 0,
};

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'Webhook deliveries', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
      dns = {};
    });
    const database = async () => {
      const db = await backend.create();
      cleanup.push(() => db.drop());
      return db;
    };
    /** A Loupe on `db` whose clock starts at `at`; background loops are not started (tests drive them). */
    const loupeOn = async (db: TestDatabase, at = T0, options: ServerOptions = {}) => {
      const clock = new TestClock(at);
      const loupe = await createLoupe(resolveServerConfig({ ...SETTINGS, ...options, backendStoreUri: db.uri }, {}), {
        clock,
        checkResponses: true,
        resolveHost,
        random: () => 0,
      });
      let closed = false;
      const close = async () => {
        if (!closed) await loupe.close();
        closed = true;
      };
      cleanup.push(close);
      return { loupe, clock, close, call: (method: string, path: string, body?: unknown) => call(loupe, method, path, body) };
    };
    const receiver = async () => {
      const r = await startWebhookReceiver(SECRET);
      cleanup.push(() => r.close());
      return r;
    };
    const createHook = async (
      s: { call: (m: string, p: string, b?: unknown) => Promise<Json> },
      url: string,
      events: { entity: string; action: string }[],
      extra = {},
    ) =>
      ((await s.call('POST', '/api/2.0/mlflow/webhooks', { name: 'hook', url, events, secret: SECRET, ...extra })).webhook as { webhook_id: string })
        .webhook_id;
    const deliveries = async (s: { call: (m: string, p: string, b?: unknown) => Promise<Json> }, id: string) =>
      ((await s.call('GET', `/ajax-api/2.0/loupe/webhooks/${id}/deliveries`)).deliveries ?? []) as Json[];

    it('retries a 503, then a 429 at its Retry-After, then succeeds: three signed attempts with one delivery id, all in the log', async () => {
      const s = await loupeOn(await database());
      const r: WebhookReceiver = await receiver();
      r.answers.push({ status: 503, body: 'busy' }, { status: 429, headers: { 'retry-after': '7' } }, { status: 204 });
      const id = await createHook(s, r.url, [{ entity: 'MODEL_VERSION', action: 'CREATED' }]);
      const data = { name: 'clf', version: '3', source: 'models:/m-1', run_id: 'r1', tags: { team: 'ml' }, description: 'third' };
      await logRegistryEvent(s.loupe.db, 'model_version', 'created', data, s.clock.now());

      expect(await s.loupe.webhookDispatcher.runOnce()).toEqual({ events: 1, deliveries: 1 });
      expect(await s.loupe.webhookDispatcher.runOnce()).toEqual({ events: 0, deliveries: 0 });
      const [pending] = await deliveries(s, id);
      expect(pending).toMatchObject({ webhook_id: id, entity: 'model_version', action: 'created', data, status: 'PENDING', attempts: 0 });

      expect(await s.loupe.jobs.runDue()).toBe(1);
      expect((await deliveries(s, id))[0]).toMatchObject({
        status: 'RETRYING',
        attempts: 1,
        last_response_status: 503,
        last_error: 'HTTP 503: busy',
        next_attempt_timestamp: s.clock.now() + 1000,
      });
      s.clock.advance(999);
      expect(await s.loupe.jobs.runDue()).toBe(0);
      s.clock.advance(1);
      expect(await s.loupe.jobs.runDue()).toBe(1);
      expect((await deliveries(s, id))[0]).toMatchObject({
        status: 'RETRYING',
        attempts: 2,
        last_response_status: 429,
        next_attempt_timestamp: s.clock.now() + 7000,
      });
      s.clock.advance(6999);
      expect(await s.loupe.jobs.runDue()).toBe(0);
      s.clock.advance(1);
      expect(await s.loupe.jobs.runDue()).toBe(1);
      const [done] = await deliveries(s, id);
      expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 3, last_response_status: 204, completion_timestamp: s.clock.now() });
      expect(done).not.toHaveProperty('next_attempt_timestamp');
      expect(done).not.toHaveProperty('last_error');

      expect(r.received).toHaveLength(3);
      expect(r.received.map((d) => d.signatureValid)).toEqual([true, true, true]);
      expect(new Set(r.received.map((d) => d.headers['x-mlflow-delivery-id']))).toEqual(new Set([done?.delivery_id]));
      expect(JSON.parse(r.received[2]?.body ?? '')).toEqual({ entity: 'model_version', action: 'created', timestamp: '2023-11-14T22:13:20+00:00', data });
      expect(r.received[2]?.headers['x-mlflow-timestamp']).toBe(String(Math.floor(s.clock.now() / 1000)));
      expect(await s.loupe.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
    });

    it('fails a delivery after its retries with the last error, and at once on an answer that is not retried', async () => {
      const s = await loupeOn(await database(), T0, { webhookMaxRetries: 1 });
      const r = await receiver();
      r.answers.push({ status: 500, body: 'broken' });
      const flaky = await createHook(s, r.url, [{ entity: 'PROMPT', action: 'CREATED' }]);
      const gone = await receiver();
      gone.answers.push({ status: 410, body: 'gone' });
      const closed = await createHook(s, gone.url, [{ entity: 'PROMPT', action: 'CREATED' }]);
      await logRegistryEvent(s.loupe.db, 'prompt', 'created', { name: 'p', tags: {}, description: null }, s.clock.now());
      await s.loupe.webhookDispatcher.runOnce();
      await s.loupe.jobs.runDue();
      s.clock.advance(1000);
      await s.loupe.jobs.runDue();
      expect((await deliveries(s, flaky))[0]).toMatchObject({ status: 'FAILED', attempts: 2, last_response_status: 500, last_error: 'HTTP 500: broken' });
      expect((await deliveries(s, closed))[0]).toMatchObject({ status: 'FAILED', attempts: 1, last_response_status: 410 });
      expect([r.received.length, gone.received.length]).toEqual([2, 1]);
    });

    it('loses nothing across a restart: an event fanned out by one server and a delivery mid-retry are finished by the next', async () => {
      const db = await database();
      const r = await receiver();
      r.answers.push({ status: 503 }, { status: 200 });
      const first = await loupeOn(db);
      const retried = await createHook(first, r.url, [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }]);
      await logRegistryEvent(first.loupe.db, 'model_version_alias', 'created', { name: 'clf', alias: 'prod', version: '3' }, first.clock.now());
      await first.loupe.webhookDispatcher.runOnce();
      await first.loupe.jobs.runDue();
      // A second event is committed and fanned out, then the server goes away before sending it.
      first.clock.advance(1);
      await logRegistryEvent(first.loupe.db, 'model_version_alias', 'created', { name: 'clf', alias: 'staging', version: '4' }, first.clock.now());
      await first.loupe.webhookDispatcher.runOnce();
      expect((await deliveries(first, retried)).map((d) => d.status)).toEqual(['PENDING', 'RETRYING']);
      await first.close();

      const second = await loupeOn(db, T0 + 60_000);
      expect(await second.loupe.jobs.runDue()).toBe(2);
      expect((await deliveries(second, retried)).map((d) => [d.status, d.attempts])).toEqual([
        ['SUCCEEDED', 1],
        ['SUCCEEDED', 2],
      ]);
      expect(r.received.map((d) => (JSON.parse(d.body) as { data: { alias: string } }).data.alias).sort()).toEqual(['prod', 'prod', 'staging']);
      expect(await second.loupe.webhookDispatcher.runOnce()).toEqual({ events: 0, deliveries: 0 });
    });

    it('fans out each event to the ACTIVE webhooks subscribed to it that existed when it happened; a webhook disabled or deleted before its turn is skipped', async () => {
      const s = await loupeOn(await database());
      const r = await receiver();
      const tagSet = await createHook(s, r.url, [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }]);
      const both = await createHook(s, r.url, [
        { entity: 'MODEL_VERSION_TAG', action: 'SET' },
        { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
      ]);
      const disabled = await createHook(s, r.url, [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }], { status: 'DISABLED' });
      const deletedLater = await createHook(s, r.url, [{ entity: 'MODEL_VERSION_TAG', action: 'DELETED' }]);
      await logRegistryEvent(s.loupe.db, 'model_version_tag', 'set', { name: 'm', version: '1', key: 'k', value: 'v' }, s.clock.now());
      await logRegistryEvent(s.loupe.db, 'model_version_tag', 'deleted', { name: 'm', version: '1', key: 'k' }, s.clock.now());
      // Prompt events do not reach model subscriptions.
      await logRegistryEvent(s.loupe.db, 'prompt_version_tag', 'set', { name: 'p', version: '1', key: 'k', value: 'v' }, s.clock.now());
      s.clock.advance(10);
      const late = await createHook(s, r.url, [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }]);
      expect(await s.loupe.webhookDispatcher.runOnce()).toEqual({ events: 3, deliveries: 4 });
      await s.call('DELETE', `/api/2.0/mlflow/webhooks/${deletedLater}`);
      await s.loupe.jobs.runDue();
      expect((await deliveries(s, tagSet)).map((d) => d.status)).toEqual(['SUCCEEDED']);
      expect((await deliveries(s, both)).map((d) => [d.action, d.status]).sort()).toEqual([
        ['deleted', 'SUCCEEDED'],
        ['set', 'SUCCEEDED'],
      ]);
      expect(await deliveries(s, disabled)).toEqual([]);
      expect(await deliveries(s, late)).toEqual([]);
      expect(await deliveries(s, deletedLater)).toEqual([
        expect.objectContaining({ status: 'SKIPPED', attempts: 0, last_error: 'The webhook was deleted before this event was delivered.' }),
      ]);
      expect(r.received).toHaveLength(3);
    });

    it('refuses at delivery a host that now resolves to a private address (DNS rebinding), without retrying or connecting', async () => {
      const s = await loupeOn(await database(), T0, { webhookAllowPrivateIps: false });
      const r = await receiver();
      const port = new URL(r.url).port;
      dns = { 'hooks.example.com': [{ address: '93.184.216.34', family: 4 }] };
      const id = await createHook(s, `http://hooks.example.com:${port}/hook`, [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }]);
      await logRegistryEvent(s.loupe.db, 'registered_model', 'created', { name: 'm', tags: {}, description: null }, s.clock.now());
      await s.loupe.webhookDispatcher.runOnce();
      dns = { 'hooks.example.com': [{ address: '127.0.0.1', family: 4 }] };
      expect(await s.loupe.jobs.runDue()).toBe(1);
      const [failed] = await deliveries(s, id);
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(failed?.last_error).toContain('Refused to connect to hooks.example.com at 127.0.0.1: not a public address');
      expect(failed).not.toHaveProperty('last_response_status');
      s.clock.advance(3_600_000);
      expect(await s.loupe.jobs.runDue()).toBe(0);
      expect(r.received).toEqual([]);
    });

    it('pages the delivery log newest first', async () => {
      const s = await loupeOn(await database());
      const r = await receiver();
      const id = await createHook(s, r.url, [{ entity: 'PROMPT_TAG', action: 'SET' }]);
      for (let i = 0; i < 5; i++) {
        await logRegistryEvent(s.loupe.db, 'prompt_tag', 'set', { name: 'p', key: 'k', value: String(i) }, s.clock.now());
        await s.loupe.webhookDispatcher.runOnce();
        s.clock.advance(1);
      }
      const page1 = await s.call('GET', `/api/2.0/loupe/webhooks/${id}/deliveries?max_results=3`);
      expect((page1.deliveries as { data: { value: string } }[]).map((d) => d.data.value)).toEqual(['4', '3', '2']);
      const page2 = await s.call('GET', `/api/2.0/loupe/webhooks/${id}/deliveries?max_results=3&page_token=${page1.next_page_token as string}`);
      expect((page2.deliveries as { data: { value: string } }[]).map((d) => d.data.value)).toEqual(['1', '0']);
      expect(page2.next_page_token).toBeUndefined();
      expect(await callRaw(s.loupe, 'GET', '/ajax-api/2.0/loupe/webhooks/nope/deliveries')).toMatchObject({ status: 404 });
      expect(await callRaw(s.loupe, 'GET', `/ajax-api/2.0/loupe/webhooks/${id}/deliveries?max_results=501`)).toMatchObject({ status: 400 });
    });
  });
}

type Json = Record<string, unknown>;

async function callRaw(loupe: Loupe, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await loupe.app.request(
    path,
    body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

async function call(loupe: Loupe, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await callRaw(loupe, method, path, body);
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
