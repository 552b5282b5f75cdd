import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, type Harness, useIntegrationSuite } from '@loupe/fake-providers';
import { chatTurn, completionsTurn, installOpenAI, openaiError, responsesReply, responsesTurn } from '@loupe/fake-providers/openai';
import { traceOpenAI } from './index.js';

let fake: FakeProvider;
let h: Harness;
let client: OpenAI;
const RESPONSES = '/v1/responses';
const lookup = {
  type: 'function' as const,
  name: 'lookup_order',
  description: 'Find an order',
  parameters: { type: 'object', properties: { id: { type: 'number' } }, required: ['id'], additionalProperties: false },
  strict: true,
};

const suite = useIntegrationSuite([installOpenAI]);
beforeAll(async () => {
  ({ fake, h } = suite);
  client = traceOpenAI(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 }), { loupe: h.loupe });
});

describe('responses.create', () => {
  it('records instructions, input items, function calls and their outputs as chat, with cached-token usage', async () => {
    fake.enqueue(
      'POST',
      RESPONSES,
      responsesTurn({
        toolCalls: [{ id: 'call_7', name: 'lookup_order', arguments: { id: 42 } }],
        usage: { prompt_tokens: 500, completion_tokens: 30, cached_tokens: 200 },
      }),
    );
    const first = await client.responses.create({ model: 'gpt-4.1-mini', instructions: 'You track orders.', input: 'Where is order 42?', tools: [lookup] });
    const call = first.output.find((i) => i.type === 'function_call')!;
    fake.enqueue('POST', RESPONSES, responsesTurn({ content: 'Order 42 has shipped.' }));
    await client.responses.create({
      model: 'gpt-4.1-mini',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Where is order 42?' }] },
        call,
        { type: 'function_call_output', call_id: call.call_id, output: '{"status":"shipped"}' },
      ],
    });
    const [one, two] = await h.spans();
    expect(one).toMatchObject({ name: 'Responses', spanType: 'CHAT_MODEL', status: 'OK' });
    expect(one!.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 500, output_tokens: 30, total_tokens: 530, cache_read_input_tokens: 200 });
    expect(one!.attributes['mlflow.llm.cost']).toBeDefined();
    expect(one!.attributes['mlflow.chat.tools']).toEqual([
      { type: 'function', function: { name: 'lookup_order', description: 'Find an order', parameters: lookup.parameters } },
    ]);
    const toolCall = { id: 'call_7', type: 'function', function: { name: 'lookup_order', arguments: '{"id":42}' } };
    expect(one!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'You track orders.' },
      { role: 'user', content: 'Where is order 42?' },
      { role: 'assistant', content: null, tool_calls: [toolCall] },
    ]);
    expect(two!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Where is order 42?' },
      { role: 'assistant', content: null, tool_calls: [toolCall] },
      { role: 'tool', tool_call_id: 'call_7', content: '{"status":"shipped"}' },
      { role: 'assistant', content: 'Order 42 has shipped.' },
    ]);
  });

  it('records a streamed response as the final response object; a broken one with what arrived', async () => {
    fake.enqueue('POST', RESPONSES, responsesTurn({ content: 'Streamed words arrive in pieces.' }));
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'stream please', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.completed');
    fake.enqueue('POST', RESPONSES, (req) => ({
      ...(responsesReply(req, { content: 'A response cut short by a hangup' }) as { sse: [] }),
      delayMs: 5,
      hangupAfter: 6,
    }));
    const broken = await client.responses.create({ model: 'gpt-4o-mini', input: 'x', stream: true });
    await expect(async () => {
      for await (const _ of broken) void _;
    }).rejects.toThrow();
    const [ok, failed] = await h.spans();
    expect((ok!.outputs as OpenAI.Responses.Response).output_text).toBe('Streamed words arrive in pieces.');
    expect(ok!.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(ok!.attributes['loupe.stream.chunks']).toBe(types.length);
    expect(ok!.events.map((e) => e.name)).toContain('loupe.stream.first_chunk');
    expect((ok!.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: 'Streamed words arrive in pieces.' });
    expect(failed!.status).toBe('ERROR');
    const partial = (failed!.outputs as { output: { content: { text: string }[] }[] }).output[0]!.content[0]!.text;
    expect(partial.length).toBeGreaterThan(0);
    expect('A response cut short by a hangup'.startsWith(partial)).toBe(true);
  });

  it('responses.parse and responses.stream are one span each; refusals and errors are recorded', async () => {
    const Order = z.object({ id: z.number(), status: z.string() });
    fake.enqueue(
      'POST',
      RESPONSES,
      responsesTurn({ content: '{"id":42,"status":"shipped"}' }),
      responsesTurn({ refusal: 'No.' }),
      openaiError(429, 'Rate limit reached'),
    );
    const parsed = await client.responses.parse({ model: 'gpt-4o-mini', input: 'order 42 as JSON', text: { format: zodTextFormat(Order, 'order') } });
    expect(parsed.output_parsed).toEqual({ id: 42, status: 'shipped' });
    const helper = client.responses.stream({ model: 'gpt-4o-mini', input: 'refuse' });
    const final = await helper.finalResponse();
    expect(final.output[0]).toMatchObject({ type: 'message', content: [{ type: 'refusal', refusal: 'No.' }] });
    await expect(client.responses.create({ model: 'gpt-4o-mini', input: 'x' })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const [parseSpan, streamSpan, limited] = await h.spans();
    expect(await h.spans()).toHaveLength(3);
    expect((parseSpan!.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: '{"id":42,"status":"shipped"}' });
    expect((streamSpan!.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: null, refusal: 'No.' });
    expect(streamSpan!.attributes['loupe.openai.helper']).toBe('stream');
    expect(limited).toMatchObject({ status: 'ERROR', attributes: { 'http.response.status_code': 429 } });
  });
});

