import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFakeJudge, startHarness, type FakeJudge, type Harness } from '@loupe/fake-providers';
import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers/fake-server';
import { startOfflineModel } from './offline-model.js';
import { ProductDatabase } from './product-db.js';
import { createSupportAgent } from './support-agent.js';
import { evaluateSupportAgent, evaluateSupportAgentWithJudges, SUPPORT_EVAL_DATA } from './support-evaluation.js';

let h: Harness;
let model: FakeProvider;
beforeAll(async () => {
  h = await startHarness();
  model = await startOfflineModel();
});
afterAll(async () => {
  await model?.close();
  await h?.close();
});

describe('evaluating the support agent with code scorers', () => {
  it('runs every question through the agent in a trace of one run, scores it and stores the verdicts on the server', async () => {
    const agent = createSupportAgent({
      openai: new OpenAI({ baseURL: `${model.url}/v1`, apiKey: 'offline', maxRetries: 0 }),
      db: new ProductDatabase(),
      loupe: h.loupe,
    });
    const summary: string[] = [];
    const result = await evaluateSupportAgent(h.loupe, agent, { progress: false, summary: { write: (t: string) => summary.push(t) } });

    // The refund answer quotes only the policy's first sentence, and Z9999 does not exist (the agent asks
    // the customer to check it): the scorers notice both.
    expect(
      result.rows.map((r) => [r.inputs.question, r.feedback.used_expected_tool?.value, r.feedback.fact_coverage?.value, r.feedback.resolved?.value]),
    ).toEqual([
      ['Where is my order A1001?', true, 1, 'yes'],
      ['And my order A1002?', true, 1, 'yes'],
      ['Do you have noise cancelling headphones in stock?', true, 1, 'yes'],
      ['Can I return opened earbuds for a refund?', true, 0.5, 'yes'],
      ['Where is my order Z9999?', true, 1, 'no'],
    ]);
    expect(result.rows[3]!.feedback.fact_coverage).toEqual({ value: 0.5, rationale: 'missing: 14 days' });
    // The two questions of chat-dana are one conversation, scored once, on its first trace.
    expect(result.rows[0]!.feedback.conversation_resolved).toEqual({ value: true, rationale: '2 turns, 0 unresolved' });
    expect(result.metrics).toEqual({
      'used_expected_tool/mean': 1,
      'fact_coverage/mean': 0.9,
      'resolved/mean': 0.8,
      'conversation_resolved/mean': 1,
    });
    expect(summary.join('').split('\n').slice(1)).toEqual([
      'scorer                  mean  values  errors',
      'conversation_resolved  1.000       1       0',
      'fact_coverage          0.900       5       0',
      'resolved               0.800       5       0',
      'used_expected_tool     1.000       5       0',
      '',
    ]);

    // Everything is on the server, as MLflow's UI reads an evaluation run.
    const run = await h.loupe.client.getRun(result.runId);
    expect(run.info.status).toBe('FINISHED');
    expect(Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]))).toEqual(result.metrics);
    const traces = await h.loupe.client.searchTraces({ experimentIds: [h.experimentId], filter: `run_id = '${result.runId}'` });
    expect(traces.items).toHaveLength(SUPPORT_EVAL_DATA.length);
    const first = (await h.loupe.client.getTrace(result.rows[0]!.traceId!))!;
    const root = first.spans.find((s) => s.parentId === null)!;
    expect(root).toMatchObject({ name: 'support_agent', inputs: SUPPORT_EVAL_DATA[0]!.inputs, outputs: expect.stringContaining('1Z999AA10123456784') });
    expect(first.spans.filter((s) => s.parentId === root.spanId).map((s) => s.name)).toEqual(['support-agent']);
    expect(first.info.trace_metadata?.['mlflow.trace.session']).toBe('chat-dana');
    const names = (first.info.assessments ?? []).map((a) => `${a.source?.source_type}:${a.assessment_name}`).sort();
    expect(names).toEqual([
      'CODE:conversation_resolved',
      'CODE:fact_coverage',
      'CODE:resolved',
      'CODE:used_expected_tool',
      'HUMAN:expected_facts',
      'HUMAN:expected_tool',
    ]);
  });
});

