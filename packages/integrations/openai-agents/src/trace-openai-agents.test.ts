import OpenAI from 'openai';
import { Agent, getCurrentSpan, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool } from '@openai/agents';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeProvider, type CapturedSpan, type Harness, useIntegrationSuite } from '@loupe/fake-providers';
import { chatTurn, installOpenAI, openaiError, responsesTurn } from '@loupe/fake-providers/openai';
import { traceOpenAIAgents, type LoupeTracingProcessor } from './index.js';

let fake: FakeProvider;
let h: Harness;
const RESPONSES = '/v1/responses';
const CHAT = '/v1/chat/completions';
const toolRuns: string[] = [];
let processor: LoupeTracingProcessor;

const getWeather = tool({
  name: 'get_weather',
  description: 'Weather of a city',
  // A JSON schema rather than zod: the workspace hoists zod 3 for other packages (see vitest.config.ts).
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
  execute: async (input) => {
    const { city } = input as { city: string };
    toolRuns.push(city);
    // The user's own span inside the tool, hung on the tool's span.
    return h.loupe.withSpan(() => ({ city, forecast: 'sunny', temp: 21 }), {
      name: 'forecast-lookup',
      spanType: 'RETRIEVER',
      parent: processor.loupeSpanOf(getCurrentSpan()),
    });
  },
});
const weatherAgent = () => new Agent({ name: 'Weather agent', instructions: 'Answer weather questions.', model: 'gpt-4o-mini', tools: [getWeather] });

const suite = useIntegrationSuite([installOpenAI]);
beforeAll(async () => {
  ({ fake, h } = suite);
  setDefaultOpenAIClient(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 }));
  // The Agents SDK switches its tracing off under NODE_ENV=test.
  setTracingDisabled(false);
  processor = traceOpenAIAgents({ loupe: h.loupe, exclusive: true });
});
beforeEach(() => {
  toolRuns.length = 0;
  setOpenAIAPI('responses');
});

/** The span tree as `name (TYPE)` lines, children indented. */
function tree(spans: CapturedSpan[]): string[] {
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of spans.filter((x) => x.parentId === parent)) {
      lines.push(`${'  '.repeat(depth)}${s.name} (${s.spanType})`);
      walk(s.spanId, depth + 1);
    }
  };
  const ids = new Set(spans.map((s) => s.spanId));
  for (const root of spans.filter((s) => !s.parentId || !ids.has(s.parentId))) {
    lines.push(`${root.name} (${root.spanType})`);
    walk(root.spanId, 1);
  }
  return lines;
}

