import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

/** One example of an evaluation: the question, the app's answer, the ground truth and each scorer's verdict. */
interface Example {
  question: string;
  answer: string;
  expected: string;
  correctness: 'yes' | 'no';
  rationale: string;
  relevance: number;
  /** A boolean verdict, or the error the judge raised. */
  safety: boolean | { error: string };
}

const QUESTIONS = ['What is MLflow?', 'What is Spark?', 'What is Delta Lake?'];
const EXPECTED = ['An open-source ML platform', 'A distributed data engine', 'A storage layer with ACID tables'];

/** Example `i` (its question and expected answer): the app's answer and the scorers' verdicts, safety passing unless given. */
const example = (
  i: number,
  answer: string,
  correctness: Example['correctness'],
  rationale: string,
  relevance: number,
  safety: Example['safety'] = true,
): Example => ({
  question: QUESTIONS[i]!,
  answer,
  expected: EXPECTED[i]!,
  correctness,
  rationale,
  relevance,
  safety,
});

const BASELINE: Example[] = [
  example(0, 'MLflow is an open-source platform for the ML lifecycle.', 'yes', 'Matches the expected answer.', 0.9),
  example(1, 'I am not sure.', 'no', 'The answer does not say what Spark is.', 0.2),
  example(2, 'Delta Lake adds ACID transactions to data lakes.', 'yes', 'Correct.', 0.8),
];
const CANDIDATE: Example[] = [
  example(0, 'MLflow is a database.', 'no', 'Calls MLflow a database; the expected answer says it is an ML platform.', 0.7),
  example(1, 'Spark is a distributed data processing engine.', 'yes', 'States what Spark is.', 0.95),
  example(2, 'Delta Lake adds ACID transactions to data lakes.', 'yes', 'Correct.', 0.8, { error: 'Judge call timed out after 30s' }),
];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describeWithChromium('UI: evaluations (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let experimentId: string;
  let baselineId: string;
  let candidateId: string;
  const traceIds = new Map<string, string>();

  /** An evaluation run as mlflow.genai.evaluate() leaves it: tagged run, dataset input, one trace per example with assessments, aggregate metrics. */
  async function evaluationRun(name: string, startMs: number, examples: Example[]): Promise<string> {
    const created = await seed.post<{ run: { info: { run_id: string } } }>('/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
      run_name: name,
      start_time: startMs,
      tags: [{ key: 'mlflow.runType', value: 'genai_evaluate' }],
    });
    const runId = created.run.info.run_id;
    await seed.post('/api/2.0/mlflow/runs/log-inputs', {
      run_id: runId,
      datasets: [{ dataset: { name: 'qa-golden', digest: '3f2a91c0deadbeef', source_type: 'code', source: '{}' } }],
    });
    for (const [i, ex] of examples.entries()) {
      const traceId = `tr-${randomBytes(16).toString('hex')}`;
      traceIds.set(`${name}:${ex.question}`, traceId);
      await seed.post('/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: traceId,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
            request_time: new Date(startMs + i * 1000).toISOString(),
            execution_duration: '0.8s',
            state: 'OK',
            trace_metadata: { 'mlflow.sourceRun': runId },
            tags: { 'mlflow.traceName': 'predict', 'mlflow.eval.requestId': `req-${QUESTIONS.indexOf(ex.question)}` },
            request_preview: JSON.stringify({ question: ex.question }),
            response_preview: JSON.stringify(ex.answer),
          },
        },
      });
      const assess = (body: Record<string, unknown>) =>
        seed.post(`/api/3.0/mlflow/traces/${traceId}/assessments`, {
          assessment: { trace_id: traceId, metadata: { 'mlflow.assessment.sourceRunId': runId }, ...body },
        });
      await assess({ assessment_name: 'expected_response', source: { source_type: 'HUMAN', source_id: 'alice' }, expectation: { value: ex.expected } });
      await assess({
        assessment_name: 'correctness',
        source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' },
        feedback: { value: ex.correctness },
        rationale: ex.rationale,
      });
      await assess({ assessment_name: 'relevance', source: { source_type: 'CODE', source_id: 'relevance' }, feedback: { value: ex.relevance } });
      await assess({
        assessment_name: 'safety',
        source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' },
        feedback: typeof ex.safety === 'boolean' ? { value: ex.safety } : { error: { error_code: 'SCORER_ERROR', error_message: ex.safety.error } },
      });
    }
    const safety = examples.flatMap((e) => (typeof e.safety === 'boolean' ? [e.safety ? 1 : 0] : []));
    await seed.post('/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'correctness/mean', value: mean(examples.map((e) => (e.correctness === 'yes' ? 1 : 0))), timestamp: startMs, step: 0 },
        { key: 'relevance/mean', value: mean(examples.map((e) => e.relevance)), timestamp: startMs, step: 0 },
        { key: 'safety/mean', value: mean(safety), timestamp: startMs, step: 0 },
      ],
    });
    await seed.post('/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: startMs + 60_000 });
    return runId;
  }

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-evaluations-'));
    experimentId = await seed.createExperiment('support-bot');
    // A plain run, which the Evaluations tab leaves out.
    await seed.createRun(experimentId, 'train', { metrics: { loss: [0.3] } });
    baselineId = await evaluationRun('baseline-prompt', Date.now() - 3_600_000, BASELINE);
    candidateId = await evaluationRun('candidate-prompt', Date.now() - 600_000, CANDIDATE);
    ({ browser, page } = await openUiPage());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('lists the evaluation runs newest first with their aggregate scores, trace count and dataset', async () => {
    expect((await fetch(`${server.url}/experiments/${experimentId}/evaluations/${candidateId}`)).status).toBe(200);
    await page.goto(`${server.url}/experiments/${experimentId}/traces`);
    await page.getByRole('navigation', { name: 'Experiment views' }).getByRole('link', { name: 'Evaluations' }).click();
    const table = page.getByRole('table', { name: 'Evaluation runs' });
    await table.getByRole('link', { name: 'candidate-prompt' }).waitFor();
    const rows = table.getByRole('row');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(1).getByRole('link').textContent()).toBe('candidate-prompt');
    expect(await table.getByRole('link', { name: 'train' }).count()).toBe(0);
    const headers = await table.getByRole('columnheader').allTextContents();
    expect(headers.slice(2, 5)).toEqual(['correctness', 'relevance', 'safety']);
    const cells = async (n: number) => (await rows.nth(n).getByRole('cell').allTextContents()).map((t) => t.trim());
    await expect.poll(async () => (await cells(1))[5]).toBe('3');
    expect((await cells(1)).slice(2, 7)).toEqual(['0.6667', '0.8167', '1', '3', 'qa-golden (3f2a91c0)']);
    expect((await cells(2)).slice(2, 5)).toEqual(['0.6667', '0.6333', '1']);
    await screenshot(page, 'evaluations-list');
  });

  it('shows one row per example with values, rationale, errors, expectations and trace links; filters and sorts by a scorer', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/evaluations`);
    await page.getByRole('table', { name: 'Evaluation runs' }).getByRole('link', { name: 'candidate-prompt' }).click();
    await page.getByRole('heading', { name: 'candidate-prompt' }).waitFor();
    const count = page.getByTestId('row-count');
    await expect.poll(() => count.textContent()).toBe('3 rows');
    const aggregates = page.getByRole('region', { name: 'Aggregate scores' });
    expect(await aggregates.getByRole('group', { name: 'correctness' }).textContent()).toContain('66.7%');
    expect(await aggregates.getByRole('group', { name: 'safety' }).textContent()).toContain('1 error');

    const table = page.getByRole('table', { name: 'Evaluation rows' });
    const mlflowRow = table.getByRole('row').filter({ hasText: 'What is MLflow?' });
    expect(await mlflowRow.textContent()).toContain('MLflow is a database.');
    expect(await mlflowRow.textContent()).toContain(EXPECTED[0]);
    // The verdict chip carries the rationale on hover.
    const chip = mlflowRow.locator('[data-score="fail"]');
    expect(await chip.textContent()).toContain('no');
    expect(await chip.getAttribute('title')).toContain('Calls MLflow a database');
    expect(await mlflowRow.locator('[data-score="number"]').textContent()).toBe('0.7');
    const deltaRow = table.getByRole('row').filter({ hasText: 'What is Delta Lake?' });
    expect(await deltaRow.locator('[data-score="error"]').getAttribute('title')).toContain('Judge call timed out after 30s');

    await mlflowRow.getByRole('cell').first().click();
    const details = page.getByRole('complementary', { name: 'Row details' });
    await details.getByText('Calls MLflow a database; the expected answer says it is an ML platform.').waitFor();
    expect(await details.textContent()).toContain('LLM_JUDGE · openai:/gpt-4o-mini');
    await screenshot(page, 'evaluation-run');

    await page.getByLabel('Filter value').selectOption('fail');
    await expect.poll(() => count.textContent()).toBe('1 of 3 rows');
    expect(await table.getByRole('row').count()).toBe(2);
    await page.getByLabel('Filter value').selectOption('error');
    await page.getByLabel('Filter scorer').selectOption('safety');
    await expect.poll(() => count.textContent()).toBe('1 of 3 rows');
    expect(await table.getByRole('row').nth(1).textContent()).toContain('What is Delta Lake?');
    await page.getByLabel('Filter value').selectOption('');
    await expect.poll(() => count.textContent()).toBe('3 rows');

    await table.getByRole('button', { name: 'relevance' }).click();
    const firstInputs = async () => (await table.getByRole('row').nth(1).getByRole('cell').first().textContent())?.trim();
    await expect.poll(firstInputs).toBe('What is MLflow?');
    await table.getByRole('button', { name: 'relevance' }).click();
    await expect.poll(firstInputs).toBe('What is Spark?');
    expect(page.url()).toContain('sort=relevance&dir=desc');

    const traceId = traceIds.get('candidate-prompt:What is Spark?')!;
    await table.getByRole('link', { name: `Open trace ${traceId}` }).click();
    await page.waitForURL(`**/experiments/${experimentId}/traces/${traceId}`);
    await page.getByText(traceId).first().waitFor();
  });

  it('compares two runs row by row, marking a regression and an improvement, with aggregate deltas', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/evaluations`);
    const list = page.getByRole('table', { name: 'Evaluation runs' });
    await list.getByLabel('Select candidate-prompt').check();
    await list.getByLabel('Select baseline-prompt').check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    await page.waitForURL(`**/evaluations/compare?runs=${baselineId},${candidateId}`);
    const summary = page.getByTestId('compare-summary');
    await expect.poll(() => summary.textContent()).toBe('2 regressions · 1 improvement · 3 of 3 examples in both runs');
    await page.getByText('Rows matched by evaluation request id').waitFor();
    const deltas = page.getByRole('region', { name: 'Aggregate deltas' });
    const relevance = await deltas.getByRole('group', { name: 'relevance' }).textContent();
    expect(relevance).toContain('0.633');
    expect(relevance).toContain('0.817');
    expect(relevance).toContain('+0.183');

    const table = page.getByRole('table', { name: 'Compared rows' });
    const mlflowRow = table.getByRole('row').filter({ hasText: 'What is MLflow?' });
    // correctness yes -> no and relevance 0.9 -> 0.7.
    expect(await mlflowRow.getByRole('cell').nth(1).textContent()).toBe('Regression');
    expect(await mlflowRow.getByRole('cell').nth(2).textContent()).toContain('regression');
    const sparkRow = table.getByRole('row').filter({ hasText: 'What is Spark?' });
    expect(await sparkRow.getByRole('cell').nth(1).textContent()).toBe('Improvement');
    expect(await sparkRow.getByRole('cell').nth(2).textContent()).toContain('improvement');
    // safety true -> a judge error.
    const deltaRow = table.getByRole('row').filter({ hasText: 'What is Delta Lake?' });
    expect(await deltaRow.getByRole('cell').nth(1).textContent()).toBe('Regression');
    expect(await deltaRow.getByRole('cell').nth(4).textContent()).toContain('regression');
    expect(await deltaRow.getByRole('link', { name: /Open candidate trace/ }).getAttribute('href')).toBe(
      `/experiments/${experimentId}/traces/${traceIds.get('candidate-prompt:What is Delta Lake?')}`,
    );
    await screenshot(page, 'evaluation-compare');

    await page.getByLabel('Regressions only').check();
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    expect(await table.getByRole('row').filter({ hasText: 'What is Spark?' }).count()).toBe(0);

    const dark = await browser.newPage({ colorScheme: 'dark' });
    await dark.goto(`${server.url}/experiments/${experimentId}/evaluations/${candidateId}?scorer=correctness&value=fail`);
    await dark.getByRole('table', { name: 'Evaluation rows' }).getByRole('row').nth(1).getByRole('cell').first().click();
    await dark.getByRole('complementary', { name: 'Row details' }).waitFor();
    await screenshot(dark, 'evaluation-run-dark');
    await dark.close();
    expect(browser.errors).toEqual([]);
  });
});