describe('evaluating the support agent with LLM judges', () => {
  let judgeServer: FakeProvider;
  let judge: FakeJudge;
  beforeAll(async () => {
    judgeServer = await startFakeProvider();
    // The fake judge: 'no' when the answer it reads asks the customer to check their order number, else 'yes'.
    judge = installFakeJudge(judgeServer, {
      verdict: (r) =>
        /check the order number/.test(r.prompt) ? { result: 'no', rationale: 'The answer does not help.' } : { result: 'yes', rationale: 'It answers.' },
    });
  });
  afterAll(() => judgeServer?.close());

  it('runs a code scorer, two built-in judges and a makeJudge judge; verdicts, rationale, judge usage and metrics land on the server', async () => {
    const agent = createSupportAgent({
      openai: new OpenAI({ baseURL: `${model.url}/v1`, apiKey: 'offline', maxRetries: 0 }),
      db: new ProductDatabase(),
      loupe: h.loupe,
    });
    // As the entrypoint (src/evaluate.ts) builds it from SUPPORT_JUDGE_MODEL, here pointed at the fake judge.
    const result = await evaluateSupportAgentWithJudges(
      h.loupe,
      agent,
      { model: 'openai:/gpt-4.1-mini', modelOptions: { baseUrl: `${judgeServer.url}/v1`, apiKey: 'test-key', env: {} } },
      { progress: false, summary: false },
    );

    // Three judges per question, each asked once, with the verdict's JSON schema.
    expect(judge.requests).toHaveLength(3 * SUPPORT_EVAL_DATA.length);
    expect(new Set(judge.requests.map((r) => r.model))).toEqual(new Set(['gpt-4.1-mini']));
    expect(judge.requests.every((r) => r.resultSchema !== undefined)).toBe(true);
    expect(
      result.rows.map((r) => [
        r.feedback.used_expected_tool?.value,
        r.feedback.correctness?.value,
        r.feedback.relevance_to_query?.value,
        r.feedback.support_tone?.value,
      ]),
    ).toEqual([
      [true, 'yes', 'yes', 'yes'],
      [true, 'yes', 'yes', 'yes'],
      [true, 'yes', 'yes', 'yes'],
      [true, 'yes', 'yes', 'yes'],
      [true, 'no', 'no', 'no'],
    ]);
    expect(result.rows[4]!.feedback.support_tone).toEqual({ value: 'no', rationale: 'The answer does not help.' });
    expect(result.metrics).toEqual({ 'used_expected_tool/mean': 1, 'correctness/mean': 0.8, 'relevance_to_query/mean': 0.8, 'support_tone/mean': 0.8 });

    // On the server: the run's metrics, and on each trace the judges' feedback with rationale, the
    // model as source, and the call's token usage and cost in the metadata, as MLflow's judges log them.
    const run = await h.loupe.client.getRun(result.runId);
    expect(run.info).toMatchObject({ status: 'FINISHED', run_name: 'support-agent-judges' });
    expect(run.data.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.runType', value: 'genai_evaluate' }]));
    expect(Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]))).toEqual(result.metrics);
    for (const row of result.rows) {
      const trace = (await h.loupe.client.getTrace(row.traceId!))!;
      const judged = (trace.info.assessments ?? []).filter((a) => a.source?.source_type === 'LLM_JUDGE');
      expect(judged.map((a) => a.assessment_name).sort()).toEqual(['correctness', 'relevance_to_query', 'support_tone']);
      for (const a of judged) {
        expect(a).toMatchObject({
          source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4.1-mini' },
          rationale: expect.stringMatching(/answer/),
          metadata: {
            'mlflow.assessment.sourceRunId': result.runId,
            'mlflow.assessment.judgeInputTokens': expect.stringMatching(/^[1-9]\d*$/),
            'mlflow.assessment.judgeOutputTokens': expect.stringMatching(/^[1-9]\d*$/),
            'mlflow.assessment.judgeCost': expect.stringMatching(/^\d+(\.\d+)?(e-\d+)?$/),
          },
        });
        expect(a.feedback?.value).toBe(row.feedback[a.assessment_name]!.value);
      }
      const code = (trace.info.assessments ?? []).find((a) => a.assessment_name === 'used_expected_tool');
      expect(code?.source).toEqual({ source_type: 'CODE', source_id: 'used_expected_tool' });
    }
  });
});

describe('npm run evaluate (the README command), as a separate process', () => {
  it('evaluates the agent offline with the judges into one run on the Loupe server', async () => {
    const experiment = `support-eval-${Date.now()}`;
    const { stdout } = await promisify(execFile)('npm', ['run', 'evaluate', '--silent'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, LOUPE_TRACKING_URI: h.server.url, SUPPORT_EXPERIMENT: experiment, OPENAI_API_KEY: '', SUPPORT_JUDGE_MODEL: '' },
      timeout: 60_000,
    });
    expect(stdout).toContain('Judges: openai:/gpt-4.1-mini (offline: a fake judge on this machine)');
    expect(stdout).toMatch(/correctness\s+\d\.\d{3}\s+5\s+0/);
    const runUrl = /Evaluation run: http:\/\/127\.0\.0\.1:\d+\/experiments\/\d+\/evaluations\/(\w+)/.exec(stdout);
    expect(runUrl).not.toBeNull();
    const run = await h.loupe.client.getRun(runUrl![1]!);
    expect(run.info.status).toBe('FINISHED');
    expect((run.data.metrics ?? []).map((m) => m.key).sort()).toEqual([
      'correctness/mean',
      'relevance_to_query/mean',
      'support_tone/mean',
      'used_expected_tool/mean',
    ]);
  }, 90_000);
});
