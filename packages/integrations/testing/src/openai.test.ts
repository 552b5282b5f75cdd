import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-server.js';
import { chatTurn, completionsTurn, installAzureOpenAI, installOpenAI, openaiError, responsesTurn } from './openai.js';

let fake: FakeProvider;
let client: OpenAI;
beforeAll(async () => {
  fake = await startFakeProvider();
  installOpenAI(fake);
  installAzureOpenAI(fake);
  client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
});
afterAll(() => fake.close());

describe('fake OpenAI, through the real openai client', () => {
  it('answers chat completions, echoing by default and as scripted, with tool calls streamed in pieces', async () => {
    const echo = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(echo.choices[0]!.message.content).toBe('Echo: hello');
    expect(echo.usage!.total_tokens).toBeGreaterThan(0);
    fake.enqueue(
      'POST',
      '/v1/chat/completions',
      chatTurn({ toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { id: 42, note: 'long enough to split' } }] }),
    );
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'order 42?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = '';
    let usage: unknown;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(JSON.parse(args)).toEqual({ id: 42, note: 'long enough to split' });
    expect(usage).toBeDefined();
  });

  it('answers the Responses API (JSON and events), embeddings, and errors', async () => {
    const r = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(r.output_text).toBe('Echo: hi');
    fake.enqueue('POST', '/v1/responses', responsesTurn({ content: 'streamed answer' }));
    const events: string[] = [];
    for await (const e of await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true })) events.push(e.type);
    expect(events.at(-1)).toBe('response.completed');
    expect(events).toContain('response.output_text.delta');
    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(emb.data).toHaveLength(2);
    fake.enqueue('POST', '/v1/chat/completions', openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 429 });
  });

  it('answers legacy completions, base64 embeddings as the client decodes them, refusals, and Azure deployments', async () => {
    fake.enqueue('POST', '/v1/completions', completionsTurn({ content: 'a story' }));
    expect((await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'p' })).choices[0]!.text).toBe('a story');
    let streamed = '';
    for await (const c of await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'streamed', stream: true }))
      streamed += c.choices[0]?.text ?? '';
    expect(streamed).toBe('Echo: streamed');
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'same', encoding_format: 'float' });
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'same' });
    expect(decoded.data[0]!.embedding.map((x) => Math.round(x * 1000))).toEqual(floats.data[0]!.embedding.map((x) => Math.round(x * 1000)));
    fake.enqueue('POST', '/v1/responses', responsesTurn({ refusal: 'No.' }));
    const refused = await client.responses.stream({ model: 'gpt-4o-mini', input: 'x' }).finalResponse();
    expect(refused.output[0]).toMatchObject({ content: [{ type: 'refusal', refusal: 'No.' }] });
    const azure = new AzureOpenAI({ endpoint: fake.url, apiKey: 'k', apiVersion: '2024-10-21', maxRetries: 0 });
    const answer = await azure.chat.completions.create({ model: 'dep-1', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer).toMatchObject({ model: 'dep-1', choices: [{ message: { content: 'Echo: hi' } }] });
  });
});
