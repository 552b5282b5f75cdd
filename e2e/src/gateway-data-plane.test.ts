import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import { installAnthropic } from '@loupe/fake-providers/anthropic';
import { installBedrock } from '@loupe/fake-providers/bedrock';
import { installGemini } from '@loupe/fake-providers/gemini';
import { chatTurn, installOpenAI, openaiError } from '@loupe/fake-providers/openai';
import { resolveServerConfig, startServer, type RunningServer } from '@loupe/server';
import { describeOnBackend, testBackends, type TestDatabase } from '@loupe/server/testing';

const KEY = 'gateway-data-plane-key-'.padEnd(48, 'x');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** A local webhook receiver: every POST body it got. */
async function startReceiver(): Promise<{ url: string; bodies: Record<string, unknown>[]; close(): Promise<void> }> {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * An OpenAI-compatible server that streams a chunk every 20 ms for 10 s, and tells when the
 * connection it streams on was closed before the end (the gateway stopped reading).
 */
async function startSlowStream(): Promise<{ url: string; requests: () => number; closedEarly: Promise<void>; close(): Promise<void> }> {
  let closedEarly!: () => void;
  const closed = new Promise<void>((resolve) => (closedEarly = resolve));
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    const chunk = (content: string) => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
    });
    const timer = setInterval(() => {
      if (++n > 500) {
        clearInterval(timer);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.write(`data: ${JSON.stringify(chunk(`tick ${n} `))}\n\n`);
    }, 20);
    res.on('close', () => {
      clearInterval(timer);
      if (n <= 500) closedEarly();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests: () => requests,
    closedEarly: closed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The AI gateway's data plane as clients use it: the real `openai` package pointed at Loupe's
// `/gateway/mlflow/v1`, endpoints whose models are fake OpenAI, Anthropic, Bedrock and Gemini servers
// (reached through the SSRF-guarded client, allowed to loopback by --gateway-allow-private-ips), on each
// database: answers, streams, fallbacks, budgets (429 and one webhook event) and usage traces.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'AI gateway data plane with the OpenAI client', () => {
    let fake: FakeProvider;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let database: TestDatabase;
    let server: RunningServer;
    let artifacts: string;
    let client: OpenAI;
    const secrets: Record<string, string> = {};
    let counter = 0;

    async function api(method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> {
      const res = await fetch(`${server.url}${p}`, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
    }
    async function ok(method: string, p: string, body?: unknown) {
      const res = await api(method, p, body);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    }
    const gw = (p: string) => `/api/3.0/mlflow/gateway/${p}`;

    /** An endpoint over the given models (`[provider, model, linkage, secret (default: the provider's)]`); its id, name and experiment. */
    async function endpoint(models: [string, string, 'PRIMARY' | 'FALLBACK', string?][], extra: Record<string, unknown> = {}) {
      const name = `ep-${++counter}`;
      const configs = [];
      for (const [i, [provider, modelName, linkage, secret]] of models.entries()) {
        const definition = (
          await ok('POST', gw('model-definitions/create'), { name: `${name}-${i}`, secret_id: secrets[secret ?? provider], provider, model_name: modelName })
        ).model_definition;
        configs.push({
          model_definition_id: definition.model_definition_id,
          linkage_type: linkage,
          weight: 1,
          ...(linkage === 'FALLBACK' ? { fallback_order: i } : {}),
        });
      }
      const created = (await ok('POST', gw('endpoints/create'), { name, model_configs: configs, ...extra })).endpoint;
      return { id: created.endpoint_id as string, name, experimentId: created.experiment_id as string };
    }

    async function traces(experimentId: string, filter?: string) {
      const body = await ok('POST', '/api/3.0/mlflow/traces/search', { experiment_ids: [experimentId], ...(filter ? { filter } : {}) });
      return (body.traces ?? []) as Json[];
    }

    beforeAll(async () => {
      fake = await startFakeProvider();
      installOpenAI(fake);
      installAnthropic(fake);
      installBedrock(fake);
      installGemini(fake);
      receiver = await startReceiver();
      database = await backend.create();
      artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-gateway-data-'));
      server = await startServer(
        resolveServerConfig(
          {
            port: 0,
            host: '127.0.0.1',
            backendStoreUri: database.uri,
            artifactsDestination: artifacts,
            otlpDecodeThreads: 0,
            shutdownGraceMs: 1000,
            secretKey: KEY,
            gatewayAllowPrivateIps: true,
            webhookAllowPrivateIps: true,
            webhookAllowedSchemes: ['http'],
          },
          {},
        ),
        { checkResponses: true },
      );
      const secretOf = async (provider: string, value: Record<string, string>, authConfig: Record<string, string>) => {
        secrets[provider] = (
          await ok('POST', gw('secrets/create'), { secret_name: provider, secret_value: value, provider, auth_config: authConfig })
        ).secret.secret_id;
      };
      await secretOf('openai', { api_key: 'sk-fake' }, { api_base: `${fake.url}/v1` });
      await secretOf('anthropic', { api_key: 'sk-ant-fake' }, { api_base: `${fake.url}/v1` });
      await secretOf('bedrock', { aws_access_key_id: 'AKIAFAKE', aws_secret_access_key: 'fake-secret' }, { aws_region_name: 'us-east-1', api_base: fake.url });
      await secretOf('gemini', { api_key: 'g-fake' }, { api_base: `${fake.url}/v1beta` });
      client = new OpenAI({ baseURL: `${server.url}/gateway/mlflow/v1`, apiKey: 'unused', maxRetries: 0 });
    });
    afterAll(async () => {
      await server?.close();
      await database?.drop();
      await fake?.close();
      await receiver?.close();
      if (artifacts) fs.rmSync(artifacts, { recursive: true, force: true });
    });
    beforeEach(() => fake.reset());

    it.each([
      ['openai', 'gpt-4o-mini', /^\/v1\/chat\/completions$/],
      ['anthropic', 'claude-sonnet-4-5', /^\/v1\/messages$/],
      ['bedrock', 'anthropic.claude-3-5-haiku-20241022-v1:0', /^\/model\/.+\/converse(-stream)?$/],
      ['gemini', 'gemini-2.5-flash', /^\/v1beta\/models\/gemini-2\.5-flash:(generateContent|streamGenerateContent)$/],
    ])('answers and streams from %s through the OpenAI client', async (provider, model, providerPath) => {
      const ep = await endpoint([[provider, model, 'PRIMARY']]);
      const answer = await client.chat.completions.create({ model: ep.name, messages: [{ role: 'user', content: `Hello ${provider}` }] });
      expect(answer.choices[0]!.message.content).toContain(`Hello ${provider}`);
      expect(answer.usage!.prompt_tokens).toBeGreaterThan(0);

      const stream = await client.chat.completions.create({ model: ep.name, messages: [{ role: 'user', content: `Stream ${provider}` }], stream: true });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toContain(`Stream ${provider}`);
      expect(usage?.completion_tokens).toBeGreaterThan(0);
      expect(fake.requests.map((r) => r.path)).toHaveLength(2);
      for (const r of fake.requests) expect(r.path).toMatch(providerPath);

      // MLflow's own invocations route answers the same way.
      const invoked = await ok('POST', `/gateway/${ep.name}/mlflow/invocations`, { messages: [{ role: 'user', content: 'Via invocations' }] });
      expect(invoked.choices[0].message.content).toContain('Via invocations');

      // Usage tracking is on by default: every call traced into the endpoint's experiment.
      const found = await traces(ep.experimentId);
      expect(found).toHaveLength(3);
      expect(found.map((t) => t.request_preview as string).join(' ')).toContain(`Stream ${provider}`);
      for (const t of found) {
        expect(t.state).toBe('OK');
        expect(t.tags['mlflow.traceName']).toBe(`gateway/${ep.name}`);
        expect(t.trace_metadata['mlflow.source.type']).toBe('GATEWAY');
        const usageMeta = JSON.parse(t.trace_metadata['mlflow.trace.tokenUsage'] as string) as Record<string, number>;
        expect(usageMeta.input_tokens).toBeGreaterThan(0);
        expect(usageMeta.output_tokens).toBeGreaterThan(0);
      }
    });

    it('falls back from a failing primary to the fallback model, and traces which model answered', async () => {
      const ep = await endpoint([
        ['openai', 'gpt-4o-mini', 'PRIMARY'],
        ['anthropic', 'claude-sonnet-4-5', 'FALLBACK'],
      ]);
      fake.enqueue('POST', '/v1/chat/completions', openaiError(500, 'primary is down'));
      const answer = await client.chat.completions.create({ model: ep.name, messages: [{ role: 'user', content: 'Anyone there?' }] });
      expect(answer.choices[0]!.message.content).toContain('Anyone there?');
      expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);

      const [trace] = await traces(ep.experimentId);
      const { body } = await api('GET', `/api/3.0/mlflow/traces/${trace!.trace_id}`);
      expect(JSON.stringify(body)).toContain('claude-sonnet-4-5');
      expect(trace!.trace_metadata['mlflow.trace.cost']).toBeDefined();
      expect(JSON.parse(trace!.trace_metadata['mlflow.trace.cost'] as string).total_cost).toBeGreaterThan(0);

      // Both models failing is the provider's trouble: 503, never a 500, and a trace in ERROR.
      fake.enqueue('POST', '/v1/chat/completions', openaiError(500, 'still down'));
      fake.enqueue('POST', '/v1/messages', { status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'overloaded' } } });
      const failure = await client.chat.completions.create({ model: ep.name, messages: [{ role: 'user', content: 'Again?' }] }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      const errors = await traces(ep.experimentId, "trace.status = 'ERROR'");
      expect(errors).toHaveLength(1);
    });

    it("answers a provider's refusal as 400 and an unknown endpoint as 404, both as {error_code, message}", async () => {
      const ep = await endpoint([['openai', 'gpt-4o-mini', 'PRIMARY']]);
      fake.enqueue('POST', '/v1/chat/completions', openaiError(400, 'Unsupported parameter: foo'));
      const refused = await api('POST', '/gateway/mlflow/v1/chat/completions', { model: ep.name, messages: [{ role: 'user', content: 'x' }] });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error_code: 'BAD_REQUEST', message: expect.stringContaining('Unsupported parameter: foo') });
      const missing = await api('POST', '/gateway/mlflow/v1/chat/completions', { model: 'no-such-endpoint', messages: [{ role: 'user', content: 'x' }] });
      expect(missing.status).toBe(404);
      expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      const noModel = await api('POST', '/gateway/mlflow/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] });
      expect(noModel.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Missing required 'model' parameter in request body" });
      const [trace] = await traces(ep.experimentId);
      expect(trace!.state).toBe('ERROR');
    });

    it("stops the provider's stream when the client goes away, and traces the call as cancelled", async () => {
      const slow = await startSlowStream();
      try {
        secrets.slow = (
          await ok('POST', gw('secrets/create'), {
            secret_name: 'slow',
            secret_value: { api_key: 'k' },
            provider: 'openai',
            auth_config: { api_base: slow.url },
          })
        ).secret.secret_id as string;
        const ep = await endpoint([['openai', 'gpt-4o-mini', 'PRIMARY', 'slow']]);
        const abort = new AbortController();
        const stream = await client.chat.completions.create(
          { model: ep.name, messages: [{ role: 'user', content: 'tick' }], stream: true },
          { signal: abort.signal },
        );
        let seen = '';
        for await (const chunk of stream) {
          seen += chunk.choices[0]?.delta.content ?? '';
          if (seen.includes('tick 2')) break; // leaving the loop aborts the client's request
        }
        await slow.closedEarly;
        await vi.waitFor(async () => expect(await traces(ep.experimentId, "trace.status = 'ERROR'")).toHaveLength(1), { timeout: 5000, interval: 50 });
      } finally {
        await slow.close();
      }
    });

    it("stops the provider's call when the client of a non-streaming call goes away", async () => {
      const slow = await startSlowStream();
      try {
        secrets.slow2 = (
          await ok('POST', gw('secrets/create'), {
            secret_name: 'slow2',
            secret_value: { api_key: 'k' },
            provider: 'openai',
            auth_config: { api_base: slow.url },
          })
        ).secret.secret_id as string;
        const ep = await endpoint([['openai', 'gpt-4o-mini', 'PRIMARY', 'slow2']]);
        const abort = new AbortController();
        const pending = client.chat.completions
          .create({ model: ep.name, messages: [{ role: 'user', content: 'wait' }] }, { signal: abort.signal })
          .catch((e: unknown) => e);
        await vi.waitFor(() => expect(slow.requests()).toBe(1), { timeout: 5000, interval: 20 });
        abort.abort();
        expect(await pending).toBeInstanceOf(Error);
        await slow.closedEarly;
        await vi.waitFor(async () => expect(await traces(ep.experimentId, "trace.status = 'ERROR'")).toHaveLength(1), { timeout: 5000, interval: 50 });
      } finally {
        await slow.close();
      }
    });

    it('embeds through /gateway/mlflow/v1/embeddings', async () => {
      const ep = await endpoint([['openai', 'text-embedding-3-small', 'PRIMARY']]);
      const result = await client.embeddings.create({ model: ep.name, input: ['first', 'second'] });
      expect(result.data).toHaveLength(2);
      expect(result.data[0]!.embedding.length).toBeGreaterThan(0);
      expect(fake.requests.map((r) => r.path)).toEqual(['/v1/embeddings']);
    });

    it('refuses a call once a REJECT budget is spent (429) and sends budget_policy.exceeded once per window for an ALERT budget', async () => {
      const ep = await endpoint([['openai', 'gpt-4o-mini', 'PRIMARY']], { usage_tracking: false });
      const budget = (action: string) => ({
        budget_unit: 'USD',
        budget_amount: 0.000001,
        duration: { unit: 'DAYS', value: 1 },
        target_scope: 'ENDPOINT',
        target_value: ep.id,
        budget_action: action,
      });
      const reject = (await ok('POST', gw('budgets/create'), budget('REJECT'))).budget_policy;
      const alert = (await ok('POST', gw('budgets/create'), budget('ALERT'))).budget_policy;
      await ok('POST', '/api/2.0/mlflow/webhooks', { name: 'budgets', url: receiver.url, events: [{ entity: 'budget_policy', action: 'exceeded' }] });

      fake.enqueue('POST', '/v1/chat/completions', chatTurn({ content: 'costly', usage: { prompt_tokens: 1000, completion_tokens: 1000 } }));
      await client.chat.completions.create({ model: ep.name, messages: [{ role: 'user', content: 'spend' }] });
      const refused = await client.chat.completions.create({ model: ep.name, messages: [{ role: 'user', content: 'more' }] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
      const raw = await api('POST', `/gateway/${ep.name}/mlflow/invocations`, { messages: [{ role: 'user', content: 'more' }] });
      expect(raw.status).toBe(429);
      expect(raw.body).toEqual({
        error_code: 'RESOURCE_EXHAUSTED',
        message: `Budget limit exceeded for policy '${reject.budget_policy_id}'. Limit: $0.00 USD per 1 days. Request rejected.`,
      });
      expect(fake.requests).toHaveLength(1);

      // The windows report the spend; more spend in the same window sends no second event.
      const windows = (await ok('GET', gw('budgets/windows'))).windows as { budget_policy_id: string; current_spend: number }[];
      expect(windows.find((w) => w.budget_policy_id === alert.budget_policy_id)!.current_spend).toBeGreaterThan(0);
      await ok('DELETE', gw('budgets/delete'), { budget_policy_id: reject.budget_policy_id });
      await client.chat.completions.create({ model: ep.name, messages: [{ role: 'user', content: 'again' }] });
      await vi.waitFor(() => expect(receiver.bodies).toHaveLength(1), { timeout: 10_000, interval: 50 });
      const [event] = receiver.bodies;
      expect(event).toMatchObject({
        entity: 'budget_policy',
        action: 'exceeded',
        data: { budget_policy_id: alert.budget_policy_id, budget_unit: 'USD', target_scope: 'ENDPOINT', duration_unit: 'DAYS', duration_value: 1 },
      });
      expect((event!.data as { current_spend: number }).current_spend).toBeGreaterThan(0.000001);
      const events = await server.loupe.db.selectFrom('registry_events').select('seq').where('entity', '=', 'budget_policy').execute();
      expect(events).toHaveLength(1);
      // usage_tracking off: no traces.
      expect(ep.experimentId).toBeUndefined();
    });
  });
}
