import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '@loupe/fake-providers';
import type { FakeProvider } from '@loupe/fake-providers/fake-server';
import { startOfflineModel } from './offline-model.js';
import { ProductDatabase } from './product-db.js';
import { createSupportAgent } from './support-agent.js';
import { evaluateSupportAgent, SUPPORT_EVAL_DATA } from './support-evaluation.js';

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
