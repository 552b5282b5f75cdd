import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installFakeJudge, startFakeProvider, type FakeJudgeOptions, type FakeJudgeRequest, type FakeProvider } from '@loupe/fake-providers';
import { PriceCatalog } from '@loupe/protocol/pricing';
import type { ScorerFeedback, ScorerInput } from '../scorer-types.js';
import {
  ConversationCompleteness,
  Correctness,
  ExpectationsGuidelines,
  Guidelines,
  KnowledgeRetention,
  RelevanceToQuery,
  RetrievalGroundedness,
  RetrievalRelevance,
  RetrievalSufficiency,
  Safety,
  ToolCallCorrectness,
  ToolCallEfficiency,
  UserFrustration,
  judgeModel,
  type JudgeOptions,
} from './index.js';
import { fakeModelOptions, span, trace } from './testing/judge-fixtures.js';

let fake: FakeProvider;
let seen: FakeJudgeRequest[];
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  install();
});

/** Makes the fake provider a judge with `options`; `seen` follows its requests. */
function install(options: FakeJudgeOptions = {}) {
  const judge = installFakeJudge(fake, options);
  seen = judge.requests;
  return judge;
}
const openai = (): JudgeOptions => ({ model: judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`)) });
const anthropic = (): JudgeOptions => ({ model: judgeModel('anthropic:/claude-sonnet-4-5', fakeModelOptions(fake.url)) });
const one = (f: ScorerFeedback | ScorerFeedback[]) => (Array.isArray(f) ? f[0]! : f);
const row = (fields: Partial<ScorerInput>): ScorerInput => ({
  inputs: { question: 'What is the capital of France?' },
  outputs: 'Paris.',
  expectations: {},
  ...fields,
});
const says = (value: 'yes' | 'no'): FakeJudgeOptions => ({ verdict: () => ({ result: value, rationale: `because ${value}` }) });

const ragTrace = trace([
  span({ name: 'rag', spanId: 'a'.repeat(16), inputs: { question: 'What is MLflow?' }, outputs: 'An open source platform.' }),
  span({
    name: 'search',
    spanId: 'b'.repeat(16),
    parentId: 'a'.repeat(16),
    spanType: 'RETRIEVER',
    outputs: [
      { page_content: 'MLflow is an open source platform for the ML lifecycle.', metadata: { doc_uri: 'docs/intro.md' } },
      { page_content: 'Bananas are rich in potassium.', metadata: { doc_uri: 'food.md' } },
    ],
  }),
]);

const toolTrace = trace([
  span({ name: 'agent', inputs: { question: 'Weather in Paris?' }, outputs: 'Sunny, 21°C.' }),
  span({
    name: 'chat',
    spanType: 'CHAT_MODEL',
    attributes: { 'mlflow.chat.tools': [{ type: 'function', function: { name: 'get_weather', description: 'Current weather of a city' } }] },
  }),
  span({ name: 'get_weather', spanType: 'TOOL', inputs: { city: 'Paris' }, outputs: { temp_c: 21 } }),
  span({ name: 'get_weather', spanType: 'TOOL', inputs: { city: 'Paris' }, outputs: { temp_c: 21 } }),
]);

const conversation = [
  { traceId: 'tr-1', inputs: { question: 'My name is Ada. Book a table for two.' }, outputs: 'Done, Ada: a table for two at 8pm.' },
  { traceId: 'tr-2', inputs: { question: 'Move it to 9pm please.' }, outputs: 'Moved to 9pm.' },
];

describe('built-in judges: what they send and what they return', () => {
  it('correctness sends the request, the response and the expected facts with a yes/no schema', async () => {
    install(says('yes'));
    const judge = Correctness(openai());
    expect(judge).toMatchObject({ name: 'correctness', sourceType: 'LLM_JUDGE', level: 'trace' });
    const feedback = one(await judge.score(row({ expectations: { expected_facts: ['Paris is the capital'] } })));
    expect(feedback).toMatchObject({ name: 'correctness', value: 'yes', rationale: 'because yes' });
    const sent = fake.requests[0]!.json as { model: string; response_format: { json_schema: { schema: unknown } } };
    expect(sent.model).toBe('gpt-4o-mini');
    expect(sent.response_format.json_schema.schema).toEqual({
      type: 'object',
      properties: { rationale: { type: 'string', description: expect.any(String) }, result: { type: 'string', enum: ['yes', 'no'] } },
      required: ['rationale', 'result'],
      additionalProperties: false,
    });
    expect(seen[0]!.prompt).toContain('<request>\nWhat is the capital of France?\n</request>');
    expect(seen[0]!.prompt).toContain('<response>\nParis.\n</response>');
    expect(seen[0]!.prompt).toContain('<expected_facts>\n- Paris is the capital\n</expected_facts>');
  });

  it('correctness takes expected_response, and names the missing expectation otherwise', async () => {
    await Correctness(openai()).score(row({ expectations: { expected_response: 'The capital is Paris.' } }));
    expect(seen[0]!.prompt).toContain('<expected_response>\nThe capital is Paris.\n</expected_response>');
    const missing = one(await Correctness(openai()).score(row({})));
    expect(missing.error).toEqual({
      code: 'JUDGE_MISSING_INPUT',
      message: expect.stringContaining('expectations.expected_response or expectations.expected_facts'),
    });
    expect(seen).toHaveLength(1);
  });

  it('relevance_to_query, safety and guidelines read what they say they read', async () => {
    install(says('no'));
    const relevance = one(await RelevanceToQuery(anthropic()).score(row({})));
    expect(relevance).toMatchObject({ name: 'relevance_to_query', value: 'no' });
    expect(seen[0]!.protocol).toBe('anthropic');
    expect(seen[0]!.prompt).toMatch(/<request>[\s\S]*capital of France[\s\S]*<response>\nParis\./);

    const safety = one(await Safety(openai()).score(row({ outputs: 'Here is a cake recipe.' })));
    expect(safety).toMatchObject({ name: 'safety', value: 'no' });
    expect(seen[1]!.prompt).toBe('<text>\nHere is a cake recipe.\n</text>');

    const tone = one(await Guidelines({ ...openai(), name: 'tone', guidelines: ['Be polite.', 'Answer in English.'] }).score(row({})));
    expect(tone).toMatchObject({ name: 'tone', value: 'no' });
    expect(seen[2]!.prompt).toContain('<guidelines>\n1. Be polite.\n2. Answer in English.\n</guidelines>');
    expect(() => Guidelines({ guidelines: [] })).toThrow(/Guidelines: pass \{ guidelines \}/);

    const rowGuidelines = one(await ExpectationsGuidelines(openai()).score(row({ expectations: { guidelines: 'Mention the Eiffel Tower.' } })));
    expect(rowGuidelines).toMatchObject({ name: 'expectations_guidelines', value: 'no' });
    expect(seen[3]!.prompt).toContain('1. Mention the Eiffel Tower.');
    const none = one(await ExpectationsGuidelines(openai()).score(row({})));
    expect(none.error?.message).toMatch(/expectations\.guidelines/);
  });

  it('retrieval judges read RETRIEVER spans and answer per span; relevance per document with a precision', async () => {
    install({ verdict: (r) => ({ result: r.prompt.includes('Bananas') ? 'no' : 'yes' }) });
    const grounded = (await RetrievalGroundedness(openai()).score(row({ inputs: {}, outputs: undefined, trace: ragTrace }))) as ScorerFeedback[];
    expect(grounded).toEqual([expect.objectContaining({ name: 'retrieval_groundedness', value: 'no', metadata: { span_id: 'b'.repeat(16) } })]);
    expect(seen[0]!.prompt).toContain('<request>\nWhat is MLflow?\n</request>');
    expect(seen[0]!.prompt).toContain('[1] MLflow is an open source platform for the ML lifecycle.\n    metadata: {"doc_uri":"docs/intro.md"}');
    expect(seen[0]!.prompt).toContain('<response>\nAn open source platform.\n</response>');

    const relevance = (await RetrievalRelevance(openai()).score(row({ inputs: { question: 'What is MLflow?' }, trace: ragTrace }))) as ScorerFeedback[];
    expect(relevance.map((f) => [f.name, f.value, f.metadata?.document_index])).toEqual([
      ['retrieval_relevance/precision', 0.5, undefined],
      ['retrieval_relevance', 'yes', '0'],
      ['retrieval_relevance', 'no', '1'],
    ]);

    const sufficiency = (await RetrievalSufficiency(openai()).score(
      row({ trace: ragTrace, expectations: { expected_facts: ['MLflow is open source'] } }),
    )) as ScorerFeedback[];
    expect(sufficiency).toHaveLength(1);
    expect(seen.at(-1)!.prompt).toContain('<expected_facts>\n- MLflow is open source');

    const noRetriever = one(await RetrievalGroundedness(openai()).score(row({ trace: toolTrace })));
    expect(noRetriever.error).toEqual({ code: 'JUDGE_MISSING_INPUT', message: expect.stringMatching(/RETRIEVER.*\(missing: trace\)/) });
    const noTrace = one(await RetrievalSufficiency(openai()).score(row({})));
    expect(noTrace.error?.message).toMatch(/missing: trace/);
  });

  it('tool call judges read TOOL spans and the offered tools', async () => {
    const correct = one(
      await ToolCallCorrectness(openai()).score(
        row({ inputs: {}, trace: toolTrace, expectations: { expected_tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }),
      ),
    );
    expect(correct.name).toBe('tool_call_correctness');
    expect(seen[0]!.prompt).toContain('<request>\nWeather in Paris?\n</request>');
    expect(seen[0]!.prompt).toContain('- get_weather: Current weather of a city');
    expect(seen[0]!.prompt).toMatch(/1\. get_weather\(\{\n {2}"city": "Paris"\n\}\)\n {3}returned: \{\n {2}"temp_c": 21\n\}\n2\. get_weather/);
    expect(seen[0]!.prompt).toContain('<expected_tool_calls>');

    const efficient = one(await ToolCallEfficiency(openai()).score(row({ trace: toolTrace })));
    expect(efficient.name).toBe('tool_call_efficiency');
    expect(['yes', 'no']).toContain(efficient.value);
  });

  it('session judges are session-level and read the conversation', async () => {
    for (const [make, name] of [
      [UserFrustration, 'user_frustration'],
      [ConversationCompleteness, 'conversation_completeness'],
      [KnowledgeRetention, 'knowledge_retention'],
    ] as const) {
      const judge = make(openai());
      expect(judge).toMatchObject({ name, level: 'session' });
      const feedback = one(await judge.score({ inputs: {}, outputs: undefined, expectations: {}, conversation }));
      expect(feedback.name).toBe(name);
      expect(seen.at(-1)!.prompt).toContain(
        'user: My name is Ada. Book a table for two.\nassistant: Done, Ada: a table for two at 8pm.\n\nuser: Move it to 9pm please.',
      );
      expect(one(await judge.score({ inputs: {}, outputs: undefined, expectations: {} })).error?.message).toMatch(/missing: conversation/);
    }
  });

  it('the same rows give the same verdicts (the fake judge is deterministic)', async () => {
    const a = one(await RelevanceToQuery(openai()).score(row({})));
    const b = one(await RelevanceToQuery(openai()).score(row({})));
    expect(a.value).toBe(b.value);
  });
});

describe('parsing, repair and errors', () => {
  it('reads fenced, chatty and loosely typed answers', async () => {
    install({ verdict: () => ({ raw: 'Sure! Here is my verdict:\n```json\n{"rationale": "Matches {the} facts.", "result": "Yes"}\n```\nHope that helps.' }) });
    expect(one(await Correctness(openai()).score(row({ expectations: { expected_response: 'Paris' } })))).toMatchObject({
      value: 'yes',
      rationale: 'Matches {the} facts.',
    });
  });

  it('asks once more after garbage, then gives JUDGE_PARSE_ERROR without throwing', async () => {
    install({ fault: (n) => (n === 1 ? 'garbage' : undefined), ...says('yes') });
    expect(one(await Safety(openai()).score(row({})))).toMatchObject({ value: 'yes' });
    expect(seen).toHaveLength(2);
    const repair = fake.requests[1]!.json as { messages: { role: string; content: string }[] };
    expect(repair.messages.at(-2)).toMatchObject({ role: 'assistant', content: expect.stringContaining('lean towards maybe') });
    expect(repair.messages.at(-1)!.content).toMatch(/could not be read: the answer holds no JSON object/);

    const judge = install({ fault: () => 'garbage' });
    const feedback = one(await Safety(anthropic()).score(row({})));
    expect(feedback.error).toEqual({ code: 'JUDGE_PARSE_ERROR', message: expect.stringContaining('not a verdict') });
    expect(feedback.usage?.inputTokens).toBeGreaterThan(0);
    expect(judge.requests).toHaveLength(2);
  });

  it('reports an unreachable or misconfigured model as JUDGE_MODEL_ERROR', async () => {
    install({ fault: () => 'server_error' });
    const down = one(
      await Safety({ model: judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`, { retry: { maxRetries: 1 } })) }).score(row({})),
    );
    expect(down.error).toEqual({ code: 'JUDGE_MODEL_ERROR', message: expect.stringContaining('500') });
    const noKey = one(await Safety({ model: 'anthropic:/claude-sonnet-4-5', modelOptions: { env: {} } }).score(row({})));
    expect(noKey.error).toEqual({ code: 'JUDGE_MODEL_ERROR', message: expect.stringContaining('ANTHROPIC_API_KEY') });
  });

  it('an abort propagates', async () => {
    install({ latencyMs: 200 });
    const controller = new AbortController();
    const pending = Safety(openai()).score(row({}), controller.signal);
    controller.abort(new Error('evaluation cancelled'));
    await expect(pending).rejects.toThrow('evaluation cancelled');
  });
});

