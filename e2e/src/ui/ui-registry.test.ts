import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { supportAgentTrace } from './agent-traces.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

const IS_PROMPT = { key: 'mlflow.prompt.is_prompt', value: 'true' };

describeWithChromium('UI: model and prompt registries (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let runId: string;
  let experimentId: string;
  let loggedModelId: string;
  let traceId: string;
  /** Traces made with version 2's logged model (metadata `mlflow.modelId`), oldest first. */
  let modelTraceIds: string[];

  /** A prompt version as MLflow's register_prompt writes it. */
  const promptVersion = (name: string, template: string | { role: string; content: string }[], commitMessage: string) =>
    seed.post('/api/2.0/mlflow/model-versions/create', {
      name,
      source: 'dummy-source',
      description: commitMessage,
      tags: [
        IS_PROMPT,
        { key: '_mlflow_prompt_type', value: typeof template === 'string' ? 'text' : 'chat' },
        { key: 'mlflow.prompt.text', value: typeof template === 'string' ? template : JSON.stringify(template) },
      ],
    });

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-registry-'));
    experimentId = await seed.createExperiment('fraud');
    runId = await seed.createRun(experimentId, 'train-fraud', { metrics: { auc: [0.91] } });
    // mlflow.register_model('runs:/<id>/model', 'fraud-detector'), then a version from a logged model.
    await seed.post('/api/2.0/mlflow/registered-models/create', {
      name: 'fraud-detector',
      description: 'Flags card fraud.',
      tags: [{ key: 'team', value: 'risk' }],
    });
    await seed.post('/api/2.0/mlflow/model-versions/create', { name: 'fraud-detector', source: `runs:/${runId}/model`, run_id: runId });
    const logged = await seed.post<{ model: { info: { model_id: string } } }>('/api/2.0/mlflow/logged-models', {
      experiment_id: experimentId,
      name: 'fraud-model',
      source_run_id: runId,
    });
    loggedModelId = logged.model.info.model_id;
    await seed.post('/api/2.0/mlflow/model-versions/create', { name: 'fraud-detector', source: `models:/${loggedModelId}`, model_id: loggedModelId });
    await seed.post('/api/2.0/mlflow/registered-models/alias', { name: 'fraud-detector', alias: 'champion', version: '2' });
    await seed.post('/api/2.0/mlflow/model-versions/transition-stage', {
      name: 'fraud-detector',
      version: '1',
      stage: 'Archived',
      archive_existing_versions: false,
    });
    // 30 more models, for paging (25 a page), and prompts, which the model list leaves out.
    for (let i = 0; i < 30; i++) await seed.post('/api/2.0/mlflow/registered-models/create', { name: `m-${String(i).padStart(2, '0')}` });

    await seed.post('/api/2.0/mlflow/registered-models/create', { name: 'qa-prompt', tags: [IS_PROMPT, { key: 'team', value: 'support' }] });
    await promptVersion('qa-prompt', 'Answer the question.\nQuestion: {{ question }}', 'first draft');
    await promptVersion('qa-prompt', 'Answer the question briefly.\nQuestion: {{ question }}\nCite sources.', 'shorter answers');
    await seed.post('/api/2.0/mlflow/registered-models/alias', { name: 'qa-prompt', alias: 'production', version: '1' });
    await seed.post('/api/2.0/mlflow/registered-models/create', { name: 'chat-prompt', tags: [IS_PROMPT] });
    await promptVersion('chat-prompt', [{ role: 'system', content: 'You are a {{ persona }}.' }], 'system only');
    await promptVersion(
      'chat-prompt',
      [
        { role: 'system', content: 'You are a helpful {{ persona }}.' },
        { role: 'user', content: '{{ question }}' },
      ],
      'add the user turn',
    );
    const trace = await seed.sendTrace(experimentId, supportAgentTrace(0), { startMs: Date.now() });
    traceId = trace.traceId;
    await seed.post('/api/2.0/mlflow/traces/link-prompts', { trace_id: traceId, prompt_versions: [{ name: 'qa-prompt', version: '2' }] });
    // Traces made with version 2's logged model, as an app with `setActiveModel({ modelId })` sends them.
    modelTraceIds = [];
    for (const n of [1, 2]) {
      const made = await seed.sendTrace(experimentId, supportAgentTrace(n), { startMs: Date.now() - (3 - n) * 60_000, modelId: loggedModelId });
      modelTraceIds.push(made.traceId);
    }

    ({ browser, page } = await openUiPage());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('lists models without prompts, searches and pages them, and shows a model with its versions and sources', async () => {
    const deep = await fetch(`${server.url}/models/fraud-detector`);
    expect(deep.status).toBe(200);
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    const table = page.getByRole('table', { name: 'Registered models' });
    await table.getByRole('link', { name: 'fraud-detector' }).waitFor();
    expect(await table.getByRole('link', { name: 'qa-prompt' }).count()).toBe(0);
    // 31 models by name: fraud-detector and m-00..m-23 on the first page, m-24..m-29 on the second.
    expect(await table.getByRole('row').count()).toBe(26);
    await screenshot(page, 'models-list');
    await page.getByRole('button', { name: 'Next' }).click();
    await table.getByRole('link', { name: 'm-29' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(7);
    await page.getByRole('button', { name: 'Previous' }).click();
    await table.getByRole('link', { name: 'm-00' }).waitFor();

    await page.getByLabel('Search models').fill('fraud');
    await table.getByRole('link', { name: 'm-00' }).waitFor({ state: 'detached' });
    expect(await table.getByRole('link').count()).toBe(1);
    await table.getByRole('link', { name: 'fraud-detector' }).click();

    await page.getByRole('heading', { name: 'fraud-detector' }).waitFor();
    await page.getByText('Flags card fraud.').waitFor();
    await page.getByRole('region', { name: 'Tags' }).getByText('risk').waitFor();
    await page.getByRole('region', { name: 'Aliases' }).getByText('@champion').waitFor();
    const versions = page.getByRole('table', { name: 'Model versions' });
    const v1 = versions.getByRole('row', { name: /Version 1/ });
    expect(await v1.getByLabel('Stage of version 1').inputValue()).toBe('Archived');
    const runLink = v1.getByRole('link', { name: `runs:/${runId}/model` });
    await runLink.waitFor();
    expect(await runLink.getAttribute('href')).toBe(`/experiments/${experimentId}/runs/${runId}`);
    const v2 = versions.getByRole('row', { name: /Version 2/ });
    await v2.getByText('@champion').waitFor();
    const loggedLink = v2.getByRole('link', { name: `models:/${loggedModelId}` });
    await loggedLink.waitFor();
    expect(await loggedLink.getAttribute('href')).toBe(`/experiments/${experimentId}/runs/${runId}`);
    await screenshot(page, 'model-page');
    await runLink.click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    await page.getByText('train-fraud').first().waitFor();
    expect(browser.errors).toEqual([]);
  });

  it('edits a model: description, tags, aliases and stages, saved on the server; lists the traces made with each version', async () => {
    const api = async <T>(path: string): Promise<T> => (await (await fetch(`${server.url}/api/2.0/mlflow/${path}`)).json()) as T;
    const registered = () =>
      api<{ registered_model: { description?: string; tags?: { key: string; value: string }[] } }>('registered-models/get?name=fraud-detector');
    await page.goto(`${server.url}/models/fraud-detector`);
    await page.getByRole('heading', { name: 'fraud-detector' }).waitFor();

    // Description, edited in place and stored.
    await page.getByRole('button', { name: 'Edit description' }).click();
    await page.getByLabel('Description text').fill('Flags card fraud in real time.');
    await page.getByRole('button', { name: 'Save description' }).click();
    await page.getByRole('region', { name: 'Description' }).getByText('Flags card fraud in real time.').waitFor();
    expect((await registered()).registered_model.description).toBe('Flags card fraud in real time.');

    // A tag added, another removed.
    const tags = page.getByRole('region', { name: 'Tags' });
    await tags.getByLabel('Tag key').fill('owner');
    await tags.getByLabel('Tag value').fill('ana');
    await tags.getByRole('button', { name: 'Add tag' }).click();
    await tags.getByText('ana').waitFor();
    await tags.getByRole('button', { name: 'Remove tag team' }).click();
    await tags.getByText('risk').waitFor({ state: 'detached' });
    expect((await registered()).registered_model.tags).toEqual([{ key: 'owner', value: 'ana' }]);

    // An alias set on a version picked from the list, then another removed.
    const aliases = page.getByRole('region', { name: 'Aliases' });
    await aliases.getByLabel('Alias name').fill('challenger');
    await aliases.getByLabel('Alias version').selectOption('1');
    await aliases.getByRole('button', { name: 'Set alias' }).click();
    const versions = page.getByRole('table', { name: 'Model versions' });
    await versions
      .getByRole('row', { name: /Version 1/ })
      .getByText('@challenger')
      .waitFor();
    const challenger = await api<{ model_version: { version: string } }>('registered-models/alias?name=fraud-detector&alias=challenger');
    expect(challenger.model_version.version).toBe('1');
    await aliases.getByRole('button', { name: 'Remove alias @champion' }).click();
    await versions
      .getByRole('row', { name: /Version 2/ })
      .getByText('@champion')
      .waitFor({ state: 'detached' });
    // MLflow answers a missing alias with INVALID_PARAMETER_VALUE (400), not 404.
    expect((await fetch(`${server.url}/api/2.0/mlflow/registered-models/alias?name=fraud-detector&alias=champion`)).status).toBe(400);

    // A stage change leaves the other versions where they were.
    await page.getByLabel('Stage of version 2').selectOption('Staging');
    const stageOf = async (v: string) =>
      (await api<{ model_version: { current_stage: string } }>(`model-versions/get?name=fraud-detector&version=${v}`)).model_version.current_stage;
    await expect.poll(() => stageOf('2')).toBe('Staging');
    expect(await stageOf('1')).toBe('Archived');
    await page.reload();
    await expect.poll(() => page.getByLabel('Stage of version 2').inputValue()).toBe('Staging');

    // Version 1 came from a run that made no traces; version 2's logged model made two.
    await page.getByRole('button', { name: 'Traces of version 1' }).click();
    await page.waitForURL(/[?&]v=1/);
    const v1Traces = page.getByRole('region', { name: 'Traces made with version 1' });
    await v1Traces.getByText('No traces were made with this version yet.').waitFor();
    await v1Traces.getByText(`run_id = '${runId}'`).waitFor();
    await page.getByRole('button', { name: 'Traces of version 2' }).click();
    await page.waitForURL(/[?&]v=2/);
    const v2Traces = page.getByRole('region', { name: 'Traces made with version 2' });
    const links = v2Traces.getByRole('listitem').getByRole('link');
    await expect.poll(() => links.allTextContents()).toEqual([...modelTraceIds].reverse());
    const filter = "metadata.`mlflow.modelId` = '" + loggedModelId + "'";
    const open = v2Traces.getByRole('link', { name: 'Open in traces view' });
    expect(await open.getAttribute('href')).toBe(`/experiments/${experimentId}/traces?filter=${encodeURIComponent(filter)}`);
    await screenshot(page, 'model-page-edited');

    const newest = modelTraceIds[1]!;
    await v2Traces.getByRole('link', { name: newest }).click();
    await page.waitForURL(new RegExp(`/experiments/${experimentId}/traces/${newest}$`));
    await page.getByText('support_agent').first().waitFor();
    await page.goBack();
    await page.getByRole('region', { name: 'Traces made with version 2' }).getByRole('link', { name: 'Open in traces view' }).click();
    await page.waitForURL(/\/traces\?filter=/);
    expect(await page.getByRole('combobox', { name: 'Filter traces' }).inputValue()).toBe(filter);
    // The header row and the two traces made with the model (not the experiment's other trace).
    await expect.poll(() => page.getByRole('table', { name: 'Traces' }).getByRole('row').count()).toBe(3);
    expect(browser.errors).toEqual([]);
  });

  it('shows a prompt: versions, templates, one-click alias moves, diffs in the URL, new versions and the traces of each version', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prompts' }).click();
    const list = page.getByRole('table', { name: 'Prompts' });
    await list.getByRole('link', { name: 'chat-prompt' }).waitFor();
    expect(await list.getByRole('link', { name: 'fraud-detector' }).count()).toBe(0);
    await page.getByLabel('Search prompts').fill('qa');
    await list.getByRole('link', { name: 'chat-prompt' }).waitFor({ state: 'detached' });
    await screenshot(page, 'prompts-list');
    await list.getByRole('link', { name: 'qa-prompt' }).click();

    // The newest version opens first, with its template and the trace that used it.
    await page.getByRole('heading', { name: 'qa-prompt' }).waitFor();
    await page.getByRole('region', { name: 'Version 2' }).getByText('Cite sources.').waitFor();
    const traces = page.getByRole('region', { name: 'Traces using this version' });
    const traceLink = traces.getByRole('link', { name: traceId });
    await traceLink.waitFor();
    expect(await traceLink.getAttribute('href')).toBe(`/experiments/${experimentId}/traces/${traceId}`);

    // One click moves @production from version 1 to version 2, on the server too.
    await page.getByRole('button', { name: 'Move @production to version 2' }).click();
    await page.getByRole('region', { name: 'Aliases' }).getByText('on this version').waitFor();
    const alias = await fetch(`${server.url}/api/2.0/mlflow/registered-models/alias?name=qa-prompt&alias=production`);
    expect(((await alias.json()) as { model_version: { version: string } }).model_version.version).toBe('2');

    // Version 1 has no traces; selecting it is in the URL.
    await page
      .getByRole('navigation', { name: 'Versions' })
      .getByRole('button', { name: /Version 1/ })
      .click();
    await page.waitForURL(/[?&]v=1/);
    await page.getByRole('region', { name: 'Version 1' }).getByText('first draft').waitFor();
    await traces.getByText('No trace has used this version yet.').waitFor();

    // The diff pair is in the URL: opening it shows the same comparison.
    await page.getByRole('button', { name: 'Compare versions' }).click();
    await page.waitForURL(/[?&]diff=1%2C2|[?&]diff=1,2/);
    const diff = page.getByRole('table', { name: 'Diff of Version 1 and Version 2' });
    await diff.locator('[data-diff="changed"]').getByText('Answer the question briefly.').waitFor();
    await diff.locator('[data-diff="added"]').getByText('Cite sources.').waitFor();
    expect(await diff.locator('[data-diff="same"]').count()).toBe(1);
    await screenshot(page, 'prompt-diff');
    await page.goto(page.url());
    await page.getByRole('table', { name: 'Diff of Version 1 and Version 2' }).waitFor();

    // A new version from the UI, stored as MLflow's register_prompt stores it.
    await page.getByRole('button', { name: 'New version' }).click();
    await page.getByLabel('Template text').fill('Answer in one sentence: {{ question }}');
    await page.getByLabel('Commit message').fill('one sentence');
    await page.getByRole('button', { name: 'Create version' }).click();
    await page.waitForURL(/[?&]v=3/);
    await page.getByRole('region', { name: 'Version 3' }).getByText('Answer in one sentence: {{ question }}').waitFor();
    const v3 = await fetch(`${server.url}/api/2.0/mlflow/model-versions/get?name=qa-prompt&version=3`);
    const mv = ((await v3.json()) as { model_version: { description: string; tags: { key: string; value: string }[] } }).model_version;
    expect(mv.description).toBe('one sentence');
    expect(Object.fromEntries(mv.tags.map((t) => [t.key, t.value]))).toEqual({
      'mlflow.prompt.is_prompt': 'true',
      _mlflow_prompt_type: 'text',
      'mlflow.prompt.text': 'Answer in one sentence: {{ question }}',
    });
    expect(browser.errors).toEqual([]);
  });

  it('shows chat templates as messages and compares them message by message', async () => {
    await page.goto(`${server.url}/prompts/chat-prompt?diff=1,2`);
    const messages = page.getByRole('list', { name: 'Template messages' });
    await messages.getByRole('listitem', { name: 'user message' }).getByText('{{ question }}').waitFor();
    const diff = page.getByRole('table', { name: 'Diff of Version 1 and Version 2' });
    await diff.locator('[data-diff="changed"]').getByText('You are a helpful {{ persona }}.').waitFor();
    await diff.locator('[data-diff="added"]').getByText('{{ question }}').waitFor();
    await screenshot(page, 'prompt-chat-diff');
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await screenshot(page, 'prompt-chat-diff-dark');
    await page.getByRole('button', { name: 'Switch to light mode' }).click();
    expect(browser.errors).toEqual([]);
  });
});

