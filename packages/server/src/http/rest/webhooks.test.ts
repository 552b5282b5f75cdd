import { afterEach, expect, it } from 'vitest';
import type { ServerOptions } from '../../config/config.js';
import type { ResolvedAddress } from '../../net/public-address.js';
import { describeOnBackend, testBackends, type TestBackend } from '../../testing/backends.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { startWebhookReceiver, verifySignature, type WebhookReceiver } from '../../services/webhooks/testing/webhook-receiver.js';

const API = '/api/2.0/mlflow/webhooks';
const SECRET = 'whsec-0123456789';

/** A DNS the tests control: hooks.example.com is public, internal.example.com private. No connection is made to either. */
const DNS: Record<string, ResolvedAddress[]> = {
  'hooks.example.com': [{ address: '93.184.216.34', family: 4 }],
  'internal.example.com': [
    { address: '93.184.216.34', family: 4 },
    { address: '10.0.0.7', family: 4 },
  ],
  'metadata.example.com': [{ address: 'fd00:ec2::254', family: 6 }],
};
const resolveHost = async (host: string) => {
  const answers = DNS[host];
  if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return answers;
};

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'Webhook RPCs', () => {
    const open: TestLoupe[] = [];
    const receivers: WebhookReceiver[] = [];
    const loupeOn = async (b: TestBackend, options: ServerOptions = {}) => {
      const loupe = await createTestLoupe({ database: await b.create(), ...options, deps: { resolveHost } });
      open.push(loupe);
      return loupe;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((l) => l.dispose()));
      await Promise.all(receivers.splice(0).map((r) => r.close()));
    });

    it("replays the Python client's CRUD requests; the secret is never in a reply", async () => {
      const loupe = await loupeOn(backend, { secretKey: 'k'.repeat(40) });
      // client.create_webhook(name=..., url=..., events=["model_version.created", "model_version_alias.created"], description=..., secret=...)
      const created = await loupe.call('POST', API, {
        name: 'deploy-hook',
        url: 'https://hooks.example.com/mlflow',
        events: [
          { entity: 'MODEL_VERSION', action: 'CREATED' },
          { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        ],
        description: 'CI deploys',
        secret: SECRET,
      });
      expect(created.status).toBe(200);
      const webhook = created.body.webhook as Record<string, unknown>;
      expect(webhook).toEqual({
        webhook_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'deploy-hook',
        description: 'CI deploys',
        url: 'https://hooks.example.com/mlflow',
        events: [
          { entity: 'MODEL_VERSION', action: 'CREATED' },
          { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        ],
        status: 'ACTIVE',
        creation_timestamp: loupe.clock.now(),
        last_updated_timestamp: loupe.clock.now(),
      });
      const id = webhook.webhook_id as string;
      const texts = [created.text];

      // client.get_webhook(id)
      const got = await loupe.call('GET', `${API}/${id}`);
      expect(got.body).toEqual({ webhook });
      texts.push(got.text);

      // client.update_webhook(id, name=..., status="DISABLED", events=[...], secret=...)
      loupe.clock.advance(5);
      const updated = await loupe.call('PATCH', `${API}/${id}`, {
        name: 'deploy-hook-2',
        events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
        secret: 'rotated-secret',
        status: 'DISABLED',
      });
      expect(updated.status).toBe(200);
      expect(updated.body.webhook).toEqual({
        ...webhook,
        name: 'deploy-hook-2',
        events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
        status: 'DISABLED',
        last_updated_timestamp: loupe.clock.now(),
      });
      texts.push(updated.text);
      // Empty values change nothing, as in MLflow's handler.
      const unchanged = await loupe.call('PATCH', `${API}/${id}`, { name: '', description: '', url: '', events: [], secret: '' });
      expect((unchanged.body.webhook as Record<string, unknown>).name).toBe('deploy-hook-2');
      texts.push(unchanged.text);

      // client.list_webhooks() and paging: newest first.
      for (const name of ['b', 'c']) {
        loupe.clock.advance(1);
        await loupe.call('POST', API, { name, url: 'https://hooks.example.com/x', events: [{ entity: 'PROMPT', action: 'CREATED' }], secret: SECRET });
      }
      const all = await loupe.call('GET', API);
      expect((all.body.webhooks as { name: string }[]).map((w) => w.name)).toEqual(['c', 'b', 'deploy-hook-2']);
      expect(all.body.next_page_token).toBeUndefined();
      texts.push(all.text);
      const first = await loupe.call('GET', `${API}?max_results=2`);
      expect((first.body.webhooks as { name: string }[]).map((w) => w.name)).toEqual(['c', 'b']);
      const second = await loupe.call('GET', `${API}?max_results=2&page_token=${encodeURIComponent(first.body.next_page_token as string)}`);
      expect((second.body.webhooks as { name: string }[]).map((w) => w.name)).toEqual(['deploy-hook-2']);
      expect(second.body.next_page_token).toBeUndefined();

      // The ajax-api twin answers the same.
      expect((await loupe.call('GET', `/ajax-api/2.0/mlflow/webhooks/${id}`)).body).toEqual(updated.body.webhook ? { webhook: unchanged.body.webhook } : {});

      // client.delete_webhook(id): gone from get and list.
      const deleted = await loupe.call('DELETE', `${API}/${id}`);
      expect(deleted).toMatchObject({ status: 200, body: {} });
      expect(await loupe.call('GET', `${API}/${id}`)).toMatchObject({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Webhook with ID ${id} not found.` },
      });
      expect(await loupe.call('DELETE', `${API}/${id}`)).toMatchObject({ status: 404 });
      expect((await loupe.call('GET', API)).body.webhooks).toHaveLength(2);

      for (const text of texts) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain('rotated-secret');
        expect(text).not.toContain('secret');
      }
      // At rest the secret is ciphertext.
      const stored = await loupe.db.selectFrom('webhooks').select('secret_ciphertext').execute();
      for (const row of stored) {
        expect(row.secret_ciphertext).toMatch(/^v1\./);
        expect(row.secret_ciphertext).not.toContain(SECRET);
      }
    });

    it("answers bad input with MLflow's codes and messages, never a 500", async () => {
      const loupe = await loupeOn(backend);
      const create = (body: Record<string, unknown>) =>
        loupe.call('POST', API, { name: 'h', url: 'https://hooks.example.com/x', events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }], ...body });
      const cases: [Record<string, unknown>, string][] = [
        [{ name: undefined }, "Missing value for required parameter 'name'. See the API docs for more information about request parameters."],
        [{ url: '' }, "Missing value for required parameter 'url'. See the API docs for more information about request parameters."],
        [{ events: undefined }, "Missing value for required parameter 'events'. See the API docs for more information about request parameters."],
        [{ events: [] }, 'Webhook events must be a non-empty list of WebhookEvent objects: [].'],
        [
          { events: [{ entity: 'REGISTERED_MODEL', action: 'DELETED' }] },
          "Invalid action 'deleted' for entity 'registered_model'. Valid actions are: ['created']",
        ],
        [
          { events: [{ entity: 'MODEL_VERSION_TAG', action: 'CREATED' }] },
          "Invalid action 'created' for entity 'model_version_tag'. Valid actions are: ['deleted', 'set']",
        ],
        [
          { name: '-bad name' },
          "Webhook name '-bad name' is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).",
        ],
        [{ url: 'http://hooks.example.com/x' }, "Invalid webhook URL scheme: 'http'. Allowed schemes are: https."],
        [{ url: 'not a url' }, "Invalid webhook URL 'not a url': Invalid URL"],
        [
          { url: 'https://nowhere.example.com/' },
          "Invalid webhook URL 'https://nowhere.example.com/': its host 'nowhere.example.com' does not resolve (ENOTFOUND).",
        ],
        [{ url: `https://hooks.example.com/${'x'.repeat(500)}` }, "'url' exceeds the maximum length of 500 characters (got 526)."],
      ];
      for (const [body, message] of cases) {
        const res = await create(body);
        expect([res.status, res.body]).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message }]);
      }
      // Unknown enum names are a 400 too (MLflow answers ENTITY_UNSPECIFIED with a 500).
      expect((await create({ events: [{ entity: 'NOPE', action: 'CREATED' }] })).status).toBe(400);
      expect((await create({ status: 'PAUSED' })).status).toBe(400);
      // Lowercase names and proto numbers are accepted; a repeated subscription counts once.
      const loose = await create({
        events: [
          { entity: 'model_version_tag', action: 4 },
          { entity: 'MODEL_VERSION_TAG', action: 'SET' },
        ],
        status: 2,
      });
      expect(loose.body.webhook).toMatchObject({ events: [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }], status: 'DISABLED' });
      const id = (loose.body.webhook as { webhook_id: string }).webhook_id;
      expect((await loupe.call('GET', `${API}/${id}`)).body.webhook).toEqual(loose.body.webhook);
      expect(await loupe.call('GET', `${API}?max_results=1001`)).toMatchObject({ status: 400, body: { message: 'max_results must be between 1 and 1000.' } });
      expect(await loupe.call('GET', `${API}?page_token=bm9wZQ`)).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
      expect(await loupe.call('PATCH', `${API}/nope`, { name: 'x' })).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
      expect(await loupe.call('POST', `${API}/nope/test`, {})).toMatchObject({ status: 404 });
    });

    it('refuses URLs that reach private, loopback or link-local addresses, at create and update, unless allowed', async () => {
      const loupe = await loupeOn(backend, { webhookAllowedSchemes: ['http', 'https'] });
      const refusals: [string, string][] = [
        ['http://127.0.0.1:8080/hook', '127.0.0.1'],
        ['https://10.1.2.3/hook', '10.1.2.3'],
        ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
        ['http://[::1]:9000/hook', '::1'],
        ['https://[::ffff:192.168.0.1]/hook', '::ffff:c0a8:1'],
        ['https://internal.example.com/hook', '10.0.0.7'],
        ['https://metadata.example.com/hook', 'fd00:ec2::254'],
      ];
      for (const [url, address] of refusals) {
        const res = await loupe.call('POST', API, { name: 'h', url, events: [{ entity: 'PROMPT', action: 'CREATED' }] });
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(res.body.message).toContain(`resolves to ${address}, which is not a public address`);
        expect(res.body.message).toContain('MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS');
      }
      const ok = await loupe.call('POST', API, { name: 'h', url: 'https://hooks.example.com/hook', events: [{ entity: 'PROMPT', action: 'CREATED' }] });
      expect(ok.status).toBe(200);
      const id = (ok.body.webhook as { webhook_id: string }).webhook_id;
      expect(await loupe.call('PATCH', `${API}/${id}`, { url: 'http://127.0.0.1/x' })).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
      expect(((await loupe.call('GET', `${API}/${id}`)).body.webhook as { url: string }).url).toBe('https://hooks.example.com/hook');

      const open = await loupeOn(backend, { webhookAllowedSchemes: ['http', 'https'], webhookAllowPrivateIps: true });
      for (const [url] of refusals) {
        expect((await open.call('POST', API, { name: 'h', url, events: [{ entity: 'PROMPT', action: 'CREATED' }] })).status).toBe(200);
      }
    });

    it('TestWebhook posts a signed example payload to a real receiver and reports its answer', async () => {
      const loupe = await loupeOn(backend, { webhookAllowedSchemes: ['http'], webhookAllowPrivateIps: true, secretKey: 'k'.repeat(40) });
      const receiver = await startWebhookReceiver(SECRET);
      receivers.push(receiver);
      receiver.answers.push({ status: 200, body: 'thanks' });
      const created = await loupe.call('POST', API, {
        name: 'tester',
        url: receiver.url,
        events: [{ entity: 'PROMPT_VERSION', action: 'CREATED' }],
        secret: SECRET,
      });
      const id = (created.body.webhook as { webhook_id: string }).webhook_id;
      // client.test_webhook(id): the first subscribed event.
      expect((await loupe.call('POST', `${API}/${id}/test`, {})).body).toEqual({ result: { success: true, response_status: 200, response_body: 'thanks' } });
      const [got] = receiver.received;
      expect(got?.signatureValid).toBe(true);
      expect(got?.headers['content-type']).toBe('application/json');
      expect(got?.headers['x-mlflow-timestamp']).toBe(String(Math.floor(loupe.clock.now() / 1000)));
      expect(JSON.parse(got?.body ?? '')).toEqual({
        entity: 'prompt_version',
        action: 'created',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/),
        data: {
          name: 'example_prompt',
          version: '1',
          template: 'Hello {{name}}!',
          tags: { example_key: 'example_value' },
          description: 'An example prompt version',
        },
      });
      expect(got?.body.startsWith('{"entity": "prompt_version", "action": "created", "timestamp": ')).toBe(true);
      expect(verifySignature('wrong-secret', got!.headers, got!.body)).toBe(false);

      // test_webhook(id, event=...) with a failing receiver: success false, status and body reported.
      receiver.answers.push({ status: 500, body: 'down' });
      expect((await loupe.call('POST', `${API}/${id}/test`, { event: { entity: 'PROMPT_ALIAS', action: 'DELETED' } })).body).toEqual({
        result: { success: false, response_status: 500, response_body: 'down' },
      });
      expect(JSON.parse(receiver.received[1]?.body ?? '')).toMatchObject({
        entity: 'prompt_alias',
        action: 'deleted',
        data: { name: 'example_prompt', alias: 'example_alias' },
      });
    });

    it('TestWebhook refuses, at connect time, a host whose address became private since the URL was checked', async () => {
      const loupe = await loupeOn(backend);
      const created = await loupe.call('POST', API, {
        name: 'rebind',
        url: 'https://hooks.example.com/hook',
        events: [{ entity: 'PROMPT', action: 'CREATED' }],
      });
      const id = (created.body.webhook as { webhook_id: string }).webhook_id;
      const saved = DNS['hooks.example.com'];
      DNS['hooks.example.com'] = [{ address: '127.0.0.1', family: 4 }];
      try {
        const res = await loupe.call('POST', `${API}/${id}/test`, {});
        expect(res.body).toEqual({
          result: { success: false, error_message: expect.stringContaining('Refused to connect to hooks.example.com at 127.0.0.1: not a public address') },
        });
      } finally {
        DNS['hooks.example.com'] = saved as ResolvedAddress[];
      }
    });

    it.runIf(backend.name === 'postgresql')('refuses a secret without a secret key on PostgreSQL, naming the setting; webhooks without one work', async () => {
      const loupe = await loupeOn(backend);
      expect(loupe.notices).toEqual([expect.stringContaining('--secret-key')]);
      const res = await loupe.call('POST', API, {
        name: 'h',
        url: 'https://hooks.example.com/x',
        events: [{ entity: 'PROMPT', action: 'CREATED' }],
        secret: SECRET,
      });
      expect(res.status).toBe(501);
      expect(res.body).toEqual({ error_code: 'NOT_IMPLEMENTED', message: expect.stringContaining('--secret-key (or LOUPE_SECRET_KEY)') });
      expect(res.text).not.toContain(SECRET);
      expect((await loupe.call('POST', API, { name: 'h', url: 'https://hooks.example.com/x', events: [{ entity: 'PROMPT', action: 'CREATED' }] })).status).toBe(
        200,
      );
    });
  });
}
