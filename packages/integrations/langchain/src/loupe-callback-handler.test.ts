import { BaseRetriever } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI, OpenAI as OpenAILLM } from '@langchain/openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeProvider, type CapturedSpan, type Harness, useIntegrationSuite } from '@loupe/fake-providers';
import { chatTurn, installOpenAI, openaiError } from '@loupe/fake-providers/openai';
import { LoupeCallbackHandler } from './index.js';

let fake: FakeProvider;
let h: Harness;
let handler: LoupeCallbackHandler;
const chat = () => new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'k', configuration: { baseURL: `${fake.url}/v1` }, maxRetries: 0 });

const suite = useIntegrationSuite([installOpenAI]);
beforeAll(async () => {
  ({ fake, h } = suite);
  handler = new LoupeCallbackHandler({ loupe: h.loupe });
});

const byName = (spans: CapturedSpan[], name: string) => {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(', ')}`);
  return s;
};

const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: 'weather',
  description: 'Current weather of a city',
  schema: z.object({ city: z.string() }),
});

describe('chat models', () => {
  it('records the conversation in the chat format, bound tools, model, usage with cache reads, and cost, under the active span', async () => {
    fake.enqueue(
      'POST',
      '/v1/chat/completions',
      chatTurn({ content: 'It is sunny in Paris.', model: 'gpt-4o-mini-2024-07-18', usage: { prompt_tokens: 120, completion_tokens: 8, cached_tokens: 100 } }),
    );
    const model = chat().bindTools([weather]);
    const messages = [
      new SystemMessage('Be brief.'),
      new HumanMessage('Weather in Paris?'),
      new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'weather', args: { city: 'Paris' } }] }),
      new ToolMessage({ content: 'sunny in Paris', tool_call_id: 'c1' }),
    ];
    const answer = await h.loupe.withSpan(() => model.invoke(messages, { callbacks: [handler] }), { name: 'user-request' });
    expect(answer.content).toBe('It is sunny in Paris.');
    const spans = await h.spans();
    const user = byName(spans, 'user-request');
    const llm = byName(spans, 'ChatOpenAI');
    expect(llm.spanType).toBe('CHAT_MODEL');
    expect(llm.parentId).toBe(user.spanId);
    expect(llm.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', content: 'sunny in Paris', tool_call_id: 'c1' },
      { role: 'assistant', content: 'It is sunny in Paris.' },
    ]);
    expect(llm.attributes['mlflow.chat.tools']).toEqual([
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Current weather of a city',
          parameters: expect.objectContaining({ type: 'object', properties: { city: { type: 'string' } } }),
        },
      },
    ]);
    expect(llm.attributes['mlflow.llm.model']).toBe('gpt-4o-mini-2024-07-18');
    expect(llm.attributes['mlflow.llm.provider']).toBe('openai');
    expect(llm.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 120, output_tokens: 8, cache_read_input_tokens: 100, total_tokens: 128 });
    expect(llm.attributes['mlflow.llm.cost']).toMatchObject({ total_cost: expect.any(Number) });
    expect(llm.inputs).toEqual(expect.arrayContaining([{ type: 'human', content: 'Weather in Paris?' }]));
    expect((llm.outputs as { generations: { text: string }[][] }).generations[0]![0]!.text).toBe('It is sunny in Paris.');
    expect(llm.status).toBe('OK');
  });

  it('records a stream: first-token event, chunk count, the answer re-assembled and its usage', async () => {
    fake.enqueue('POST', '/v1/chat/completions', chatTurn({ content: 'A streamed answer that spans several chunks.' }));
    let text = '';
    for await (const chunk of await chat().stream('hello', { callbacks: [handler] })) text += String(chunk.content);
    expect(text).toBe('A streamed answer that spans several chunks.');
    expect((fake.requests[0]!.json as { stream?: boolean }).stream).toBe(true);
    const [llm] = await h.spans();
    expect(llm!.events.map((e) => e.name)).toContain('loupe.stream.first_chunk');
    expect(llm!.attributes['loupe.stream.chunks']).toBeGreaterThan(3);
    expect(llm!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'A streamed answer that spans several chunks.' },
    ]);
    expect(llm!.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
  });

  it("records a rate limit as an ERROR span with the HTTP status, and the caller gets LangChain's error", async () => {
    fake.enqueue('POST', '/v1/chat/completions', openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
    await expect(chat().invoke('hi', { callbacks: [handler] })).rejects.toMatchObject({ status: 429 });
    const [llm] = await h.spans();
    expect(llm!.status).toBe('ERROR');
    expect(llm!.attributes['http.response.status_code']).toBe(429);
    expect(llm!.events[0]!.name).toBe('exception');
  });

  it('records a text LLM as an LLM span with its prompt and completion', async () => {
    fake.route('POST', '/v1/completions', (req) => {
      const body = req.json as { model: string; prompt: string | string[] };
      return {
        json: {
          id: 'cmpl-1',
          object: 'text_completion',
          created: 1,
          model: body.model,
          choices: [{ index: 0, text: ' world', logprobs: null, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        },
      };
    });
    const llm = new OpenAILLM({ model: 'gpt-3.5-turbo-instruct', apiKey: 'k', configuration: { baseURL: `${fake.url}/v1` }, maxRetries: 0 });
    expect(await llm.invoke('hello', { callbacks: [handler] })).toBe(' world');
    const [span] = await h.spans();
    expect(span!.spanType).toBe('LLM');
    expect(span!.inputs).toEqual({ prompts: ['hello'] });
    expect(span!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: ' world' },
    ]);
    expect(span!.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: 3, output_tokens: 1 });
    expect(span!.attributes['mlflow.llm.model']).toBe('gpt-3.5-turbo-instruct');
  });
});

class ShelfRetriever extends BaseRetriever {
  lc_namespace = ['test', 'retrievers'];
  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    return [new Document({ pageContent: `About ${query}`, metadata: { source: 'shelf', page: 1 }, id: 'd1' })];
  }
}

describe('retrievers, chains and tools', () => {
  it('records a retriever inside a chain: RETRIEVER span with the documents as outputs, nested under the CHAIN', async () => {
    const chain = new ShelfRetriever().pipe(
      RunnableLambda.from((docs: Document[]) => docs.map((d) => d.pageContent).join('\n')).withConfig({ runName: 'join' }),
    );
    expect(await chain.invoke('cats', { callbacks: [handler] })).toBe('About cats');
    const spans = await h.spans();
    const seq = byName(spans, 'RunnableSequence');
    const retriever = byName(spans, 'ShelfRetriever');
    expect(seq.spanType).toBe('CHAIN');
    expect(retriever.spanType).toBe('RETRIEVER');
    expect(retriever.parentId).toBe(seq.spanId);
    expect(retriever.inputs).toBe('cats');
    expect(retriever.outputs).toEqual([{ page_content: 'About cats', metadata: { source: 'shelf', page: 1 }, id: 'd1' }]);
    expect(byName(spans, 'join').outputs).toEqual({ output: 'About cats' });
  });

  it('a failing tool ends its TOOL span ERROR and the error reaches the caller unchanged', async () => {
    const broken = tool(
      async () => {
        throw new Error('database is down');
      },
      { name: 'lookup', description: 'Looks up', schema: z.object({ id: z.number() }) },
    );
    await expect(broken.invoke({ id: 1 }, { callbacks: [handler] })).rejects.toThrow('database is down');
    const [span] = await h.spans();
    expect(span!.name).toBe('lookup');
    expect(span!.spanType).toBe('TOOL');
    expect(span!.inputs).toEqual({ id: 1 });
    expect(span!.status).toBe('ERROR');
    expect(span!.statusMessage).toContain('database is down');
  });
});

describe('LangGraph', () => {
  it('traces a ReAct agent: graph CHAIN > node CHAINs > CHAT_MODEL / TOOL, user spans in the tool nest under it, and the server has it all', async () => {
    fake.enqueue(
      'POST',
      '/v1/chat/completions',
      chatTurn({ toolCalls: [{ id: 'call_w', name: 'forecast', arguments: { city: 'Paris' } }] }),
      chatTurn({ content: 'Sunny in Paris.' }),
    );
    const forecast = tool(async ({ city }: { city: string }) => h.loupe.withSpan(() => `sunny in ${city}`, { name: 'user-lookup', spanType: 'RETRIEVER' }), {
      name: 'forecast',
      description: 'Weather forecast',
      schema: z.object({ city: z.string() }),
    });
    const agent = createReactAgent({ llm: chat(), tools: [forecast] });
    const result = await agent.invoke({ messages: [{ role: 'user', content: 'Weather in Paris?' }] }, { callbacks: [handler] });
    expect(result.messages.at(-1)!.content).toBe('Sunny in Paris.');

    const spans = await h.spans();
    const graph = byName(spans, 'LangGraph');
    expect(graph.parentId).toBeUndefined();
    expect(graph.spanType).toBe('CHAIN');
    expect(spans.some((s) => s.name === '__start__')).toBe(false);
    const nodes = spans.filter((s) => s.parentId === graph.spanId);
    expect(nodes.map((s) => s.name)).toEqual(['agent', 'tools', 'agent']);
    const models = spans.filter((s) => s.spanType === 'CHAT_MODEL');
    expect(models).toHaveLength(2);
    // Each model run sits under its `agent` node (through the node's own RunnableSequence).
    for (const m of models) {
      let p = spans.find((s) => s.spanId === m.parentId);
      while (p && p.parentId !== graph.spanId) p = spans.find((s) => s.spanId === p!.parentId);
      expect(p?.name).toBe('agent');
    }
    const toolSpan = byName(spans, 'forecast');
    expect(toolSpan.spanType).toBe('TOOL');
    expect(toolSpan.parentId).toBe(nodes[1]!.spanId);
    expect(toolSpan.attributes['langchain.tool_call_id']).toBe('call_w');
    expect(toolSpan.inputs).toEqual({ city: 'Paris' });
    expect(toolSpan.outputs).toMatchObject({ type: 'tool', content: 'sunny in Paris', tool_call_id: 'call_w' });
    expect(byName(spans, 'user-lookup').parentId).toBe(toolSpan.spanId);
    expect(models[0]!.attributes['mlflow.chat.tools']).toEqual([expect.objectContaining({ function: expect.objectContaining({ name: 'forecast' }) })]);
    expect(models[1]!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'forecast', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', content: 'sunny in Paris', tool_call_id: 'call_w', name: 'forecast' },
      { role: 'assistant', content: 'Sunny in Paris.' },
    ]);

    // End to end: the trace as the Loupe server stores it.
    const trace = await h.serverTrace(graph.traceId);
    const serverSpans = trace.spans;
    expect(serverSpans).toHaveLength(spans.length);
    const serverTool = serverSpans.find((s) => s.name === 'forecast')!;
    expect(serverTool.spanType).toBe('TOOL');
    expect(serverSpans.find((s) => s.spanId === serverTool.parentId)?.name).toBe('tools');
    expect(serverSpans.find((s) => s.name === 'user-lookup')?.parentId).toBe(serverTool.spanId);
    expect(serverSpans.find((s) => s.parentId === null)?.name).toBe('LangGraph');
    const usage = models.map((m) => m.attributes['mlflow.chat.tokenUsage'] as { input_tokens: number; output_tokens: number });
    const meta = trace.info.trace_metadata ?? {};
    expect(JSON.parse(meta['mlflow.trace.tokenUsage'] ?? '{}')).toMatchObject({
      input_tokens: usage[0]!.input_tokens + usage[1]!.input_tokens,
      output_tokens: usage[0]!.output_tokens + usage[1]!.output_tokens,
    });
    const costs = models.map((m) => (m.attributes['mlflow.llm.cost'] as { total_cost: number }).total_cost);
    expect(JSON.parse(meta['mlflow.trace.cost'] ?? '{}').total_cost).toBeCloseTo(costs[0]! + costs[1]!, 12);
    const serverModel = serverSpans.find((s) => s.name === 'ChatOpenAI')!;
    expect(serverModel.spanType).toBe('CHAT_MODEL');
    expect(serverModel.attributes['mlflow.chat.messages']).toEqual(models[0]!.attributes['mlflow.chat.messages']);
    expect(serverModel.attributes['mlflow.chat.tokenUsage']).toEqual(usage[0]);
  });
});