describeWithChromium('UI: prompts list paging (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-prompt-paging-'));
    // 30 prompts (25 a page) and a model, which the prompt list leaves out.
    for (let i = 0; i < 30; i++) await seed.post('/api/2.0/mlflow/registered-models/create', { name: `p-${String(i).padStart(2, '0')}`, tags: [IS_PROMPT] });
    await seed.post('/api/2.0/mlflow/registered-models/create', { name: 'not-a-prompt' });
    ({ browser, page } = await openUiPage());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('pages prompts with the page token in the URL, and a search starts again from the first page', async () => {
    await page.goto(`${server.url}/prompts`);
    const table = page.getByRole('table', { name: 'Prompts' });
    await table.getByRole('link', { name: 'p-00' }).waitFor();
    // p-00..p-24, and the header row.
    expect(await table.getByRole('row').count()).toBe(26);
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    await table.getByRole('link', { name: 'p-29' }).waitFor();
    await page.waitForURL(/[?&]page=/);
    expect(await table.getByRole('row').count()).toBe(6);
    expect(await table.getByRole('link', { name: 'not-a-prompt' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await screenshot(page, 'prompts-list-page-2');

    // The page is in the URL: reloading shows it again, and Previous still leads to the first page.
    await page.goto(page.url());
    await table.getByRole('link', { name: 'p-25' }).waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await table.getByRole('link', { name: 'p-00' }).waitFor();
    expect(new URL(page.url()).searchParams.has('page')).toBe(false);

    // A search from the second page drops the page token.
    await page.getByRole('button', { name: 'Next' }).click();
    await table.getByRole('link', { name: 'p-29' }).waitFor();
    await page.getByLabel('Search prompts').fill('p-2');
    await table.getByRole('link', { name: 'p-20' }).waitFor();
    expect(await table.getByRole('link').count()).toBe(10);
    expect(new URL(page.url()).searchParams.has('page')).toBe(false);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(browser.errors).toEqual([]);
  });
});
