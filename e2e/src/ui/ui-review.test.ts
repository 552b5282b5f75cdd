import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { supportAgentTrace } from './agent-traces.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

interface Assessment {
  assessment_name: string;
  source: { source_type: string; source_id: string };
  feedback?: { value: unknown };
  expectation?: { value: unknown };
  rationale?: string;
  valid: boolean;
}

describeWithChromium('UI: human review, label schemas, queues and keyboard labeling (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let exp: string;
  let traceIds: string[];
  let queueId: string;
  /** The item labeled first (pass, 4, shipping, an expected answer and a comment). */
  let first: string;

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}/api/3.0/${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const humanLabels = async (traceId: string) =>
    (await api<{ trace: { trace_info: { assessments?: Assessment[] } } }>(`mlflow/traces/${traceId}`)).trace.trace_info.assessments?.filter(
      (a) => a.source.source_type === 'HUMAN',
    ) ?? [];
  /**
   * The trace the labeling view shows, from its "Open full trace" link, once its questions take keys:
   * the form mounts after the item's labels are read, and keys pressed before that reach no question.
   */
  const shownTrace = async () => {
    const read = async () => decodeURIComponent((await page.getByRole('link', { name: /Open full trace/ }).getAttribute('href'))!.split('/traces/')[1]!);
    const id = await read();
    await page.getByRole('form', { name: 'Labels' }).waitFor();
    return (await read()) === id ? id : '';
  };
  const pressed = (question: string, name: string) =>
    page
      .getByRole('group', { name: question, exact: true })
      .getByRole('button', { name: new RegExp(name) })
      .getAttribute('aria-pressed');

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-review-'));
    exp = await seed.createExperiment('support-review');
    const now = Date.now();
    traceIds = [];
    for (let n = 1; n <= 3; n++) traceIds.push((await seed.sendTrace(exp, supportAgentTrace(n), { startMs: now - n * 60_000 })).traceId);
    ({ browser, page } = await openUiPage());
    // Deleting asks first.
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('creates, edits and deletes label schemas of every kind in the Review tab', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces`);
    await page.getByRole('navigation', { name: 'Experiment views' }).getByRole('link', { name: 'Review' }).click();
    await page.waitForURL(/\/review$/);
    const schemas = page.getByRole('region', { name: 'Label schemas' });
    await schemas.getByText('No label schemas yet').waitFor();

    const create = async (name: string, fill: (form: ReturnType<Page['getByRole']>) => Promise<void>) => {
      await page.getByRole('button', { name: 'New label schema' }).click();
      const form = page.getByRole('form', { name: 'Label schema' });
      await form.getByLabel('Name').fill(name);
      await fill(form);
      await form.getByRole('button', { name: 'Create' }).click();
      await schemas.getByRole('row', { name, exact: true }).waitFor();
    };
    await create('correct', async (form) => {
      await form.getByLabel('Instruction (optional)').fill('Does the answer match the order status?');
      await form.getByLabel('Reviewers may add a comment').check();
    });
    await create('score', async (form) => {
      await form.getByLabel('Input').selectOption('numeric');
      await form.getByLabel('Minimum (optional)').fill('1');
      await form.getByLabel('Maximum (optional)').fill('5');
    });
    await create('topic', async (form) => {
      await form.getByLabel('Input').selectOption('categorical');
      await form.getByLabel(/Options/).fill('billing\nshipping\nother');
    });
    await create('answer', async (form) => {
      await form.getByLabel('Kind').selectOption('EXPECTATION');
      await form.getByLabel('Input').selectOption('text');
      await form.getByLabel('Maximum length (optional)').fill('200');
    });
    await create('scratch', async () => {});
    // A bad range is refused before it reaches the server.
    await page.getByRole('button', { name: 'New label schema' }).click();
    const bad = page.getByRole('form', { name: 'Label schema' });
    await bad.getByLabel('Name').fill('bad');
    await bad.getByLabel('Input').selectOption('numeric');
    await bad.getByLabel('Minimum (optional)').fill('5');
    await bad.getByLabel('Maximum (optional)').fill('1');
    await bad.getByRole('button', { name: 'Create' }).click();
    await bad.getByText('The minimum must be less than the maximum.').waitFor();
    await bad.getByRole('button', { name: 'Cancel' }).click();

    await schemas.getByRole('button', { name: 'Edit score' }).click();
    const edit = page.getByRole('form', { name: 'Label schema' });
    expect(await edit.getByLabel('Maximum (optional)').inputValue()).toBe('5');
    await edit.getByLabel('Instruction (optional)').fill('1 = useless, 5 = perfect');
    await edit.getByRole('button', { name: 'Save' }).click();
    await schemas.getByText('1 = useless, 5 = perfect').waitFor();
    await schemas.getByRole('button', { name: 'Delete scratch' }).click();
    await schemas.getByRole('row', { name: 'scratch' }).waitFor({ state: 'detached' });
    await screenshot(page, 'review-schemas');

    const listed = await api<{ label_schemas: { name: string; type: string; input: unknown; enable_comment: boolean; instruction?: string }[] }>(
      `mlflow/label-schemas/list?experiment_id=${exp}`,
    );
    expect(listed.label_schemas.map((s) => [s.name, s.type, s.input, s.enable_comment])).toEqual([
      ['correct', 'FEEDBACK', { pass_fail: { positive_label: 'Pass', negative_label: 'Fail' } }, true],
      ['score', 'FEEDBACK', { numeric: { min_value: 1, max_value: 5 } }, false],
      ['topic', 'FEEDBACK', { categorical: { options: ['billing', 'shipping', 'other'], multi_select: false } }, false],
      ['answer', 'EXPECTATION', { text: { max_length: 200 } }, false],
    ]);
    expect(listed.label_schemas[1]!.instruction).toBe('1 = useless, 5 = perfect');
  });

  it('creates a queue asking every question and adds three traces to it from the traces table', async () => {
    const queues = page.getByRole('region', { name: 'Review queues' });
    await queues.getByRole('button', { name: 'New queue' }).click();
    const form = page.getByRole('form', { name: 'Review queue' });
    await form.getByLabel('Name').fill('Week 1');
    for (const name of ['correct', 'score', 'topic', 'answer'])
      expect(await form.getByRole('checkbox', { name: new RegExp(`^${name}`) }).isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Create queue' }).click();
    await queues.getByRole('row', { name: 'Week 1' }).waitFor();
    await queues.getByRole('progressbar', { name: 'Progress of Week 1' }).waitFor();
    const listed = await api<{ review_queues: { queue_id: string; name: string; schema_ids: string[] }[] }>(`mlflow/review-queues/list?experiment_id=${exp}`);
    expect(listed.review_queues.map((q) => [q.name, q.schema_ids.length])).toEqual([['Week 1', 4]]);
    queueId = listed.review_queues[0]!.queue_id;

    await page.getByRole('navigation', { name: 'Experiment views' }).getByRole('link', { name: 'Traces' }).click();
    const table = page.getByRole('table', { name: 'Traces' });
    for (const id of traceIds) await table.getByRole('checkbox', { name: `Select trace ${id}` }).check();
    // Checking a box selects the row without opening the trace.
    expect(page.url()).toMatch(/\/traces$/);
    await page.getByRole('toolbar', { name: 'Selected traces' }).getByText('3 selected').waitFor();
    await screenshot(page, 'review-traces-selection');
    await page.getByRole('button', { name: 'Add to review queue' }).click();
    const add = page.getByRole('form', { name: 'Add to review queue' });
    expect(await add.getByRole('radio', { name: 'Week 1' }).isChecked()).toBe(true);
    await add.getByRole('button', { name: 'Add 3 traces' }).click();
    await page.getByRole('status').filter({ hasText: 'Added 3 traces to “Week 1”' }).waitFor();
    const items = await api<{ items: { item_id: string; status: string }[] }>(`mlflow/review-queues/items/list?queue_id=${queueId}`);
    expect(items.items.map((i) => i.item_id).sort()).toEqual([...traceIds].sort());
    await page.getByRole('link', { name: 'Start labeling' }).click();
    await page.waitForURL(new RegExp(`/review/${queueId}$`));
  });

  it('labels two items and declines one with the keyboard only; labels become HUMAN assessments and items COMPLETE / DECLINED', async () => {
    // Asked once, for the labels' source_id and the items' completed_by.
    await page.getByRole('dialog', { name: 'Who is reviewing?' }).getByLabel('Reviewer name').fill('Alice');
    await page.keyboard.press('Enter');
    await page.getByText('Reviewing as').waitFor();
    await page.getByRole('progressbar', { name: 'Queue progress' }).and(page.locator('[aria-valuetext="0/3 done"]')).waitFor();
    await page.getByRole('heading', { name: 'Request' }).waitFor();
    await page.getByRole('list', { name: 'Conversation' }).first().waitFor();

    // Shortcut help.
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await screenshot(page, 'review-shortcuts');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });

    // Item 1: a comment, pass, 4, shipping, and the expected answer; the first submit meets a server error.
    first = await shownTrace();
    await page.keyboard.press('c');
    await page.keyboard.type('cites the order');
    await page.keyboard.press('Escape');
    await page.keyboard.press('y');
    await page.keyboard.press('4');
    await page.keyboard.press('Tab');
    await page.keyboard.press('2');
    await page.keyboard.type('Order shipped.');
    expect(await pressed('correct', 'Pass')).toBe('true');
    expect(await page.getByLabel('score value').inputValue()).toBe('4');
    expect(await pressed('topic', 'shipping')).toBe('true');
    expect(await page.getByLabel('answer value').inputValue()).toBe('Order shipped.');
    await screenshot(page, 'review-labeling');
    await page.route(
      '**/review-queues/items/set-status',
      (route) => route.fulfill({ status: 503, body: '{"error_code":"TEMPORARILY_UNAVAILABLE","message":"try again"}' }),
      {
        times: 1,
      },
    );
    await page.keyboard.press('Enter');
    const banner = page.getByRole('alert').filter({ hasText: 'Not saved' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('try again');
    // Nothing is lost: the answers are still there, and submitting again logs no label twice.
    expect(await page.getByLabel('answer value').inputValue()).toBe('Order shipped.');
    await screenshot(page, 'review-error');
    await page.getByRole('form', { name: 'Labels' }).getByRole('group', { name: 'topic', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(shownTrace).not.toBe(first);

    // Item 2: skipped (it stays pending), so item 3 comes next.
    const skipped = await shownTrace();
    await page.keyboard.press('s');
    await expect.poll(shownTrace).not.toBe(skipped);

    // Item 3: fail, 2, other, no expected answer.
    const third = await shownTrace();
    expect(third).not.toBe(first);
    await page.keyboard.press('n');
    await page.keyboard.press('2');
    await page.keyboard.press('Tab');
    await page.keyboard.press('3');
    await page.keyboard.press('Enter');

    // Only the skipped item is left: back to it, and declined.
    await expect.poll(shownTrace).toBe(skipped);
    const declined = skipped;
    await page.keyboard.press('d');
    await page.getByText('All done').waitFor();
    await page.locator('[aria-valuetext="3/3 done"]').waitFor();
    await screenshot(page, 'review-all-done');

    const items = await api<{ items: { item_id: string; status: string; completed_by?: string }[] }>(`mlflow/review-queues/items/list?queue_id=${queueId}`);
    const status = Object.fromEntries(items.items.map((i) => [i.item_id, [i.status, i.completed_by]]));
    expect(status).toEqual({ [first]: ['COMPLETE', 'alice'], [declined]: ['DECLINED', 'alice'], [third]: ['COMPLETE', 'alice'] });

    const summary = (labels: Assessment[]) =>
      labels
        .map((a) => [
          a.assessment_name,
          a.feedback ? 'feedback' : 'expectation',
          a.feedback?.value ?? a.expectation?.value,
          a.rationale ?? null,
          a.source.source_id,
          a.valid,
        ])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(summary(await humanLabels(first))).toEqual([
      ['answer', 'expectation', 'Order shipped.', null, 'alice', true],
      ['correct', 'feedback', true, 'cites the order', 'alice', true],
      ['score', 'feedback', 4, null, 'alice', true],
      ['topic', 'feedback', 'shipping', null, 'alice', true],
    ]);
    expect(await humanLabels(declined)).toEqual([]);
    expect(summary(await humanLabels(third))).toEqual([
      ['correct', 'feedback', false, null, 'alice', true],
      ['score', 'feedback', 2, null, 'alice', true],
      ['topic', 'feedback', 'other', null, 'alice', true],
    ]);
    const progress = await api<{ progress: { total: number; complete: number; declined: number; pending: number }[] }>(
      `loupe/review-queues/progress?queue_ids=${queueId}`,
    );
    expect(progress.progress).toEqual([{ queue_id: queueId, total: 3, pending: 0, complete: 2, declined: 1 }]);
  });

  it('shows existing HUMAN labels prefilled when going back to an item, and the queue done on the Review tab', async () => {
    // k goes back through the items (from "All done", to the last one first); done ones show their labels.
    await page.keyboard.press('k');
    for (let i = 0; i < 3 && (await shownTrace()) !== first; i++) {
      const before = await shownTrace();
      await page.keyboard.press('k');
      await expect.poll(shownTrace).not.toBe(before);
    }
    expect(await shownTrace()).toBe(first);
    await expect.poll(() => pressed('correct', 'Pass')).toBe('true');
    expect(await page.getByLabel('correct comment').inputValue()).toBe('cites the order');
    expect(await page.getByLabel('score value').inputValue()).toBe('4');
    expect(await pressed('topic', 'shipping')).toBe('true');
    expect(await page.getByLabel('answer value').inputValue()).toBe('Order shipped.');
    await page.getByText('by alice').waitFor();
    await screenshot(page, 'review-prefilled');
    // The span tree opens on demand; its arrow keys stay its own.
    await page.getByText('Span tree', { exact: true }).click();
    const tree = page.getByRole('tree', { name: 'Span tree' });
    await tree.getByRole('treeitem', { name: /^support_agent/ }).click();
    await page.keyboard.press('ArrowDown');
    expect(await shownTrace()).toBe(first);
    await screenshot(page, 'review-span-tree');
    await page.getByRole('link', { name: '← Review' }).click();
    await page.getByRole('region', { name: 'Review queues' }).locator('[aria-valuetext="3/3 done"]').waitFor();
    await screenshot(page, 'review-queues-done');
    // The one error the test provoked (503) is the only one the browser logged.
    expect(browser.errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
  });
});
