import Anthropic from '@anthropic-ai/sdk';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useIntegrationSuite, type CapturedSpan, type FakeProvider, type Harness } from '@loupe/fake-providers';
import { anthropicError, anthropicReply, anthropicStreamError, installAnthropic } from '@loupe/fake-providers/anthropic';
import { traceAnthropic } from './index.js';

let fake: FakeProvider;
let h: Harness;
let client: Anthropic;

const suite = useIntegrationSuite([installAnthropic]);
beforeAll(async () => {
  ({ fake, h } = suite);
  client = traceAnthropic(new Anthropic({ baseURL: fake.url, apiKey: 'test-key', maxRetries: 0 }), { loupe: h.loupe });
});
beforeEach(() => {
  fake.reset();
  h.clear();
});

const MODEL = 'claude-sonnet-4-20250514';
const only = async (): Promise<CapturedSpan> => {
  const spans = await h.spans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
};

describe('messages.create', () => {
  it('records a CHAT_MODEL span: inputs, the message as outputs, chat, model, provider and usage', async () => {
    fake.enqueue('POST', '/v1/messages', (req) => anthropicReply(req, { text: 'Bonjour!', usage: { input_tokens: 12, output_tokens: 3 } }));
    const params = { model: MODEL, max_tokens: 100, system: 'Answer in French.', messages: [{ role: 'user' as const, content: 'Hello' }] };
    const message = await client.messages.create(params);
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Bonjour!' });
    const span = await only();
    expect(span).toMatchObject({ name: 'Messages', spanType: 'CHAT_MODEL', status: 'OK', inputs: params });
    expect(span.outputs).toEqual(JSON.parse(JSON.stringify(message)));
    expect(span.attributes['mlflow.llm.model']).toBe(MODEL);
    expect(span.attributes['mlflow.llm.provider']).toBe('anthropic');
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Bonjour!' },
    ]);
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 12,
      output_tokens: 3,
      total_tokens: 15,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
    expect(span.attributes['mlflow.llm.cost']).toEqual({ input_cost: 0.000036, output_cost: 0.000045, total_cost: 0.000081 });
  });

  it('converts tool use and tool results, system blocks and images; thinking stays in the outputs', async () => {
    fake.enqueue('POST', '/v1/messages', (req) =>
      anthropicReply(req, {
        thinking: 'The user wants weather.',
        text: 'Let me check.',
        toolUses: [{ id: 'toolu_2', name: 'get_weather', input: { city: 'Lyon' } }],
      }),
    );
    const tools = [
      {
        name: 'get_weather',
        description: 'Weather of a city',
        input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      system: [
        { type: 'text', text: 'You are helpful.' },
        { type: 'text', text: ' Be brief.' },
      ],
      tools,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here and in Lyon?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18C, sunny' }] },
            { type: 'text', text: 'And Lyon?' },
          ],
        },
      ],
    });
    expect(message.stop_reason).toBe('tool_use');
    const span = await only();
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'You are helpful. Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather here and in Lyon?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C, sunny' },
      { role: 'user', content: 'And Lyon?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [{ id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } }],
      },
    ]);
    expect(span.attributes['mlflow.chat.tools']).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: tools[0]!.input_schema } },
    ]);
    expect((span.outputs as { content: { type: string }[] }).content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
  });

  it('counts cache reads and writes into input tokens, and prices them at cache rates', async () => {
    fake.enqueue('POST', '/v1/messages', (req) =>
      anthropicReply(req, { text: 'ok', usage: { input_tokens: 100, cache_read_input_tokens: 2000, cache_creation_input_tokens: 1000, output_tokens: 50 } }),
    );
    await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const span = await only();
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 3100,
      output_tokens: 50,
      total_tokens: 3150,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 1000,
    });
    // 100 x $3 + 2000 x $0.30 + 1000 x $3.75 per million input; 50 x $15 per million output.
    expect(span.attributes['mlflow.llm.cost']).toEqual({ input_cost: 0.00465, output_cost: 0.00075, total_cost: 0.0054 });
  });

  it('returns the APIPromise itself (withResponse works) and nests under the active span; tracing twice traces once', async () => {
    traceAnthropic(client, { loupe: h.loupe });
    const { data, response } = await h.loupe.withSpan(
      () => client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'ping' }] }).withResponse(),
      { name: 'my-agent', spanType: 'AGENT' },
    );
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(data.content[0]).toMatchObject({ text: 'Echo: ping' });
    const spans = await h.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['Messages', 'my-agent']);
    const agent = spans.find((s) => s.name === 'my-agent')!;
    expect(spans.find((s) => s.name === 'Messages')!.parentId).toBe(agent.spanId);
  });

  it('messages.parse() goes through create: one span', async () => {
    const parsed = await client.messages.parse({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'parse me' }] });
    expect(parsed.content[0]).toMatchObject({ text: 'Echo: parse me' });
    expect((await only()).attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'parse me' },
      { role: 'assistant', content: 'Echo: parse me' },
    ]);
  });

  it('traces beta.messages.create the same way', async () => {
    const message = await client.beta.messages.create({
      model: MODEL,
      max_tokens: 10,
      messages: [{ role: 'user', content: 'beta?' }],
      betas: ['token-efficient-tools-2025-02-19'],
    });
    expect(message.content[0]).toMatchObject({ text: 'Echo: beta?' });
    const span = await only();
    expect(span.name).toBe('Messages');
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'beta?' },
      { role: 'assistant', content: 'Echo: beta?' },
    ]);
  });
});

