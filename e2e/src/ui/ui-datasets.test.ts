import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder, SpanSpec } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

/** A question-answering trace: the root span's inputs and outputs are what a dataset record takes. */
const qaTrace = (question: string, answer: string): SpanSpec => ({
  name: 'answer_question',
  type: 'CHAIN',
  start: 0,
  end: 300,
  inputs: { question },
  outputs: { answer },
  children: [{ name: 'llm', type: 'CHAT_MODEL', start: 10, end: 290, inputs: { prompt: question }, outputs: answer }],
});

interface RecordJson {
  dataset_record_id: string;
  inputs: Record<string, unknown>;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
  source_type?: string;
  source_id?: string;
  source?: { source_type: string; source_data: Record<string, unknown> };
}

describeWithChromium('UI: evaluation datasets (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let exp: string;
  /** Paris (with an expected_answer expectation), Berlin, Rome. */
  let traces: string[];

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await server.call(method, `/api/3.0/mlflow/${path}`, body);
    expect(res.status).toBe(200);
    return res.body as T;
  };
  const records = async (datasetId: string) => JSON.parse((await api<{ records: string }>('GET', `datasets/${datasetId}/records`)).records) as RecordJson[];
  const datasetIdOfUrl = () => /datasets\/(d-[0-9a-f]+)/.exec(page.url())![1]!;
  const recordRows = () => page.getByRole('table', { name: 'Records' }).getByRole('row', { name: /^Record \d+/ });

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-datasets-'));
    exp = await seed.createExperiment('qa-bot');
    const now = Date.now();
    traces = [];
    for (const [i, [q, a]] of [
      ['Capital of France?', 'Paris'],
      ['Capital of Germany?', 'Berlin'],
      ['Capital of Italy?', 'Rome'],
    ].entries()) {
      traces.push((await seed.sendTrace(exp, qaTrace(q!, a!), { startMs: now - (i + 1) * 60_000 })).traceId);
    }
    // A reviewer's ground truth on the first trace: it becomes the record's expectation.
    await seed.post(`/api/3.0/mlflow/traces/${traces[0]}/assessments`, {
      assessment: {
        trace_id: traces[0],
        assessment_name: 'expected_answer',
        source: { source_type: 'HUMAN', source_id: 'alice@example.com' },
        expectation: { value: 'Paris' },
      },
    });
    ({ browser, page } = await openUiPage());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('creates a dataset, edits its tags, adds a record (checked as typed) and edits its expectations', async () => {
    await page.goto(`${server.url}/experiments/${exp}`);
    await page.getByRole('navigation', { name: 'Experiment views' }).getByRole('link', { name: 'Datasets' }).click();
    await page.waitForURL(new RegExp(`/experiments/${exp}/datasets$`));
    await page.getByText('No datasets yet').waitFor();

    await page.getByRole('button', { name: 'New dataset' }).click();
    const create = page.getByRole('dialog', { name: 'New dataset' });
    await create.getByLabel('Dataset name').fill('golden');
    await create.getByLabel('Dataset tags').fill('team=search\noops');
    await create.getByText('Line 2: write a tag as key=value.').waitFor();
    expect(await create.getByRole('button', { name: 'Create dataset' }).isDisabled()).toBe(true);
    // The server's refusal shows in the dialog.
    await create.getByLabel('Dataset tags').fill(`team=${'x'.repeat(5001)}`);
    await create.getByRole('button', { name: 'Create dataset' }).click();
    await create
      .getByRole('alert')
      .getByText(/exceeds the maximum length/)
      .waitFor();
    // Chromium logs the refused request itself; that one is expected.
    await expect.poll(() => browser.errors).toEqual([expect.stringMatching(/status of 400/)]);
    browser.errors.length = 0;
    await create.getByLabel('Dataset tags').fill('team=search');
    await create.getByRole('button', { name: 'Create dataset' }).click();
    await page.getByRole('heading', { name: 'golden' }).waitFor();
    const datasetId = datasetIdOfUrl();
    const tags = page.getByRole('region', { name: 'Tags' });
    await tags.getByText('search').waitFor();
    await tags.getByLabel('Tag key').fill('env');
    await tags.getByLabel('Tag value').fill('prod');
    await tags.getByRole('button', { name: 'Set tag' }).click();
    await tags.getByText('prod').waitFor();
    await tags.getByRole('button', { name: 'Remove tag team' }).click();
    await tags.getByText('search').waitFor({ state: 'detached' });
    const stored = await api<{ dataset: { tags: string; experiment_ids: string[] } }>('GET', `datasets/${datasetId}`);
    expect(JSON.parse(stored.dataset.tags)).toEqual({ env: 'prod' });
    expect(stored.dataset.experiment_ids).toEqual([exp]);

    // A record: bad JSON is refused here, field by field, before anything is sent.
    await page.getByRole('button', { name: 'Add record' }).click();
    const add = page.getByRole('dialog', { name: 'Add record' });
    await add.getByRole('button', { name: 'Add record' }).click();
    await add.getByText('Inputs are required: a JSON object like {"question": "…"}.').waitFor();
    await add.getByLabel('Inputs').fill('["2+2?"]');
    await add.getByLabel('Expectations').fill('{"answer": ');
    await add.getByRole('button', { name: 'Add record' }).click();
    await add.getByText('Inputs must be a JSON object like {"question": "…"}, not a list.').waitFor();
    await add.getByText(/^Expectations is not valid JSON: /).waitFor();
    await screenshot(page, 'dataset-record-errors');
    await add.getByLabel('Inputs').fill('{"question": "2+2?"}');
    await add.getByLabel('Expectations').fill('{"answer": "4"}');
    await add.getByRole('button', { name: 'Add record' }).click();
    await add.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('1 added, 0 updated').waitFor();
    await expect.poll(() => recordRows().count()).toBe(1);
    await recordRows().first().getByText('{"answer":"4"}').waitFor();

    // Editing merges into the record its inputs name; the inputs cannot change.
    await page.getByRole('button', { name: 'Edit record 1' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit record' });
    expect(await edit.getByLabel('Inputs').getAttribute('readonly')).not.toBeNull();
    await edit.getByText(/identified by its inputs/).waitFor();
    await edit.getByLabel('Expectations').fill('{"answer": "four", "difficulty": "easy"}');
    await edit.getByLabel('Outputs').fill('"4"');
    await edit.getByRole('button', { name: 'Save record' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('0 added, 1 updated').waitFor();
    await recordRows().first().getByText('{"answer":"four","difficulty":"easy"}').waitFor();
    const [manual] = await records(datasetId);
    expect(manual).toMatchObject({ inputs: { question: '2+2?' }, outputs: '4', expectations: { answer: 'four', difficulty: 'easy' }, source_type: 'HUMAN' });
    await screenshot(page, 'dataset-page');
    expect(browser.errors).toEqual([]);
  });

  it('adds traces selected in the traces table as records, merging by inputs, then deletes a record and the dataset', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces`);
    const table = page.getByRole('table', { name: 'Traces' });
    await table.getByRole('checkbox', { name: `Select trace ${traces[0]}` }).check();
    await table.getByRole('checkbox', { name: `Select trace ${traces[1]}` }).check();
    // Checking a row does not open its trace.
    expect(page.url()).toMatch(/\/traces$/);
    await page.getByText('2 selected').waitFor();
    await screenshot(page, 'traces-selected');
    await page.getByRole('button', { name: 'Add to dataset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add 2 traces to a dataset' });
    expect(await dialog.getByLabel('Dataset').locator('option:checked').textContent()).toMatch(/^golden/);
    await dialog.getByRole('button', { name: 'Add to dataset' }).click();
    await dialog.getByRole('status').getByText('2 added, 0 updated').waitFor();
    await screenshot(page, 'traces-added-to-dataset');

    // The records hold the root spans' inputs and outputs, the expectation, and the trace as source.
    const datasetId = (await api<{ datasets: { dataset_id: string }[] }>('POST', 'datasets/search', { experiment_ids: [exp] })).datasets[0]!.dataset_id;
    const byTrace = new Map((await records(datasetId)).filter((r) => r.source_type === 'TRACE').map((r) => [r.source_id, r]));
    expect(byTrace.get(traces[0])).toMatchObject({
      inputs: { question: 'Capital of France?' },
      outputs: { answer: 'Paris' },
      expectations: { expected_answer: 'Paris' },
      source: { source_type: 'TRACE', source_data: { trace_id: traces[0] } },
    });
    expect(byTrace.get(traces[1])).toMatchObject({ inputs: { question: 'Capital of Germany?' }, outputs: { answer: 'Berlin' }, expectations: {} });

    // The same trace again merges into its record; a new one is added.
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Clear' }).click();
    await table.getByRole('checkbox', { name: `Select trace ${traces[0]}` }).check();
    await table.getByRole('checkbox', { name: `Select trace ${traces[2]}` }).check();
    await page.getByRole('button', { name: 'Add to dataset' }).click();
    await dialog.getByRole('button', { name: 'Add to dataset' }).click();
    await dialog.getByRole('status').getByText('1 added, 1 updated').waitFor();
    await dialog.getByRole('link', { name: 'golden' }).click();
    await page.waitForURL(new RegExp(`/datasets/${datasetId}$`));
    await expect.poll(() => recordRows().count()).toBe(4);
    // Each trace's record links to it (records of one upsert share a creation time, so their order is by id).
    const traceLinks = page.getByRole('table', { name: 'Records' }).getByRole('link', { name: /^Trace / });
    expect((await traceLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).sort()).toEqual(
      traces.map((t) => `/experiments/${exp}/traces/${t}`).sort(),
    );
    await screenshot(page, 'dataset-with-trace-records');

    // Delete the record added by hand.
    await page.getByRole('checkbox', { name: 'Select record 1' }).check();
    await page.getByRole('button', { name: 'Delete 1 selected' }).click();
    await page.getByRole('status').getByText('1 deleted').waitFor();
    await expect.poll(() => recordRows().count()).toBe(3);
    const left = await records(datasetId);
    expect(left.map((r) => r.source_type)).toEqual(['TRACE', 'TRACE', 'TRACE']);
    expect(JSON.parse((await api<{ dataset: { profile: string } }>('GET', `datasets/${datasetId}`)).dataset.profile)).toEqual({ num_records: 3 });

    await page.getByRole('link', { name: 'Datasets' }).first().click();
    const list = page.getByRole('table', { name: 'Datasets' });
    const row = list.getByRole('row', { name: /golden/ });
    await row.getByRole('cell', { name: '3', exact: true }).waitFor();
    await row.getByText('env: prod').waitFor();
    await screenshot(page, 'datasets-list');
    await row.getByRole('link', { name: 'golden' }).click();

    await page.getByRole('button', { name: 'Delete dataset' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete dataset' });
    await confirm.getByText(/Its 3 records and tags go with it/).waitFor();
    await confirm.getByRole('button', { name: 'Delete dataset' }).click();
    await page.waitForURL(new RegExp(`/experiments/${exp}/datasets$`));
    await page.getByText('No datasets yet').waitFor();
    expect((await api<{ datasets?: unknown[] }>('POST', 'datasets/search', { experiment_ids: [exp] })).datasets).toBeUndefined();
    expect(browser.errors).toEqual([]);
  });

  it('lists an experiment’s datasets a page at a time and searches them by name', async () => {
    const other = await seed.createExperiment('many-datasets');
    for (let i = 0; i < 27; i++) await api('POST', 'datasets/create', { name: `set-${String(i).padStart(2, '0')}`, experiment_ids: [other] });
    await page.goto(`${server.url}/experiments/${other}/datasets`);
    const list = page.getByRole('table', { name: 'Datasets' });
    const names = () => list.getByRole('link').allTextContents();
    // 25 a page, last updated first (datasets made in the same millisecond come in id order).
    await expect.poll(async () => (await names()).length).toBe(25);
    const first = await names();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(async () => (await names()).length).toBe(2);
    const second = await names();
    expect([...first, ...second].sort()).toEqual(Array.from({ length: 27 }, (_, i) => `set-${String(i).padStart(2, '0')}`));
    await page.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(names).toEqual(first);
    await page.getByLabel('Search datasets').fill('set-1');
    await expect.poll(async () => (await names()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `set-1${i}`));
    expect(browser.errors).toEqual([]);
  });
});