describe('traceOpenAIAgents', () => {
  it('records a run with a tool call as workflow > agent > (model, tool, model) with usage and chat, inside the user span', async () => {
    fake.enqueue(
      'POST',
      RESPONSES,
      responsesTurn({
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
        usage: { prompt_tokens: 300, completion_tokens: 20, cached_tokens: 100 },
      }),
      responsesTurn({ content: 'It is sunny in Paris, 21°C.', usage: { prompt_tokens: 400, completion_tokens: 15 } }),
    );
    const result = await h.loupe.withSpan(() => run(weatherAgent(), 'Weather in Paris?'), { name: 'my-app', spanType: 'CHAIN' });
    expect(result.finalOutput).toBe('It is sunny in Paris, 21°C.');
    expect(toolRuns).toEqual(['Paris']);

    const spans = await h.spans();
    expect(tree(spans)).toEqual([
      'my-app (CHAIN)',
      '  Agent workflow (CHAIN)',
      '    Weather agent (AGENT)',
      '      Response (CHAT_MODEL)',
      '      get_weather (TOOL)',
      '        forecast-lookup (RETRIEVER)',
      '      Response (CHAT_MODEL)',
    ]);
    const [, workflow, agent, first, toolSpan, , second] = spans;
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(first!.attributes).toMatchObject({
      'mlflow.llm.model': 'gpt-4o-mini',
      'mlflow.llm.provider': 'openai',
      'mlflow.chat.tokenUsage': { input_tokens: 300, output_tokens: 20, total_tokens: 320, cache_read_input_tokens: 100 },
    });
    expect(first!.attributes['mlflow.llm.cost']).toBeDefined();
    expect(first!.attributes['mlflow.chat.tools']).toEqual([
      { type: 'function', function: expect.objectContaining({ name: 'get_weather', description: 'Weather of a city' }) },
    ]);
    const call = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
    expect(first!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'Answer weather questions.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [call] },
    ]);
    expect(toolSpan).toMatchObject({ status: 'OK', inputs: { city: 'Paris' }, outputs: { city: 'Paris', forecast: 'sunny', temp: 21 } });
    expect((second!.attributes['mlflow.chat.messages'] as unknown[]).slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: expect.stringContaining('sunny') },
      { role: 'assistant', content: 'It is sunny in Paris, 21°C.' },
    ]);
    expect(agent!.attributes['openai_agents.tools']).toEqual(['get_weather']);
    expect(agent!.outputs).toBe('It is sunny in Paris, 21°C.');
    expect(workflow!.inputs).toEqual([
      { role: 'system', content: 'Answer weather questions.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    expect(toolSpan!.startMs).toBeGreaterThanOrEqual(first!.endMs - 1);
  });

  it('records Chat Completions mode as generation spans, and a failed model call as errors up the tree', async () => {
    setOpenAIAPI('chat_completions');
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } }] }),
      chatTurn({ content: 'Cold in Oslo.' }),
    );
    const result = await run(weatherAgent(), 'Oslo?');
    expect(result.finalOutput).toBe('Cold in Oslo.');
    const spans = await h.spans();
    expect(tree(spans)).toEqual([
      'Agent workflow (CHAIN)',
      '  Weather agent (AGENT)',
      '    Generation (CHAT_MODEL)',
      '    get_weather (TOOL)',
      '      forecast-lookup (RETRIEVER)',
      '    Generation (CHAT_MODEL)',
    ]);
    const generation = spans[2]!;
    expect(generation.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect((generation.attributes['mlflow.chat.messages'] as { role: string }[]).map((m) => m.role)).toEqual(['system', 'user', 'assistant']);

    h.clear();
    setOpenAIAPI('responses');
    fake.enqueue('POST', RESPONSES, openaiError(400, 'Invalid input'));
    await expect(run(weatherAgent(), 'x')).rejects.toThrow('Invalid input');
    const failed = await h.spans();
    const response = failed.find((s) => s.name === 'Response')!;
    expect(response.status).toBe('ERROR');
    expect(failed.find((s) => s.spanType === 'AGENT')!.status).toBe('ERROR');
  });

  it('records a handoff between two agents, and a streamed run', async () => {
    const french = new Agent({ name: 'French agent', instructions: 'Answer in French.', model: 'gpt-4o-mini' });
    const triage = Agent.create({
      name: 'Triage agent',
      instructions: 'Route the user.',
      model: 'gpt-4o-mini',
      handoffs: [french],
      inputGuardrails: [{ name: 'no secrets', execute: async () => ({ outputInfo: { checked: true }, tripwireTriggered: false }) }],
    });
    fake.enqueue(
      'POST',
      RESPONSES,
      responsesTurn({ toolCalls: [{ id: 'h1', name: 'transfer_to_French_agent', arguments: {} }] }),
      responsesTurn({ content: 'Bonjour !' }),
    );
    const result = await run(triage, 'Hello in French?');
    expect(result.finalOutput).toBe('Bonjour !');
    const spans = await h.spans();
    expect(tree(spans)).toEqual([
      'Agent workflow (CHAIN)',
      '  Triage agent (AGENT)',
      '    no secrets (EVALUATOR)',
      '    Response (CHAT_MODEL)',
      '    Handoff → French agent (CHAIN)',
      '  French agent (AGENT)',
      '    Response (CHAT_MODEL)',
    ]);
    expect(spans.find((s) => s.name === 'no secrets')).toMatchObject({ spanType: 'EVALUATOR', outputs: { triggered: false } });
    expect(spans.find((s) => s.spanType === 'CHAIN' && s.name.startsWith('Handoff'))).toMatchObject({
      inputs: { from_agent: 'Triage agent' },
      outputs: { to_agent: 'French agent' },
    });

    h.clear();
    fake.enqueue('POST', RESPONSES, responsesTurn({ content: 'Streamed reply from the agent.' }));
    const streamed = await run(weatherAgent(), 'stream it', { stream: true });
    let text = '';
    for await (const event of streamed.toTextStream()) text += event;
    await streamed.completed;
    expect(text).toBe('Streamed reply from the agent.');
    const streamSpans = await h.spans();
    expect(tree(streamSpans)).toEqual(['Agent workflow (CHAIN)', '  Weather agent (AGENT)', '    Response (CHAT_MODEL)']);
    expect((streamSpans[2]!.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: 'Streamed reply from the agent.' });
    expect(streamSpans[2]!.attributes['mlflow.chat.tokenUsage']).toBeDefined();
  });

  it('registering again adds no second processor; a run reads back from the Loupe server with usage and cost', async () => {
    expect(traceOpenAIAgents({ loupe: h.loupe })).toBe(processor);
    fake.enqueue(
      'POST',
      RESPONSES,
      responsesTurn({
        toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Rome' } }],
        usage: { prompt_tokens: 1000, completion_tokens: 100 },
      }),
      responsesTurn({ content: 'Sunny in Rome.', usage: { prompt_tokens: 2000, completion_tokens: 200, cached_tokens: 1000 } }),
    );
    const traceId = await h.loupe.withSpan(
      async (root) => {
        await run(weatherAgent(), 'Rome?');
        return root.traceId;
      },
      { name: 'weather-request', spanType: 'CHAIN' },
    );
    const trace = await h.serverTrace(traceId);
    // Spans begun within the same millisecond may come back in either order: compare as a set.
    expect(trace.spans.map((s) => s.name).sort()).toEqual([
      'Agent workflow',
      'Response',
      'Response',
      'Weather agent',
      'forecast-lookup',
      'get_weather',
      'weather-request',
    ]);
    expect(trace.spans.find((s) => s.name === 'forecast-lookup')!.parentId).toBe(trace.spans.find((s) => s.name === 'get_weather')!.spanId);
    const byName = (n: string) => trace.spans.filter((s) => s.name === n);
    expect(byName('Weather agent')[0]!.parentId).toBe(byName('Agent workflow')[0]!.spanId);
    expect(byName('get_weather')[0]!.parentId).toBe(byName('Weather agent')[0]!.spanId);
    expect(
      byName('Response')
        .map((s) => (s.attributes['mlflow.chat.messages'] as unknown[]).length)
        .sort(),
    ).toEqual([3, 5]);
    expect(JSON.parse(trace.info.trace_metadata!['mlflow.trace.tokenUsage']!)).toMatchObject({ input_tokens: 3000, output_tokens: 300, total_tokens: 3300 });
    const expected = (1000 * 0.15 + 100 * 0.6 + 1000 * 0.15 + 1000 * 0.075 + 200 * 0.6) / 1e6;
    expect(JSON.parse(trace.info.trace_metadata!['mlflow.trace.cost']!).total_cost).toBeCloseTo(expected, 12);
  });
});