describe('errors', () => {
  it.each([
    [400, Anthropic.BadRequestError],
    [401, Anthropic.AuthenticationError],
    [429, Anthropic.RateLimitError],
    [529, Anthropic.APIError],
  ])('a %i reaches the caller unchanged and ends the span ERROR with the status', async (status, errorClass) => {
    fake.enqueue('POST', '/v1/messages', anthropicError(status, `failure ${status}`));
    const call = client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const err = await call.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errorClass);
    expect((err as { status: number }).status).toBe(status);
    const span = await only();
    expect(span.status).toBe('ERROR');
    expect(span.attributes['http.response.status_code']).toBe(status);
    expect(span.events[0]!.name).toBe('exception');
    expect(span.statusMessage).toContain(`failure ${status}`);
    // What the request said is kept, so the failed call shows its conversation.
    expect(span.attributes['mlflow.chat.messages']).toEqual([{ role: 'user', content: 'hi' }]);
    expect(span.attributes['mlflow.llm.model']).toBe(MODEL);
  });
});

describe('streaming', () => {
  it('stream: true re-assembles the message, counts chunks and marks the first one', async () => {
    fake.enqueue('POST', '/v1/messages', (req) =>
      anthropicReply(req, {
        thinking: 'Hmm, a greeting.',
        text: 'Hello there, friend!',
        usage: { input_tokens: 20, output_tokens: 9, cache_read_input_tokens: 10 },
      }),
    );
    const stream = await client.messages.create({ model: MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    expect(stream.controller).toBeInstanceOf(AbortController);
    let text = '';
    for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    expect(text).toBe('Hello there, friend!');
    const span = await only();
    expect(span.status).toBe('OK');
    expect(span.outputs).toMatchObject({
      role: 'assistant',
      model: MODEL,
      stop_reason: 'end_turn',
      content: [
        { type: 'thinking', thinking: 'Hmm, a greeting.', signature: expect.any(String) },
        { type: 'text', text: 'Hello there, friend!' },
      ],
      usage: { input_tokens: 20, output_tokens: 9, cache_read_input_tokens: 10 },
    });
    expect(span.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: 30, output_tokens: 9, cache_read_input_tokens: 10 });
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello there, friend!' },
    ]);
    expect(span.attributes['loupe.stream.chunks']).toBe(13);
    expect(span.events.map((e) => e.name)).toEqual(['loupe.stream.first_chunk']);
    expect(span.attributes['loupe.stream.cancelled']).toBeUndefined();
  });

  it('keeps the Stream object: toReadableStream() reads through the traced stream', async () => {
    const stream = await client.messages.create({ model: MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'readable' }] });
    const reader = stream.toReadableStream().getReader();
    const decoder = new TextDecoder();
    let raw = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) raw += decoder.decode(r.value);
    expect(raw).toContain('"message_stop"');
    const span = await only();
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'readable' },
      { role: 'assistant', content: 'Echo: readable' },
    ]);
  });

  it('a reader that breaks early ends the span OK with loupe.stream.cancelled', async () => {
    fake.enqueue('POST', '/v1/messages', (req) => anthropicReply(req, { text: 'a long answer that will not be read to the end' }));
    const stream = await client.messages.create({ model: MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    for await (const event of stream) if (event.type === 'content_block_delta') break;
    const span = await only();
    expect(span.status).toBe('OK');
    expect(span.attributes['loupe.stream.cancelled']).toBe(true);
    expect(span.outputs).toMatchObject({ content: [{ type: 'text', text: 'a long a' }] });
  });

  it('an error event mid-stream reaches the reader and ends the span ERROR with what arrived', async () => {
    fake.enqueue('POST', '/v1/messages', (req) => anthropicStreamError(req, { text: 'partial answer here' }, 5));
    const stream = await client.messages.create({ model: MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain('Overloaded');
    const span = await only();
    expect(span.status).toBe('ERROR');
    expect(span.outputs).toMatchObject({ content: [{ type: 'text', text: 'partial answer h' }] });
    expect(span.attributes['loupe.stream.chunks']).toBe(seen.length);
  });
});

describe('messages.stream() (MessageStream)', () => {
  it('emits text events and finalMessage() as without Loupe; one span with the streamed tool use', async () => {
    fake.enqueue('POST', '/v1/messages', (req) =>
      anthropicReply(req, { text: 'Checking the weather.', toolUses: [{ id: 'toolu_9', name: 'get_weather', input: { city: 'Nantes', unit: 'celsius' } }] }),
    );
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 50,
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: 'Weather in Nantes?' }],
    });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe('Checking the weather.');
    expect(final.content[1]).toMatchObject({ type: 'tool_use', input: { city: 'Nantes', unit: 'celsius' } });
    const span = await only();
    expect(span.name).toBe('Messages');
    expect(span.outputs).toMatchObject({
      stop_reason: 'tool_use',
      content: [{ type: 'text' }, { type: 'tool_use', id: 'toolu_9', input: { city: 'Nantes', unit: 'celsius' } }],
    });
    expect((span.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({
      role: 'assistant',
      content: 'Checking the weather.',
      tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Nantes","unit":"celsius"}' } }],
    });
    expect(span.attributes['mlflow.chat.tools']).toEqual([{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }]);
  });

  it('abort() mid-stream ends the span OK as cancelled; the helper rejects as it does without Loupe', async () => {
    fake.enqueue('POST', '/v1/messages', (req) => ({ ...anthropicReply(req, { text: 'x'.repeat(200) }), delayMs: 5 }));
    const stream = client.messages.stream({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    stream.on('text', () => stream.abort());
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    const span = await only();
    expect(span.status).toBe('OK');
    expect(span.attributes['loupe.stream.cancelled']).toBe(true);
  });
});

describe('end to end, read back from the Loupe server', () => {
  it('the trace holds the user span and the Messages span with chat and usage, and sums the cost', async () => {
    fake.enqueue('POST', '/v1/messages', (req) =>
      anthropicReply(req, { text: 'Paris.', usage: { input_tokens: 1000, cache_read_input_tokens: 1000, output_tokens: 100 } }),
    );
    fake.enqueue('POST', '/v1/messages', (req) => anthropicReply(req, { text: 'About 2.1 million.', usage: { input_tokens: 500, output_tokens: 200 } }));
    await h.loupe.withSpan(
      async () => {
        await client.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'Capital of France?' }] });
        const stream = await client.messages.create({
          model: 'claude-haiku-4-5',
          max_tokens: 50,
          stream: true,
          messages: [{ role: 'user', content: 'Population?' }],
        });
        for await (const _ of stream) void _;
      },
      { name: 'qa', spanType: 'CHAIN' },
    );
    const root = (await h.spans()).find((s) => s.name === 'qa')!;
    const trace = await h.serverTrace(root.traceId);
    expect(trace.spans.map((s) => s.name)).toEqual(['qa', 'Messages', 'Messages']);
    const [qa, ...calls] = trace.spans;
    expect(calls.every((s) => s.parentId === qa!.spanId && s.spanType === 'CHAT_MODEL')).toBe(true);
    expect(calls.map((s) => (s.attributes['mlflow.chat.messages'] as { content: string }[]).at(-1)!.content)).toEqual(['Paris.', 'About 2.1 million.']);
    expect(calls[1]!.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: 500, output_tokens: 200 });
    // Sonnet: 1000 x $3 + 1000 x $0.30 in, 100 x $15 out; Haiku 4.5: 500 x $1 in, 200 x $5 out (per million).
    expect(JSON.parse(trace.info.trace_metadata!['mlflow.trace.cost']!)).toMatchObject({ total_cost: 0.0063 });
    expect(JSON.parse(trace.info.trace_metadata!['mlflow.trace.tokenUsage']!)).toMatchObject({ input_tokens: 2500, output_tokens: 300, total_tokens: 2800 });
  });
});