describe('embeddings and legacy completions', () => {
  it('records embeddings as EMBEDDING spans with usage, and completions as LLM spans, streamed or not', async () => {
    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first text', 'second text'] });
    expect(emb.data[0]!.embedding).toHaveLength(8);
    fake.enqueue('POST', '/v1/completions', completionsTurn({ content: 'Once upon a time', usage: { prompt_tokens: 5, completion_tokens: 4 } }));
    const text = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Tell a story' });
    expect(text.choices[0]!.text).toBe('Once upon a time');
    const stream = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Stream a story',
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed = '';
    for await (const c of stream) streamed += c.choices[0]?.text ?? '';
    expect(streamed).toBe('Echo: Stream a story');

    const [embedding, completion, streamedSpan] = await h.spans();
    expect(embedding).toMatchObject({
      name: 'Embeddings',
      spanType: 'EMBEDDING',
      inputs: { model: 'text-embedding-3-small', input: ['first text', 'second text'] },
    });
    expect(embedding!.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: emb.usage.prompt_tokens,
      output_tokens: 0,
      total_tokens: emb.usage.prompt_tokens,
    });
    expect(embedding!.attributes['mlflow.llm.cost']).toBeDefined();
    expect(completion).toMatchObject({ name: 'Completions', spanType: 'LLM' });
    expect(completion!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Tell a story' },
      { role: 'assistant', content: 'Once upon a time' },
    ]);
    expect(completion!.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 5, output_tokens: 4, total_tokens: 9 });
    expect((streamedSpan!.outputs as OpenAI.Completion).choices[0]!.text).toBe('Echo: Stream a story');
    expect(streamedSpan!.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: expect.any(Number) });
  });
});

describe('end to end', () => {
  it('a traced conversation reads back from the Loupe server with its span tree, chat, usage and cost', async () => {
    fake.enqueue(
      'POST',
      '/v1/chat/completions',
      chatTurn({ toolCalls: [{ id: 'c1', name: 'lookup_order', arguments: { id: 42 } }], usage: { prompt_tokens: 1000, completion_tokens: 100 } }),
    );
    fake.enqueue('POST', RESPONSES, responsesTurn({ content: 'Shipped.', usage: { prompt_tokens: 2000, completion_tokens: 200, cached_tokens: 1000 } }));
    const traceId = await h.loupe.withSpan(
      async (root) => {
        await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Order 42?' }],
          tools: [{ type: 'function', function: { name: 'lookup_order' } }],
        });
        await client.responses.create({ model: 'gpt-4o-mini', input: 'Summarise order 42' });
        return root.traceId;
      },
      { name: 'support-bot', spanType: 'AGENT' },
    );
    const trace = await h.serverTrace(traceId);
    const byName = (name: string) => trace.spans.find((s) => s.name === name)!;
    const [root, chat, responses] = [byName('support-bot'), byName('Completions'), byName('Responses')];
    expect(trace.spans).toHaveLength(3);
    expect([root, chat, responses].map((s) => [s.spanType, s.parentId])).toEqual([
      ['AGENT', null],
      ['CHAT_MODEL', root.spanId],
      ['CHAT_MODEL', root.spanId],
    ]);
    expect((chat!.attributes['mlflow.chat.messages'] as { role: string }[]).map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(responses!.attributes['mlflow.chat.tokenUsage']).toMatchObject({ cache_read_input_tokens: 1000 });
    expect(JSON.parse(trace.info.trace_metadata!['mlflow.trace.tokenUsage']!)).toMatchObject({ input_tokens: 3000, output_tokens: 300, total_tokens: 3300 });
    // gpt-4o-mini: 0.15/M input, 0.075/M cached input, 0.6/M output.
    const expected = (1000 * 0.15 + 100 * 0.6 + 1000 * 0.15 + 1000 * 0.075 + 200 * 0.6) / 1e6;
    expect(JSON.parse(trace.info.trace_metadata!['mlflow.trace.cost']!).total_cost).toBeCloseTo(expected, 12);
  });
});
