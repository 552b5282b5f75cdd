import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import { installOpenAI } from '@loupe/fake-providers/openai';
import { sqliteBackend } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import { openUiPage, stopUiSession } from './ui-session.js';

const API_KEY = 'sk-test-THISisAsecretVALUE-9876wxyz';
const ROTATED = 'sk-test-ROTATEDsecretVALUE-5555abcd';

// The AI gateway pages against the built CLI: an API key, models and an endpoint set up entirely from
// the UI; the endpoint called through the gateway (a fake OpenAI server on loopback, reached with
// --gateway-allow-private-ips) and its usage shown from its usage traces; a budget with its spend.
describeWithChromium('UI: AI gateway (built CLI, Chromium, a fake OpenAI provider on loopback)', () => {
  let server: CliServer;
  let fake: FakeProvider;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    fake = await startFakeProvider();
    installOpenAI(fake);
    server = await startCliServer(sqliteBackend, 'loupe-ui-gateway-', {
      args: ['--gateway-allow-private-ips'],
    });
    ({ browser, page } = await openUiPage());
  });

  afterAll(async () => {
    await stopUiSession({ browser, server });
    await fake?.close();
  });

  const gw = async <T>(path: string): Promise<T> => {
    const res = await server.call('GET', `/api/3.0/mlflow/gateway/${path}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as T;
  };

  async function createFromUi() {
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Gateway' }).click();
    await page.getByRole('heading', { name: 'AI Gateway' }).waitFor();
    await page.getByText('No endpoints yet').waitFor();
    const tabs = page.getByRole('navigation', { name: 'Gateway' });

    // An API key: stored encrypted, shown masked, never in clear.
    await tabs.getByRole('link', { name: 'API keys' }).click();
    await page.getByText('No API keys yet').waitFor();
    await page.getByRole('button', { name: 'New API key' }).click();
    const keyDialog = page.getByRole('dialog', { name: 'New API key' });
    await keyDialog.getByLabel('Key name').fill('openai-test');
    await keyDialog.getByLabel('Provider').selectOption('openai');
    await keyDialog.getByRole('button', { name: 'Create API key' }).click();
    await keyDialog.getByText('API key is required.').waitFor();
    await keyDialog.getByLabel('API key', { exact: true }).fill(API_KEY);
    await keyDialog.getByLabel('Base URL').fill(`${fake.url}/v1`);
    await screenshot(page, 'gateway-secret-create');
    await keyDialog.getByRole('button', { name: 'Create API key' }).click();
    await keyDialog.waitFor({ state: 'detached' });
    const keyRow = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /openai-test/ });
    await keyRow.getByText('sk-...wxyz').waitFor();
    await keyRow.getByText(`api_base=${fake.url}/v1`).waitFor();
    expect(await page.content()).not.toContain(API_KEY);

    // Two models calling with it.
    await tabs.getByRole('link', { name: 'Models' }).click();
    for (const [model, name] of [
      ['gpt-4o-mini', ''],
      ['gpt-4.1-mini', 'backup'],
    ]) {
      await page.getByRole('button', { name: 'New model' }).click();
      const dialog = page.getByRole('dialog', { name: 'New model' });
      expect(await dialog.getByLabel('Model provider').inputValue()).toBe('openai');
      await dialog.getByLabel('Provider model').fill(model!);
      if (name) await dialog.getByLabel('Model name').fill(name);
      await dialog.getByRole('button', { name: 'Create model' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    const models = page.getByRole('table', { name: 'Models' });
    await models.getByRole('row', { name: /gpt-4o-mini.*openai-test/ }).waitFor();
    await models.getByRole('row', { name: /backup.*gpt-4\.1-mini/ }).waitFor();
    await screenshot(page, 'gateway-models');

    // An endpoint: the first model primary, the other its fallback.
    await tabs.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('button', { name: 'New endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'New endpoint' });
    await dialog.getByLabel('Endpoint name').fill('support chat');
    await dialog.getByLabel('Primary model 1', { exact: true }).selectOption({ label: 'gpt-4o-mini · openai/gpt-4o-mini' });
    await dialog.getByRole('button', { name: 'Add fallback model' }).click();
    await dialog.getByLabel('Fallback model 1', { exact: true }).selectOption({ label: 'backup · openai/gpt-4.1-mini' });
    await dialog.getByRole('button', { name: 'Create endpoint' }).click();
    await dialog.getByText('Names may hold letters, digits, _, - and . only.').waitFor();
    await dialog.getByLabel('Endpoint name').fill('support-chat');
    await screenshot(page, 'gateway-endpoint-create');
    await dialog.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('heading', { name: 'support-chat' }).waitFor();
    expect(page.url()).toBe(`${server.url}/gateway/endpoints/support-chat`);
  }

  it('sets up an API key, models and an endpoint from the UI, shows its usage after calls, and a budget with its spend', async () => {
    await createFromUi();
    const { endpoint } = await gw<{ endpoint: { endpoint_id: string; experiment_id: string } }>('endpoints/get?name=support-chat');

    // The detail: models in routing order with their key (masked), and where usage is traced.
    const models = page.getByRole('table', { name: 'Models' });
    await models.getByRole('row', { name: /Primary.*gpt-4o-mini.*100%.*openai-test.*sk-\.\.\.wxyz/ }).waitFor();
    await models.getByRole('row', { name: /Fallback 1.*backup.*When the models before fail/ }).waitFor();
    await page.getByRole('link', { name: 'gateway/support-chat' }).waitFor();
    expect(await page.getByLabel('curl example', { exact: true }).textContent()).toContain('"model":"support-chat"');
    await page.getByText('No calls in this time range.').waitFor();

    // Two calls through the gateway; their usage traces land in the endpoint's experiment.
    for (const content of ['Hello there', 'Where is my order?']) {
      const res = await server.call('POST', '/gateway/mlflow/v1/chat/completions', { model: 'support-chat', messages: [{ role: 'user', content }] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    await expect
      .poll(
        async () =>
          ((await server.call('POST', '/api/3.0/mlflow/traces/search', { experiment_ids: [endpoint.experiment_id] })).body.traces ?? []).length as number,
        { timeout: 15_000 },
      )
      .toBe(2);
    await page.reload();
    await expect.poll(() => page.getByRole('group', { name: 'Calls' }).textContent()).toBe('Calls2');
    await expect.poll(() => page.getByRole('group', { name: 'Error rate' }).textContent()).toMatch(/^Error rate0%0 errors$/);
    await expect.poll(() => page.getByRole('group', { name: 'Tokens' }).textContent()).toMatch(/^Tokens\d+\d+ in \/ \d+ out$/);
    await expect.poll(() => page.getByRole('group', { name: 'Cost' }).textContent()).toMatch(/^Cost\$0\.\d+$/);
    for (const chart of ['Calls', 'Latency (p50, p95)', 'Tokens', 'Cost']) await page.getByText(chart, { exact: true }).first().waitFor();
    await screenshot(page, 'gateway-endpoint');
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await screenshot(page, 'gateway-endpoint-dark');
    await page.getByRole('button', { name: 'Switch to light mode' }).click();

    // Tags.
    await page.getByLabel('Tag key').fill('team');
    await page.getByLabel('Tag value').fill('support');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('region', { name: 'Tags' }).getByText('support').waitFor();
    expect((await gw<{ endpoint: { tags: unknown[] } }>('endpoints/get?name=support-chat')).endpoint.tags).toEqual([{ key: 'team', value: 'support' }]);
    await screenshot(page, 'gateway-endpoint-usage');

    // The list: the endpoint, its models and routing.
    await page.getByRole('link', { name: 'AI Gateway' }).click();
    const row = page.getByRole('table', { name: 'Endpoints' }).getByRole('row', { name: /support-chat/ });
    await row.getByText('openai/gpt-4o-mini').waitFor();
    await row.getByText('+1 fallback').waitFor();
    await row.getByRole('link', { name: 'Traces of support-chat' }).waitFor();
    await screenshot(page, 'gateway-endpoints');

    // A budget on the endpoint, with what the two calls spent in its window.
    const { windows: before } = await gw<{ windows?: unknown[] }>('budgets/windows');
    expect(before ?? []).toEqual([]);
    await page.getByRole('navigation', { name: 'Gateway' }).getByRole('link', { name: 'Budgets' }).click();
    await page.getByText('No budgets yet').waitFor();
    await page.getByRole('button', { name: 'New budget' }).click();
    const dialog = page.getByRole('dialog', { name: 'New budget' });
    await dialog.getByLabel('Limit in USD').fill('1');
    await dialog.getByLabel('Window length').fill('1');
    await dialog.getByLabel('Window unit').selectOption('DAYS');
    await dialog.getByLabel('Applies to').selectOption('ENDPOINT');
    await dialog.getByRole('button', { name: 'Create budget' }).click();
    await dialog.getByText('Choose the endpoint.').waitFor();
    await dialog.getByLabel('Budget endpoint').selectOption({ label: 'support-chat' });
    await dialog.getByLabel('Past the limit').selectOption('ALERT');
    await dialog.getByRole('button', { name: 'Create budget' }).click();
    await dialog.waitFor({ state: 'detached' });
    const budget = page.getByRole('table', { name: 'Budgets' }).getByRole('row', { name: /\$1\.00 per 1 day/ });
    await budget.getByText('Endpoint support-chat').waitFor();
    await budget.getByText('Alert only').waitFor();
    const { windows } = await gw<{ windows: { current_spend: number }[] }>('budgets/windows');
    expect(windows[0]!.current_spend).toBeGreaterThan(0);
    const spent = budget.getByText(/ of \$1\.00$/);
    expect(await spent.textContent()).toMatch(/^\$0\.\d*[1-9]\d* of \$1\.00$/);
    await budget.getByText(/^resets in /).waitFor();
    await screenshot(page, 'gateway-budgets');

    // Edit it: a different limit and action.
    await budget.getByRole('button', { name: /^Edit budget/ }).click();
    const edit = page.getByRole('dialog', { name: 'Edit budget' });
    expect(await edit.getByLabel('Budget endpoint').inputValue()).toBe(endpoint.endpoint_id);
    await edit.getByLabel('Limit in USD').fill('2.5');
    await edit.getByLabel('Past the limit').selectOption('REJECT');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    const edited = page.getByRole('table', { name: 'Budgets' }).getByRole('row', { name: /\$2\.50 per 1 day/ });
    await edited.getByText('Reject calls').waitFor();
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await screenshot(page, 'gateway-budgets-dark');
    await page.getByRole('button', { name: 'Switch to light mode' }).click();
    expect(browser.errors).toEqual([]);
  });

  it('edits the endpoint, rotates the key, and deletes the budget, endpoint, models and key', async () => {
    await page.goto(`${server.url}/gateway/endpoints/support-chat`);
    await page.getByRole('heading', { name: 'support-chat' }).waitFor();

    // Edit: the fallback goes.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit support-chat' });
    expect(await edit.getByLabel('Fallback model 1', { exact: true }).inputValue()).not.toBe('');
    await edit.getByRole('button', { name: 'Remove fallback model 1' }).click();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    const models = page.getByRole('table', { name: 'Models' });
    await expect.poll(() => models.getByRole('row').count()).toBe(2);
    await page.getByText('None', { exact: true }).waitFor();

    // Rotate the key: masked anew, never in clear.
    await page.goto(`${server.url}/gateway/secrets`);
    const keyRow = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /openai-test/ });
    await keyRow.getByText('backup, gpt-4o-mini').waitFor();
    await keyRow.getByRole('button', { name: 'Rotate openai-test' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate openai-test' });
    await rotate.getByLabel('API key', { exact: true }).fill(ROTATED);
    await rotate.getByRole('button', { name: 'Rotate key' }).click();
    await rotate.waitFor({ state: 'detached' });
    await keyRow.getByText('sk-...abcd').waitFor();
    expect(await page.content()).not.toContain(ROTATED);
    await screenshot(page, 'gateway-secrets');

    // A model in use cannot go: the server's refusal is shown.
    await page.getByRole('navigation', { name: 'Gateway' }).getByRole('link', { name: 'Models' }).click();
    await page.getByRole('button', { name: 'Delete gpt-4o-mini' }).click();
    const refuse = page.getByRole('dialog', { name: 'Delete model' });
    await refuse.getByRole('button', { name: 'Delete model' }).click();
    await refuse
      .getByRole('alert')
      .getByText(/currently in use by endpoints/)
      .waitFor();
    await refuse.getByRole('button', { name: 'Cancel' }).click();

    // The budget, then the endpoint (from its page, back to the list), then models and key.
    await page.getByRole('navigation', { name: 'Gateway' }).getByRole('link', { name: 'Budgets' }).click();
    await page.getByRole('button', { name: /^Delete budget/ }).click();
    await page.getByRole('dialog', { name: 'Delete budget' }).getByRole('button', { name: 'Delete budget' }).click();
    await page.getByText('No budgets yet').waitFor();

    await page.goto(`${server.url}/gateway/endpoints/support-chat`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete endpoint' }).getByRole('button', { name: 'Delete endpoint' }).click();
    await page.waitForURL(/\/gateway$/);
    await page.getByText('No endpoints yet').waitFor();
    expect((await server.call('GET', '/api/3.0/mlflow/gateway/endpoints/get?name=support-chat')).status).toBe(404);

    await page.getByRole('navigation', { name: 'Gateway' }).getByRole('link', { name: 'Models' }).click();
    for (const name of ['gpt-4o-mini', 'backup']) {
      await page.getByRole('button', { name: `Delete ${name}` }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete model' });
      await confirm.getByRole('button', { name: 'Delete model' }).click();
      await confirm.waitFor({ state: 'detached' });
    }
    await page.getByText('No models yet').waitFor();
    await page.getByRole('navigation', { name: 'Gateway' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Delete openai-test' }).click();
    await page.getByRole('dialog', { name: 'Delete API key' }).getByText('No model uses it.').waitFor();
    await page.getByRole('dialog', { name: 'Delete API key' }).getByRole('button', { name: 'Delete API key' }).click();
    await page.getByText('No API keys yet').waitFor();
    expect((await gw<{ secrets?: unknown[] }>('secrets/list')).secrets ?? []).toEqual([]);
    // The refused deletion is MLflow's INVALID_STATE (HTTP 500), shown in the dialog; the browser logs
    // that failed request itself, and nothing else.
    expect(browser.errors.filter((e) => !/\/gateway\/models: .*status of 500/.test(e))).toEqual([]);
  });
});