describe('usage and cost', () => {
  it('records the model URI, tokens and cost from the price catalog, summed over the repair turn', async () => {
    install({ fault: (n) => (n === 1 ? 'garbage' : undefined) });
    const feedback = one(await Safety(openai()).score(row({})));
    const input = fake.requests.map((r) => JSON.stringify((r.json as { messages: unknown }).messages));
    const expectedIn = input.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    expect(feedback.usage).toMatchObject({ model: 'openai:/gpt-4o-mini', inputTokens: expectedIn });
    const cost = PriceCatalog.withDefaults().cost('gpt-4o-mini', { input_tokens: feedback.usage!.inputTokens, output_tokens: feedback.usage!.outputTokens })!;
    expect(feedback.usage!.costUsd).toBeCloseTo(cost.total_cost, 9);
    expect(feedback.usage!.costUsd).toBeGreaterThan(0);
  });

  it('leaves the cost out for an unpriced model or with pricing off', async () => {
    const local = one(await Safety({ model: judgeModel('openai:/my-finetune', fakeModelOptions(`${fake.url}/v1`)) }).score(row({})));
    expect(local.usage).toMatchObject({ model: 'openai:/my-finetune', inputTokens: expect.any(Number) });
    expect(local.usage).not.toHaveProperty('costUsd');
    const off = one(await Safety({ ...openai(), pricing: false }).score(row({})));
    expect(off.usage).not.toHaveProperty('costUsd');
  });
});
