import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { systemScheduler } from '../export/scheduler.js';
import type { Loupe } from '../instance/loupe.js';
import { startFaultProxy, type FaultProxy } from '../testing/fault-proxy.js';
import { testLoupe } from '../testing/test-loupe.js';
import { PromptVersion } from './prompt-version.js';

// registerPrompt / loadPrompt / aliases / search against a real Loupe server, through a proxy that
// counts the requests reaching the server and injects outages; the cache's clock is moved by hand.
describe('prompts through the SDK', () => {
  let server: TestServer;
  let proxy: FaultProxy;
  let loupe: Loupe;
  let exp: string;
  let offsetMs = 0;
  const warnings: string[] = [];
  const chat = [
    { role: 'system', content: 'You are a {{ style }} assistant.' },
    { role: 'user', content: '{{question}}' },
  ];
  const reads = () => proxy.seen.filter((r) => r.path.includes('/model-versions/get') || r.path.includes('/registered-models/alias?')).length;

  beforeAll(async () => {
    server = await startTestServer();
    exp = await server.experiment('prompts');
    proxy = await startFaultProxy(server.url);
    loupe = testLoupe(proxy.url, exp, {
      requestTimeoutMs: 2_000,
      scheduler: { ...systemScheduler, now: () => Date.now() + offsetMs },
      diagnostics: { warn: (m) => warnings.push(m) },
    });
  });
  afterAll(async () => {
    await loupe?.shutdown();
    await proxy?.close();
    await server?.close();
  });

  it('registers text and chat versions and loads them by version, alias, @latest and name + version', async () => {
    const v1 = await loupe.registerPrompt({
      name: 'support-qa',
      template: 'Answer {{ question }} politely.',
      commitMessage: 'first',
      tags: { team: 'support' },
    });
    expect(v1).toBeInstanceOf(PromptVersion);
    expect(v1).toMatchObject({ name: 'support-qa', version: 1, type: 'text', uri: 'prompts:/support-qa/1', commitMessage: 'first', tags: { team: 'support' } });
    const v2 = await loupe.registerPrompt({
      name: 'support-qa',
      template: chat,
      commitMessage: 'chat version',
      responseFormat: { type: 'object', properties: { answer: { type: 'string' } } },
      modelConfig: { model_name: 'gpt-4o-mini', temperature: 0.2 },
    });
    expect(v2).toMatchObject({ version: 2, type: 'chat', template: chat, modelConfig: { model_name: 'gpt-4o-mini', temperature: 0.2 } });

    await loupe.setPromptAlias('support-qa', 'production', 1);
    const prod = await loupe.loadPrompt('prompts:/support-qa@production');
    expect(prod.version).toBe(1);
    expect(prod.format({ question: 'where is my order' })).toBe('Answer where is my order politely.');
    const latest = await loupe.loadPrompt('prompts:/support-qa@latest');
    expect(latest.version).toBe(2);
    expect(latest.format({ style: 'terse', question: 'Hi?' })).toEqual([
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'Hi?' },
    ]);
    expect(latest.responseFormat).toEqual({ type: 'object', properties: { answer: { type: 'string' } } });
    expect((await loupe.loadPrompt('support-qa', { version: 2 })).template).toEqual(chat);
    expect((await loupe.loadPrompt('prompts:/support-qa/1')).template).toBe('Answer {{ question }} politely.');

    // The server's answers for what does not exist come through as MLflow's errors.
    await expect(loupe.loadPrompt('prompts:/support-qa/9')).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    await expect(loupe.loadPrompt('prompts:/support-qa@staging')).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
    await loupe.deletePromptAlias('support-qa', 'production');
    await expect(loupe.loadPrompt('prompts:/support-qa@production')).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
  });

  it('refuses bad names and templates, and a registered model as a prompt', async () => {
    await expect(loupe.registerPrompt({ name: 'a/b', template: 'x' })).rejects.toThrow("Invalid prompt name 'a/b'");
    await expect(loupe.registerPrompt({ name: 'ok', template: [] })).rejects.toThrow('template must be');
    await loupe.client.rest.post('/api/2.0/mlflow/registered-models/create', { name: 'a-model' });
    await expect(loupe.registerPrompt({ name: 'a-model', template: 'x' })).rejects.toThrow("'a-model' is a registered model, not a prompt");
  });

  it('searches prompts only, with a filter', async () => {
    await loupe.registerPrompt({ name: 'billing-qa', template: 'Bill {{ x }}', tags: { team: 'billing' } });
    const all = await loupe.searchPrompts();
    expect(all.items.map((p) => p.name).sort()).toEqual(['billing-qa', 'support-qa']);
    const some = await loupe.searchPrompts({ filter: "name LIKE 'bill%'" });
    expect(some.items).toEqual([expect.objectContaining({ name: 'billing-qa', tags: { team: 'billing' } })]);
  });

  it('serves cached versions without a request, aliases for the TTL, then asks again', async () => {
    await loupe.registerPrompt({ name: 'cached', template: 'v1 {{ a }}' });
    await loupe.registerPrompt({ name: 'cached', template: 'v2 {{ a }}' });
    await loupe.setPromptAlias('cached', 'production', 1);
    const before = reads();
    expect((await loupe.loadPrompt('prompts:/cached@production')).version).toBe(1);
    expect((await loupe.loadPrompt('prompts:/cached/2')).version).toBe(2);
    expect(reads()).toBe(before + 2);
    for (let i = 0; i < 5; i++) {
      await loupe.loadPrompt('prompts:/cached@production');
      await loupe.loadPrompt('prompts:/cached/2');
      // The version the alias answered is cached too.
      await loupe.loadPrompt('prompts:/cached/1');
    }
    expect(reads()).toBe(before + 2);

    // Moved by someone else: this instance keeps its answer for the TTL, then sees the move.
    await loupe.client.setPromptAlias('cached', 'production', 2);
    offsetMs += 59_000;
    expect((await loupe.loadPrompt('prompts:/cached@production')).version).toBe(1);
    expect(reads()).toBe(before + 2);
    offsetMs += 2_000;
    expect((await loupe.loadPrompt('prompts:/cached@production')).version).toBe(2);
    expect(reads()).toBe(before + 3);
    // Pinned versions never expire; a per-call TTL overrides the default.
    offsetMs += 10 * 86_400_000;
    await loupe.loadPrompt('prompts:/cached/2');
    expect(reads()).toBe(before + 3);
    await loupe.loadPrompt('prompts:/cached@production', { cacheTtlMs: 100 * 86_400_000 });
    expect(reads()).toBe(before + 3);
  });

  it('serves the last good version when the server is down or answers 5xx, warning once', async () => {
    await loupe.registerPrompt({ name: 'resilient', template: 'hello {{ who }}' });
    await loupe.setPromptAlias('resilient', 'production', 1);
    expect((await loupe.loadPrompt('prompts:/resilient@production')).version).toBe(1);
    warnings.length = 0;
    try {
      proxy.mode = 'down';
      offsetMs += 120_000;
      const served = await loupe.loadPrompt('prompts:/resilient@production');
      expect(served.format({ who: 'Ann' })).toBe('hello Ann');
      offsetMs += 120_000;
      await loupe.loadPrompt('prompts:/resilient@production');
      proxy.mode = 'error500';
      offsetMs += 120_000;
      expect((await loupe.loadPrompt('prompts:/resilient@production')).version).toBe(1);
      expect(warnings).toEqual([expect.stringContaining('serving the cached prompts:/resilient/1')]);
      // Nothing cached to fall back on: the failure is the caller's.
      await expect(loupe.loadPrompt('prompts:/resilient@other')).rejects.toMatchObject({ status: 500 });
    } finally {
      proxy.mode = 'pass';
    }
    // A 4xx is an answer, not an outage: it is not hidden by the cache.
    await loupe.client.deletePromptAlias('resilient', 'production');
    offsetMs += 120_000;
    await expect(loupe.loadPrompt('prompts:/resilient@production')).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
  });

  it('links the loaded prompt versions to the running trace, visible through the server API', async () => {
    await loupe.registerPrompt({ name: 'linked', template: 'one {{ x }}' });
    await loupe.registerPrompt({ name: 'linked', template: 'two {{ x }}' });
    const answer = loupe.trace(
      async () => {
        const a = await loupe.loadPrompt('prompts:/linked/1');
        const b = await loupe.loadPrompt('prompts:/linked@latest');
        await loupe.loadPrompt('prompts:/linked/1');
        return [a.format({ x: 1 }), b.format({ x: 2 })];
      },
      { name: 'answer' },
    );
    expect(await answer()).toEqual(['one 1', 'two 2']);
    // Outside a trace loadPrompt works and links nothing.
    await loupe.loadPrompt('prompts:/linked/1');
    const traceId = loupe.getLastActiveTraceId() as string;
    await loupe.flushTraces();
    const trace = await loupe.client.getTrace(traceId);
    expect(JSON.parse(trace!.info.tags!['mlflow.linkedPrompts'] as string)).toEqual([
      { name: 'linked', version: '1' },
      { name: 'linked', version: '2' },
    ]);
    const byVersion = await loupe.client.rest.get<{ traces?: { trace_id: string }[] }>('/api/2.0/loupe/prompt-versions/traces', {
      name: 'linked',
      version: '2',
    });
    expect(byVersion.traces?.map((t) => t.trace_id)).toEqual([traceId]);
    const found = await loupe.client.searchTraces({ experimentIds: [exp], filter: "prompt = 'linked/1'" });
    expect(found.items.map((t) => t.info.trace_id)).toEqual([traceId]);
  });
});
