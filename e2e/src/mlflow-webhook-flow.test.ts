import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

// The requests MLflow's Python client sends for `create_webhook`, `list_webhooks`, `get_webhook`,
// `update_webhook` and `delete_webhook` (mlflow/store/model_registry/rest_store.py: protobuf JSON bodies,
// enums by name, list parameters in the query string), replayed over real HTTP against the built CLI
// with its default settings (https only, public addresses only: the URL is a public IP literal, so no DNS
// is needed and nothing is sent to it).
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client webhook flow', () => {
    let server: CliServer;
    const api = (p: string) => `/api/2.0/mlflow/${p}`;
    const call = (method: string, p: string, body?: unknown) => server.call(method, p, body);

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-webhook-flow-');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('creates, lists, gets, updates and deletes a webhook; the secret never comes back', async () => {
      const url = 'https://93.184.216.34/mlflow-hook';
      // client.create_webhook(name="ci", url=url, events=["model_version_alias.created"], description="deploy", secret="s3cret")
      const withSecret = await call('POST', api('webhooks'), {
        name: 'ci',
        url,
        events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }],
        description: 'deploy',
        secret: 's3cret-value',
      });
      let id: string;
      if (backend.name === 'sqlite') {
        // SQLite keeps a key file beside the database: secrets are stored, encrypted.
        expect(withSecret.status).toBe(200);
        id = withSecret.body.webhook.webhook_id;
      } else {
        // PostgreSQL servers must share a key: without --secret-key a secret is refused, naming the setting.
        expect(withSecret).toMatchObject({ status: 501, body: { error_code: 'NOT_IMPLEMENTED' } });
        expect(withSecret.body.message).toContain('--secret-key');
        const plain = await call('POST', api('webhooks'), {
          name: 'ci',
          url,
          events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }],
          description: 'deploy',
        });
        expect(plain.status).toBe(200);
        id = plain.body.webhook.webhook_id;
      }
      const expected = {
        webhook_id: id,
        name: 'ci',
        description: 'deploy',
        url,
        events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }],
        status: 'ACTIVE',
        creation_timestamp: expect.any(Number),
        last_updated_timestamp: expect.any(Number),
      };
      // client.get_webhook(id)
      expect(await call('GET', api(`webhooks/${id}`))).toEqual({ status: 200, body: { webhook: expected } });
      // client.list_webhooks(max_results=10)
      expect(await call('GET', api('webhooks?max_results=10'))).toEqual({ status: 200, body: { webhooks: [expected] } });
      // client.update_webhook(id, status="DISABLED", events=["model_version_alias.created", "model_version_alias.deleted"])
      const updated = await call('PATCH', api(`webhooks/${id}`), {
        events: [
          { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
          { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
        ],
        status: 'DISABLED',
      });
      expect(updated.body.webhook).toMatchObject({ status: 'DISABLED', events: [{ action: 'CREATED' }, { action: 'DELETED' }] });
      // A private address is refused with MLflow's error code.
      expect(await call('PATCH', api(`webhooks/${id}`), { url: 'https://169.254.169.254/latest/meta-data/' })).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
      // The delivery log (Loupe) is empty: no registry event happened.
      expect(await call('GET', `/ajax-api/2.0/loupe/webhooks/${id}/deliveries`)).toEqual({ status: 200, body: {} });
      for (const res of [await call('GET', api(`webhooks/${id}`)), await call('GET', api('webhooks'))])
        expect(JSON.stringify(res.body)).not.toContain('s3cret');
      // client.delete_webhook(id)
      expect(await call('DELETE', api(`webhooks/${id}`))).toEqual({ status: 200, body: {} });
      expect(await call('GET', api(`webhooks/${id}`))).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    });
  });
}
