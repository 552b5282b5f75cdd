import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { ADMIN, basic, TEST_SCRYPT } from '../auth/auth-fixtures.js';

/** An OpenAI-compatible server answering every chat call with 1,000 + 1,000 tokens of gpt-4o-mini. */
async function startOpenAiCompatible(): Promise<{ url: string; calls: number; close(): Promise<void> }> {
  const state = { calls: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.calls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1000, completion_tokens: 1000, total_tokens: 2000 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// With auth on: the data plane needs a signed-in user, records who called (trace metadata, USER
// budgets), and a USER budget refuses only its user.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'AI gateway data plane with auth on', () => {
    let loupe: TestLoupe;
    let provider: Awaited<ReturnType<typeof startOpenAiCompatible>>;
    const admin = basic(ADMIN.username, ADMIN.password);
    const as = (user: string) => basic(user, `${user}-password-1`);

    beforeAll(async () => {
      provider = await startOpenAiCompatible();
      loupe = await createTestLoupe({
        database: await backend.create(),
        appName: 'basic-auth',
        authAdminUsername: ADMIN.username,
        authAdminPassword: ADMIN.password,
        authDefaultPermission: 'READ',
        secretKey: 'k'.repeat(40),
        gatewayAllowPrivateIps: true,
        deps: { scryptCost: TEST_SCRYPT },
      });
    });
    afterAll(async () => {
      await loupe?.dispose();
      await provider?.close();
    });

    async function ok(who: Record<string, string>, method: string, url: string, body?: unknown) {
      const res = await loupe.call(method, url, body, who);
      expect(res.status, `${method} ${url}: ${res.text}`).toBe(200);
      return res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    }

    it('records the caller and refuses a USER budget to its user only', async () => {
      for (const user of ['alice', 'bob']) await ok(admin, 'POST', '/api/2.0/mlflow/users/create', { username: user, password: `${user}-password-1` });
      const gw = (p: string) => `/api/3.0/mlflow/gateway/${p}`;
      const secret = (
        await ok(admin, 'POST', gw('secrets/create'), { secret_name: 'local', secret_value: { api_key: 'k' }, auth_config: { api_base: provider.url } })
      ).secret;
      const definition = (
        await ok(admin, 'POST', gw('model-definitions/create'), { name: 'mini', secret_id: secret.secret_id, provider: 'openai', model_name: 'gpt-4o-mini' })
      ).model_definition;
      const endpoint = (
        await ok(admin, 'POST', gw('endpoints/create'), {
          name: 'chat',
          model_configs: [{ model_definition_id: definition.model_definition_id, linkage_type: 'PRIMARY' }],
        })
      ).endpoint;
      const policy = (
        await ok(admin, 'POST', gw('budgets/create'), {
          budget_unit: 'USD',
          budget_amount: 0.0001,
          duration: { unit: 'HOURS', value: 1 },
          target_scope: 'USER',
          target_value: 'bob',
          budget_action: 'REJECT',
        })
      ).budget_policy;
      const ask = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };
      const path = '/gateway/mlflow/v1/chat/completions';

      expect((await loupe.call('POST', path, ask)).status).toBe(401);
      expect((await ok(as('bob'), 'POST', path, ask)).choices[0].message.content).toBe('hi');
      const refused = await loupe.call('POST', path, ask, as('bob'));
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error_code: 'RESOURCE_EXHAUSTED', message: expect.stringContaining(policy.budget_policy_id) });
      await ok(as('alice'), 'POST', path, ask);
      expect(provider.calls).toBe(2);

      const traces = (await ok(admin, 'POST', '/api/3.0/mlflow/traces/search', { experiment_ids: [endpoint.experiment_id] })).traces as {
        trace_metadata: Record<string, string>;
      }[];
      expect(traces.map((t) => t.trace_metadata['mlflow.trace.user']).sort()).toEqual(['alice', 'bob']);
    });
  });
}
