import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installFakeJudge, startFakeProvider, type FakeJudgeOptions, type FakeProvider } from '@loupe/fake-providers';
import { sqliteBackend, makeJudgeJson } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import { createSeeder, type Seeder } from './seed.js';
import { openUiPage, stopUiSession } from './ui-session.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `make_judge(name, instructions, model="gateway:/judge-ep")` as MLflow 3.11's client serializes it. */
const judgeJson = (name: string, instructions: string) => makeJudgeJson(name, instructions, 'gateway:/judge-ep');

describeWithChromium('UI: monitoring (judges on a gateway endpoint to a fake provider, built CLI, Chromium)', () => {
  let fake: FakeProvider;
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let experimentId: string;
  const traces: { id: string; rude: boolean; prod: boolean }[] = [];
  // The fake judge says "no" to a rude answer, "yes" otherwise; its latency is raised for one step.
  const judgeOptions: FakeJudgeOptions = {
    verdict: (r) => ({ result: /rude/i.test(r.prompt) ? 'no' : 'yes', rationale: /rude/i.test(r.prompt) ? 'The answer is rude.' : 'The answer is kind.' }),
  };

  const ok = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await server.call(method, path, body);
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const status = async (name: string): Promise<Json | undefined> =>
    ((await ok('GET', `/api/2.0/loupe/scorers/status?experiment_id=${experimentId}`)).scorers as Json[]).find((s) => s.name === name);

  beforeAll(async () => {
    fake = await startFakeProvider();
    installFakeJudge(fake, judgeOptions);
    server = await startCliServer(sqliteBackend, 'loupe-ui-monitoring-', {
      args: ['--gateway-allow-private-ips'],
      env: {
        LOUPE_SECRETS_KEY: 'ui-monitoring-key-'.padEnd(48, 'x'),
        // Online scoring looks for new traces twice a second, at once after they end.
        LOUPE_ONLINE_SCORING_INTERVAL_MS: '500',
        LOUPE_ONLINE_SCORING_SETTLE_MS: '0',
      },
    });
    seed = createSeeder(server.url);
    experimentId = await seed.createExperiment('support-bot');

    // The judge's endpoint: a gateway secret pointing at the fake provider, a model, an endpoint.
    const gw = (p: string) => `/api/3.0/mlflow/gateway/${p}`;
    const secret = await ok('POST', gw('secrets/create'), {
      secret_name: 'judge-key',
      secret_value: { api_key: 'sk-test' },
      provider: 'openai',
      auth_config: { api_base: `${fake.url}/v1` },
    });
    const model = await ok('POST', gw('model-definitions/create'), {
      name: 'judge-model',
      secret_id: secret.secret.secret_id,
      provider: 'openai',
      model_name: 'gpt-4o-mini',
    });
    await ok('POST', gw('endpoints/create'), {
      name: 'judge-ep',
      model_configs: [{ model_definition_id: model.model_definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }],
    });

    // `polite` runs online on prod traces; `helpful` is registered but never started.
    const scorers = '/api/3.0/mlflow/scorers';
    await ok('POST', `${scorers}/register`, {
      experiment_id: experimentId,
      name: 'polite',
      serialized_scorer: judgeJson('polite', 'Is {{ outputs }} a polite answer to {{ inputs }}?'),
    });
    await ok('PUT', `${scorers}/online-config`, { experiment_id: experimentId, name: 'polite', sample_rate: 1, filter_string: "tags.env = 'prod'" });
    await ok('POST', `${scorers}/register`, {
      experiment_id: experimentId,
      name: 'helpful',
      serialized_scorer: judgeJson('helpful', 'Is {{ outputs }} a helpful answer to {{ inputs }}?'),
    });
    // The scheduler's first pass starts the judge's cursor: traces that end from then on are judged.
    for (const deadline = Date.now() + 15_000; (await status('polite'))?.examined_through_ms === undefined;) {
      if (Date.now() > deadline) throw new Error('The online scheduler did not start the judge within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const answers = [
      { q: 'Where is my order?', a: 'It ships tomorrow, thank you for waiting!', prod: true },
      { q: 'Can I get a refund?', a: 'Of course, the refund is on its way.', prod: true },
      { q: 'Why is it late?', a: 'Figure it out yourself (a rude answer).', prod: true },
      { q: 'Do you ship abroad?', a: 'Yes, to 40 countries. Happy to help.', prod: true },
      { q: 'Test question', a: 'Test answer', prod: false },
      { q: 'Another test', a: 'Another answer', prod: false },
    ];
    for (const x of answers) {
      const { traceId } = await seed.sendTrace(
        experimentId,
        { name: 'support_agent', type: 'AGENT', start: 0, end: 150, inputs: { question: x.q }, outputs: { answer: x.a } },
        { startMs: Date.now(), tags: { env: x.prod ? 'prod' : 'dev' } },
      );
      traces.push({ id: traceId, rude: /rude/.test(x.a), prod: x.prod });
    }
    ({ browser, page } = await openUiPage());
  });

  afterAll(async () => {
    await stopUiSession({ seed, browser, server });
    await fake?.close();
  });

  it("lists the judges with their sampling, then the online judge's last run, empty backlog and pass rate once it judged the new prod traces", async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/traces`);
    await page.getByRole('link', { name: 'Monitoring' }).click();
    const judges = page.getByRole('table', { name: 'Judges' });
    const polite = judges.getByRole('row', { name: /polite/ });
    const helpful = judges.getByRole('row', { name: /helpful/ });
    await polite.getByText('Active', { exact: true }).waitFor();
    await polite.getByLabel('Sampling of polite').getByText('100%').waitFor();
    await polite.getByLabel('Sampling of polite').getByText("tags.env = 'prod'").waitFor();
    await polite.getByText('gateway:/judge-ep').waitFor();
    await helpful.getByText('Stopped', { exact: true }).waitFor();
    await helpful.getByLabel('Sampling of helpful').getByText('0%').waitFor();
    await helpful.getByLabel('Sampling of helpful').getByText('all traces').waitFor();
    expect(await helpful.getByLabel('Last run of helpful').textContent()).toBe('never');
    await page.getByText('1 active').waitFor();

    // The four prod traces get judged (three polite, one rude): the table reads its status and scores again every 10 s.
    const scores = polite.getByLabel('Scores of polite');
    await scores.getByText('75%').waitFor({ timeout: 30_000 });
    await scores.getByText('4 verdicts').waitFor();
    await scores.getByRole('img', { name: 'Pass rate of polite over 7 days' }).waitFor();
    await polite.getByLabel('Backlog of polite').getByText('none queued').waitFor();
    await expect.poll(async () => polite.getByLabel('Last run of polite').textContent()).toMatch(/ago|just now/);
    const judged = await status('polite');
    expect(judged).toMatchObject({ pending_jobs: 0, running_jobs: 0, failed_jobs: 0 });
    expect(judged?.last_judgement_time_ms).toBeGreaterThan(0);
    await screenshot(page, 'monitoring-judges');
    expect(browser.errors).toEqual([]);
  });

  it('runs a judge on traces selected in the traces table, and their assessments show when it is done', async () => {
    await page.getByRole('link', { name: 'Traces' }).click();
    const table = page.getByRole('table', { name: 'Traces' });
    const picked = traces.filter((t) => t.prod && !t.rude).slice(0, 2);
    for (const t of picked) await table.getByRole('checkbox', { name: `Select trace ${t.id}` }).check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Run judge' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run judge' });
    await dialog.getByRole('radio', { name: /helpful/ }).check();
    await screenshot(page, 'monitoring-run-judge');
    await dialog.getByRole('button', { name: 'Run on 2 traces' }).click();
    await dialog.getByRole('status').getByText('Queued 2 judgements with “helpful”.', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The page follows the run until no judgement is left, then reads the traces again.
    await page.getByRole('status').getByText('“helpful” finished judging', { exact: false }).waitFor({ timeout: 20_000 });
    const row = (id: string) => table.getByRole('row').filter({ has: page.getByRole('checkbox', { name: `Select trace ${id}` }) });
    for (const t of picked) await row(t.id).getByText('helpful: yes').waitFor();
    for (const t of traces.filter((x) => !picked.includes(x))) {
      await row(t.id).waitFor();
      expect(
        await row(t.id)
          .getByText(/helpful:/)
          .count(),
      ).toBe(0);
    }
    await screenshot(page, 'monitoring-run-judge-done');
    expect(browser.errors).toEqual([]);
  });

  it('charts the judges’ scores on the Overview beside latency and cost', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('group', { name: 'polite pass rate' }).getByText('75%').waitFor();
    await page.getByRole('group', { name: 'polite pass rate' }).getByText('4 verdicts').waitFor();
    await page.getByRole('group', { name: 'helpful pass rate' }).getByText('100%').waitFor();
    await page.getByRole('img', { name: 'Chart: Judge pass rate' }).waitFor();
    await page.getByRole('img', { name: 'Chart: Latency (p50, p95)' }).waitFor();
    await page.getByRole('img', { name: 'Chart: Cost' }).waitFor();
    await screenshot(page, 'monitoring-overview');
    await page.getByRole('img', { name: 'Chart: Judge pass rate' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'monitoring-overview-charts');
    expect(browser.errors).toEqual([]);
  });

  it('edits, stops and backfills a judge from the monitoring page, showing the backlog while it is judged', async () => {
    await page.getByRole('link', { name: 'Monitoring' }).click();
    const judges = page.getByRole('table', { name: 'Judges' });
    const polite = judges.getByRole('row', { name: /polite/ });
    const helpful = judges.getByRole('row', { name: /helpful/ });

    // Edit: a filter that does not parse is caught as typed; then 50% on OK prod traces.
    await polite.getByRole('button', { name: 'Edit sampling of polite' }).click();
    const edit = page.getByRole('dialog', { name: 'Sampling of polite' });
    expect(await edit.getByLabel('Sample rate').inputValue()).toBe('100');
    await edit.getByLabel('Sample rate').fill('50');
    await edit.getByLabel('Judge filter').fill("tags.env == 'prod'");
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByText(/Invalid comparator '=='/).waitFor();
    await screenshot(page, 'monitoring-edit-sampling');
    await edit.getByLabel('Judge filter').fill("tags.env = 'prod' AND trace.status = 'OK'");
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await polite.getByLabel('Sampling of polite').getByText('50%').waitFor();
    await polite.getByLabel('Sampling of polite').getByText("tags.env = 'prod' AND trace.status = 'OK'").waitFor();
    const configs = async () => {
      const ids = ((await ok('GET', `/api/3.0/mlflow/scorers/list?experiment_id=${experimentId}`)).scorers as Json[]).map((s) => `scorer_ids=${s.scorer_id}`);
      return (await ok('GET', `/api/3.0/mlflow/scorers/online-configs?${ids.join('&')}`)).configs as Json[];
    };
    expect(await configs()).toContainEqual(expect.objectContaining({ sample_rate: 0.5, filter_string: "tags.env = 'prod' AND trace.status = 'OK'" }));

    // Stop: rate 0, the filter kept (as the Python client's stop()).
    await polite.getByRole('button', { name: 'Stop polite' }).click();
    await polite.getByText('Stopped', { exact: true }).waitFor();
    await page.getByText('0 active').waitFor();
    expect(await configs()).toContainEqual(expect.objectContaining({ sample_rate: 0, filter_string: "tags.env = 'prod' AND trace.status = 'OK'" }));

    // Backfill the never-started judge over the last 24 hours: every trace; the judge answers slowly,
    // so its judgements show as the backlog before they land.
    judgeOptions.latencyMs = 4000;
    await helpful.getByRole('button', { name: 'Backfill helpful' }).click();
    const backfill = page.getByRole('dialog', { name: 'Backfill helpful' });
    await backfill.getByText('Judges every trace that started in the window.').waitFor();
    await backfill.getByLabel('Backfill window').selectOption({ label: 'Last 24 hours' });
    await backfill.getByRole('button', { name: 'Backfill' }).click();
    await backfill.getByRole('status').getByText('Queued 6 judgements of 6 matching traces.', { exact: false }).waitFor();
    await screenshot(page, 'monitoring-backfill');
    await backfill.getByRole('button', { name: 'Close' }).click();
    await helpful
      .getByLabel('Backlog of helpful')
      .getByText(/^6 queued/)
      .waitFor();
    await screenshot(page, 'monitoring-backlog');
    judgeOptions.latencyMs = 0;
    await helpful.getByLabel('Backlog of helpful').getByText('none queued').waitFor({ timeout: 30_000 });
    // Two judgements of the run and six of the backfill: five of the six traces are not rude.
    await helpful.getByLabel('Scores of helpful').getByText('8 verdicts').waitFor({ timeout: 30_000 });
    await helpful.getByLabel('Scores of helpful').getByText('87.5%').waitFor();
    await screenshot(page, 'monitoring-after-backfill');
    expect(browser.errors).toEqual([]);
  });

  it('shows the judges in dark mode', async () => {
    const dark = await browser.newPage({ colorScheme: 'dark' });
    await dark.goto(`${server.url}/experiments/${experimentId}/monitors`);
    await dark.getByRole('table', { name: 'Judges' }).getByLabel('Scores of helpful').getByText('87.5%').waitFor();
    expect((await dark.locator('html').getAttribute('class'))?.split(' ')).toContain('dark');
    await screenshot(dark, 'monitoring-dark');
    await dark.close();
    expect(browser.errors).toEqual([]);
  });
});
