import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow';
const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
const IS_PROMPT = { key: 'mlflow.prompt.is_prompt', value: 'true' };

// The prompt registry as MLflow's Python client uses it (spec §7): prompts are registered models and
// versions with prompt tags; these tests send what `register_prompt`, `load_prompt`, `search_prompts`
// and `set_prompt_alias` send, and check the events and links the server keeps.
describe('prompt registry REST', () => {
  let loupe: TestLoupe;
  let eventCounts: Promise<number>[];
  beforeEach(async () => {
    eventCounts = [];
    loupe = await createTestLoupe({
      // The listener runs after the commit: a read started in it sees the write's events.
      deps: {
        onRegistryEvents: () => {
          eventCounts.push(
            loupe.db
              .selectFrom('registry_events')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
              .then((r) => Number(r.n)),
          );
        },
      },
    });
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(200);
    return res.body;
  };

  /** `mlflow.genai.register_prompt(name, template, commit_message, tags)` against an MLflow server. */
  const registerPrompt = async (
    name: string,
    template: string | { role: string; content: string }[],
    commitMessage: string,
    tags: Record<string, string> = {},
  ) => {
    const existing = await loupe.call('GET', `${API}/registered-models/get?${q({ name })}`);
    if (existing.status === 404) {
      await ok('POST', `${API}/registered-models/create`, {
        name,
        description: commitMessage,
        tags: [IS_PROMPT, ...Object.entries(tags).map(([key, value]) => ({ key, value }))],
      });
    } else {
      for (const [key, value] of Object.entries(tags)) await ok('POST', `${API}/registered-models/set-tag`, { name, key, value });
    }
    const chat = typeof template !== 'string';
    const created = await ok('POST', `${API}/model-versions/create`, {
      name,
      description: commitMessage,
      source: 'dummy-source',
      tags: [
        ...Object.entries(tags).map(([key, value]) => ({ key, value })),
        IS_PROMPT,
        { key: '_mlflow_prompt_type', value: chat ? 'chat' : 'text' },
        { key: 'mlflow.prompt.text', value: chat ? JSON.stringify(template) : template },
      ],
    });
    await ok('GET', `${API}/registered-models/get?${q({ name })}`);
    return created.model_version as { version: string; tags: { key: string; value: string }[] };
  };

  it('registers text and chat prompts, loads them by version, alias and @latest, and searches them apart from models', async () => {
    const v1 = await registerPrompt('qa', 'Answer {{ question }}', 'first', { team: 'support' });
    expect(v1).toMatchObject({ version: '1', tags: expect.arrayContaining([{ key: 'mlflow.prompt.text', value: 'Answer {{ question }}' }]) });
    const chat = [
      { role: 'system', content: 'You are {{ persona }}.' },
      { role: 'user', content: '{{ question }}' },
    ];
    expect((await registerPrompt('qa', chat, 'chat version', { team: 'support-2' })).version).toBe('2');
    await ok('POST', `${API}/registered-models/create`, { name: 'a-model' });

    // load_prompt("prompts:/qa/1"): the prompt, then the version.
    const rm = (await ok('GET', `${API}/registered-models/get?name=qa`)).registered_model as { tags: { key: string; value: string }[]; description: string };
    expect(rm).toMatchObject({ description: 'first', tags: [IS_PROMPT, { key: 'team', value: 'support-2' }] });
    const loaded = (await ok('GET', `${API}/model-versions/get?${q({ name: 'qa', version: '2' })}`)).model_version as {
      tags: { key: string; value: string }[];
    };
    expect(JSON.parse(loaded.tags.find((t) => t.key === 'mlflow.prompt.text')?.value ?? '')).toEqual(chat);

    // set_prompt_alias (after checking the version exists), then load_prompt("prompts:/qa@production") and "@latest".
    await ok('GET', `${API}/model-versions/get?${q({ name: 'qa', version: '1' })}`);
    await ok('POST', `${API}/registered-models/alias`, { name: 'qa', alias: 'production', version: '1' });
    expect((await ok('GET', `${API}/registered-models/alias?${q({ name: 'qa', alias: 'production' })}`)).model_version).toMatchObject({
      version: '1',
      aliases: ['production'],
    });
    expect((await ok('GET', `${API}/registered-models/alias?${q({ name: 'qa', alias: 'latest' })}`)).model_version).toMatchObject({ version: '2' });
    expect(await loupe.call('GET', `${API}/registered-models/alias?${q({ name: 'qa', alias: 'staging' })}`)).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Registered model alias staging not found.' },
    });

    // search_prompts(filter_string="name LIKE 'q%'") and the client's experiment_id rewrite.
    const searched = await ok(
      'GET',
      `${API}/registered-models/search?${q({ filter: "tags.`mlflow.prompt.is_prompt` = 'true' AND name LIKE 'q%'", max_results: 1000 })}`,
    );
    expect((searched.registered_models as { name: string }[]).map((m) => m.name)).toEqual(['qa']);
    await ok('POST', `${API}/registered-models/set-tag`, { name: 'qa', key: '_mlflow_experiment_ids', value: ',0,7,' });
    const inExperiment = await ok(
      'GET',
      `${API}/registered-models/search?${q({ filter: "tags.`mlflow.prompt.is_prompt` = 'true' AND tags._mlflow_experiment_ids LIKE '%,7,%'" })}`,
    );
    expect((inExperiment.registered_models as { name: string }[]).map((m) => m.name)).toEqual(['qa']);
    // Models pages never see prompts, nor their versions.
    expect(((await ok('GET', `${API}/registered-models/search`)).registered_models as { name: string }[]).map((m) => m.name)).toEqual(['a-model']);
    expect(await ok('GET', `${API}/model-versions/search`)).toEqual({});
    const promptVersions = await ok(
      'GET',
      `${API}/model-versions/search?${q({ filter: "name = 'qa' AND tag.`mlflow.prompt.is_prompt` = 'true'", order_by: 'version_number DESC' })}`,
    );
    expect((promptVersions.model_versions as { version: string }[]).map((v) => v.version)).toEqual(['2', '1']);
  });

  it("stores MLflow's prompt events, and the listener hears of each commit that stored one", async () => {
    await registerPrompt('qa', 'Answer {{ q }}', 'first', { team: 'support' });
    await ok('POST', `${API}/registered-models/set-tag`, { name: 'qa', key: 'owner', value: 'ann' });
    await ok('DELETE', `${API}/registered-models/delete-tag`, { name: 'qa', key: 'owner' });
    await ok('POST', `${API}/model-versions/set-tag`, { name: 'qa', version: '1', key: 'reviewed', value: 'yes' });
    await ok('DELETE', `${API}/model-versions/delete-tag`, { name: 'qa', version: '1', key: 'reviewed' });
    await ok('POST', `${API}/registered-models/alias`, { name: 'qa', alias: 'production', version: '1' });
    await ok('DELETE', `${API}/registered-models/alias`, { name: 'qa', alias: 'production' });
    const events = (await loupe.db.selectFrom('registry_events').selectAll().orderBy('seq').execute()).map((e) => ({
      entity: e.entity,
      action: e.action,
      data: JSON.parse(e.payload) as unknown,
      created_at: Number(e.created_at),
    }));
    const at = loupe.clock.now();
    expect(events).toEqual([
      { entity: 'prompt', action: 'created', data: { name: 'qa', tags: { team: 'support' }, description: 'first' }, created_at: at },
      {
        entity: 'prompt_version',
        action: 'created',
        data: { name: 'qa', version: '1', template: 'Answer {{ q }}', tags: { team: 'support' }, description: 'first' },
        created_at: at,
      },
      { entity: 'prompt_tag', action: 'set', data: { name: 'qa', key: 'owner', value: 'ann' }, created_at: at },
      { entity: 'prompt_tag', action: 'deleted', data: { name: 'qa', key: 'owner' }, created_at: at },
      { entity: 'prompt_version_tag', action: 'set', data: { name: 'qa', version: '1', key: 'reviewed', value: 'yes' }, created_at: at },
      { entity: 'prompt_version_tag', action: 'deleted', data: { name: 'qa', version: '1', key: 'reviewed' }, created_at: at },
      { entity: 'prompt_alias', action: 'created', data: { name: 'qa', alias: 'production', version: '1' }, created_at: at },
      { entity: 'prompt_alias', action: 'deleted', data: { name: 'qa', alias: 'production' }, created_at: at },
    ]);
    expect(await Promise.all(eventCounts)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Writes that store no event (a model's tag, a failed write, a read) do not call it.
    await ok('POST', `${API}/registered-models/create`, { name: 'm' });
    await ok('POST', `${API}/registered-models/set-tag`, { name: 'm', key: 'k', value: 'v' });
    expect((await loupe.call('POST', `${API}/registered-models/set-tag`, { name: 'ghost', key: 'k', value: 'v' })).status).toBe(404);
    await ok('GET', `${API}/registered-models/get?name=m`);
    expect(await Promise.all(eventCounts)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('lists the traces that used a prompt version, newest first, from trace links both ways', async () => {
    await registerPrompt('qa', 'Answer {{ q }}', 'first');
    await registerPrompt('qa', 'Answer well: {{ q }}', 'second');
    const exp = (await ok('POST', `${API}/experiments/create`, { name: 'traces' })).experiment_id as string;
    const trace = (n: number) => `tr-${n.toString(16).padStart(32, '0')}`;
    for (const n of [1, 2, 3]) {
      await ok('POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: trace(n),
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: `2025-06-15T14:07:0${n}.000Z`,
            state: 'OK',
          },
        },
      });
    }
    await ok('POST', `${API}/traces/link-prompts`, { trace_id: trace(1), prompt_versions: [{ name: 'qa', version: '1' }] });
    await ok('POST', `${API}/traces/link-prompts`, { trace_id: trace(3), prompt_versions: [{ name: 'qa', version: '1' }] });
    await ok('POST', `${API}/traces/link-prompts`, { trace_id: trace(2), prompt_versions: [{ name: 'qa', version: '2' }] });
    // A trace that used version 1 shows it; version 1 shows the traces that used it.
    const info = (await ok('GET', `/api/3.0/mlflow/traces/${trace(1)}`)) as { trace?: { trace_info: { tags: Record<string, string> } } };
    expect(JSON.parse(info.trace?.trace_info.tags['mlflow.linkedPrompts'] ?? '[]')).toEqual([{ name: 'qa', version: '1' }]);
    const used = async (params: Record<string, string | number>) => ok('GET', `/ajax-api/2.0/loupe/prompt-versions/traces?${q(params)}`);
    expect(((await used({ name: 'qa', version: 1 })).traces as { trace_id: string }[]).map((t) => t.trace_id)).toEqual([trace(3), trace(1)]);
    const first = await used({ name: 'qa', version: 1, max_results: 1 });
    expect((first.traces as { trace_id: string }[]).map((t) => t.trace_id)).toEqual([trace(3)]);
    const next = await used({ name: 'qa', version: 1, max_results: 1, page_token: first.next_page_token as string });
    expect([(next.traces as { trace_id: string }[]).map((t) => t.trace_id), next.next_page_token]).toEqual([[trace(1)], undefined]);
    expect(await used({ name: 'qa', version: 9 })).toEqual({});
    expect((await loupe.call('GET', `/api/2.0/loupe/prompt-versions/traces?${q({ name: 'qa', version: 'x' })}`)).status).toBe(400);
  });
});
