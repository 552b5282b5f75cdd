import {
  BedrockRuntime,
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ModelStreamErrorException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, startHarness, type CapturedSpan, type FakeProvider, type Harness } from '@loupe/fake-providers';
import {
  bedrockError,
  bedrockEvent,
  bedrockPath,
  bedrockStreamException,
  claudeInvokeStreamFrames,
  converseResponse,
  converseStreamFrames,
  eventStreamReply,
  installBedrock,
  invokeChunk,
  startBedrockFront,
  type BedrockFront,
} from '@loupe/fake-providers/bedrock';
import { anthropicMessage } from '@loupe/fake-providers/anthropic';
import { traceBedrock } from './index.js';

let fake: FakeProvider;
let front: BedrockFront;
let h: Harness;
let client: BedrockRuntimeClient;

const config = () => ({ endpoint: front.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

beforeAll(async () => {
  fake = await startFakeProvider();
  installBedrock(fake);
  front = await startBedrockFront(fake);
  h = await startHarness();
  client = traceBedrock(new BedrockRuntimeClient(config()), { loupe: h.loupe });
});
afterAll(async () => {
  client.destroy();
  await front.close();
  await h.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  h.clear();
});

const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const only = async (): Promise<CapturedSpan> => {
  const spans = await h.spans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
};
const user = (text: string) => ({ role: 'user' as const, content: [{ text }] });
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('Converse', () => {
  it('Claude in one line: chat, model, usage and cost', async () => {
    fake.enqueue('POST', bedrockPath('converse'), (req) => ({
      json: converseResponse(req, { text: 'Hi there!', usage: { inputTokens: 1000, outputTokens: 100 } }),
    }));
    const input = { modelId: CLAUDE, system: [{ text: 'Be kind.' }], messages: [user('Hello')], inferenceConfig: { maxTokens: 100 } };
    const out = await client.send(new ConverseCommand(input));
    expect(out.output?.message?.content?.[0]?.text).toBe('Hi there!');
    const span = await only();
    expect(span).toMatchObject({ name: 'Converse', spanType: 'CHAT_MODEL', status: 'OK', inputs: input });
    expect(span.outputs).toMatchObject({ stopReason: 'end_turn', output: { message: { content: [{ text: 'Hi there!' }] } } });
    expect((span.outputs as Record<string, unknown>).$metadata).toBeUndefined();
    expect(span.attributes['mlflow.llm.model']).toBe(CLAUDE);
    expect(span.attributes['mlflow.llm.provider']).toBe('bedrock');
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi there!' },
    ]);
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 1000, output_tokens: 100, total_tokens: 1100 });
    // claude-sonnet-4: $3 in, $15 out per million.
    expect(span.attributes['mlflow.llm.cost']).toEqual({ input_cost: 0.003, output_cost: 0.0015, total_cost: 0.0045 });
  });

  it('tool use, tool results, images and cache tokens', async () => {
    fake.enqueue('POST', bedrockPath('converse'), (req) => ({
      json: converseResponse(req, {
        toolUses: [{ toolUseId: 'tu2', name: 'get_weather', input: { city: 'Oslo' } }],
        usage: { inputTokens: 100, cacheReadInputTokens: 2000, cacheWriteInputTokens: 1000, outputTokens: 50 },
      }),
    }));
    const tool = {
      toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } },
    };
    await client.send(
      new ConverseCommand({
        modelId: CLAUDE,
        toolConfig: { tools: [tool] },
        messages: [
          { role: 'user', content: [{ text: 'Weather here?' }, { image: { format: 'png', source: { bytes: new Uint8Array([1, 2, 3]) } } }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 'tu1', name: 'get_weather', input: { city: 'Bergen' } } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 'tu1', content: [{ json: { temp: 9 } }] } }, { text: 'And Oslo?' }] },
        ],
      }),
    );
    const span = await only();
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather here?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AQID' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'tu1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } }] },
      { role: 'tool', tool_call_id: 'tu1', content: '{"temp":9}' },
      { role: 'user', content: 'And Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'tu2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
    ]);
    expect(span.attributes['mlflow.chat.tools']).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: tool.toolSpec.inputSchema.json } },
    ]);
    expect((span.inputs as { messages: { content: { image?: { source: { bytes: unknown } } }[] }[] }).messages[0]!.content[1]!.image!.source.bytes).toBe(
      'AQID',
    );
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 3100,
      output_tokens: 50,
      total_tokens: 3150,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 1000,
    });
    expect(span.attributes['mlflow.llm.cost']).toEqual({ input_cost: 0.00465, output_cost: 0.00075, total_cost: 0.0054 });
  });

  it('the aggregated BedrockRuntime client is traced through send; nesting; tracing twice traces once', async () => {
    const aggregated = traceBedrock(traceBedrock(new BedrockRuntime(config()), { loupe: h.loupe }), { loupe: h.loupe });
    const out = await h.loupe.withSpan(() => aggregated.converse({ modelId: CLAUDE, messages: [user('ping')] }), { name: 'agent', spanType: 'AGENT' });
    expect(out.output?.message?.content?.[0]?.text).toBe('Echo: ping');
    const spans = await h.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['Converse', 'agent']);
    expect(spans.find((s) => s.name === 'Converse')!.parentId).toBe(spans.find((s) => s.name === 'agent')!.spanId);
    aggregated.destroy();
  });

  it.each([
    [429, 'ThrottlingException', ThrottlingException],
    [400, 'ValidationException', ValidationException],
  ])('a %i %s reaches the caller unchanged; the span is ERROR with the status', async (status, type, errorClass) => {
    fake.enqueue('POST', bedrockPath('converse'), bedrockError(status, type, `${type} happened`));
    const err = await client.send(new ConverseCommand({ modelId: CLAUDE, messages: [user('hi')] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errorClass);
    const span = await only();
    expect(span.status).toBe('ERROR');
    expect(span.attributes['http.response.status_code']).toBe(status);
    expect(span.statusMessage).toContain(`${type} happened`);
    expect(span.attributes['mlflow.chat.messages']).toEqual([{ role: 'user', content: 'hi' }]);
  });
});

describe('ConverseStream', () => {
  it('re-assembles text, reasoning and streamed tool input; usage from the metadata event', async () => {
    fake.enqueue('POST', bedrockPath('converse-stream'), (req) =>
      eventStreamReply(
        converseStreamFrames(req, {
          reasoning: 'User wants weather.',
          text: 'Checking.',
          toolUses: [{ toolUseId: 'tu9', name: 'get_weather', input: { city: 'Rome', unit: 'c' } }],
          usage: { inputTokens: 30, outputTokens: 12 },
        }),
      ),
    );
    const out = await client.send(new ConverseStreamCommand({ modelId: CLAUDE, messages: [user('Rome?')] }));
    const seen: string[] = [];
    for await (const event of out.stream!) seen.push(Object.keys(event)[0]!);
    expect(seen[0]).toBe('messageStart');
    const span = await only();
    expect(span).toMatchObject({ name: 'ConverseStream', spanType: 'CHAT_MODEL', status: 'OK' });
    expect(span.outputs).toEqual({
      output: {
        message: {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'User wants weather.', signature: expect.any(String) } } },
            { text: 'Checking.' },
            { toolUse: { toolUseId: 'tu9', name: 'get_weather', input: { city: 'Rome', unit: 'c' } } },
          ],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 30, outputTokens: 12, totalTokens: 42 },
      metrics: { latencyMs: 42 },
    });
    expect((span.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [{ id: 'tu9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome","unit":"c"}' } }],
    });
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 30, output_tokens: 12, total_tokens: 42 });
    expect(span.attributes['loupe.stream.chunks']).toBe(seen.length);
    expect(span.events.map((e) => e.name)).toEqual(['loupe.stream.first_chunk']);
  });

  it('a modelStreamErrorException mid-stream reaches the reader and ends the span ERROR with what arrived', async () => {
    fake.enqueue(
      'POST',
      bedrockPath('converse-stream'),
      eventStreamReply([
        bedrockEvent('messageStart', { role: 'assistant' }),
        bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Half an ans' } }),
        bedrockStreamException('modelStreamErrorException', 'The model failed mid-stream'),
      ]),
    );
    const out = await client.send(new ConverseStreamCommand({ modelId: CLAUDE, messages: [user('hi')] }));
    const err = await (async () => {
      for await (const _ of out.stream!) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelStreamErrorException);
    const span = await only();
    expect(span.status).toBe('ERROR');
    expect(span.statusMessage).toContain('The model failed mid-stream');
    expect(span.outputs).toMatchObject({ output: { message: { content: [{ text: 'Half an ans' }] } } });
  });

  it('a reader that breaks early ends the span OK with loupe.stream.cancelled', async () => {
    const out = await client.send(new ConverseStreamCommand({ modelId: CLAUDE, messages: [user('a question with a long echo')] }));
    for await (const event of out.stream!) if (event.contentBlockDelta) break;
    const span = await only();
    expect(span.status).toBe('OK');
    expect(span.attributes['loupe.stream.cancelled']).toBe(true);
    expect(span.outputs).toMatchObject({ output: { message: { content: [{ text: 'Echo: a ' }] } } });
  });
});

describe('InvokeModel', () => {
  it('a Claude messages body gives chat, the response model, usage and cost', async () => {
    fake.enqueue('POST', bedrockPath('invoke'), () => ({
      json: anthropicMessage({ text: 'Bonjour', usage: { input_tokens: 200, cache_read_input_tokens: 800, output_tokens: 20 } }, 'claude-3-5-haiku-20241022'),
    }));
    const request = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, system: 'French only.', messages: [{ role: 'user', content: 'Hello' }] };
    const out = await client.send(
      new InvokeModelCommand({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', contentType: 'application/json', body: json(request) }),
    );
    expect(JSON.parse(out.body.transformToString()).content[0].text).toBe('Bonjour');
    const span = await only();
    expect(span).toMatchObject({ name: 'InvokeModel', spanType: 'CHAT_MODEL', status: 'OK' });
    expect((span.inputs as { body: unknown }).body).toEqual(request);
    expect((span.outputs as { body: { content: unknown[] } }).body.content).toEqual([{ type: 'text', text: 'Bonjour', citations: null }]);
    expect(span.attributes['mlflow.llm.model']).toBe('claude-3-5-haiku-20241022');
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'French only.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Bonjour' },
    ]);
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 1000,
      output_tokens: 20,
      total_tokens: 1020,
      cache_read_input_tokens: 800,
      cache_creation_input_tokens: 0,
    });
    // claude-3-5-haiku: 200 x $0.80 + 800 x $0.08 in, 20 x $4 out per million.
    expect(span.attributes['mlflow.llm.cost']).toEqual({ input_cost: 0.000224, output_cost: 0.00008, total_cost: 0.000304 });
  });

  it('a Nova messages body gives chat and usage; a Titan body its raw bodies and token counts', async () => {
    await client.send(
      new InvokeModelCommand({ modelId: 'us.amazon.nova-lite-v1:0', body: JSON.stringify({ schemaVersion: 'messages-v1', messages: [user('Hi Nova')] }) }),
    );
    await client.send(new InvokeModelCommand({ modelId: 'amazon.titan-text-express-v1', body: JSON.stringify({ inputText: 'Hi Titan, how are you?' }) }));
    const [nova, titan] = await h.spans();
    expect(nova!.spanType).toBe('CHAT_MODEL');
    expect(nova!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Hi Nova' },
      { role: 'assistant', content: 'Nova says hi' },
    ]);
    expect(nova!.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(nova!.attributes['mlflow.llm.cost']).toBeDefined();
    expect(titan!).toMatchObject({
      name: 'InvokeModel',
      spanType: 'LLM',
      inputs: { modelId: 'amazon.titan-text-express-v1', body: { inputText: 'Hi Titan, how are you?' } },
    });
    expect((titan!.outputs as { body: unknown }).body).toEqual({
      inputTextTokenCount: 6,
      results: [{ tokenCount: 3, outputText: 'Titan says hi', completionReason: 'FINISH' }],
    });
    expect(titan!.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 6, output_tokens: 3, total_tokens: 9 });
    expect(titan!.attributes['mlflow.chat.messages']).toBeUndefined();
  });

  it('uses the token-count headers when the body has no usage', async () => {
    fake.enqueue('POST', bedrockPath('invoke'), {
      headers: { 'x-amzn-bedrock-input-token-count': '17', 'x-amzn-bedrock-output-token-count': '4' },
      json: { generation: 'Llama says hi', stop_reason: 'stop' },
    });
    await client.send(new InvokeModelCommand({ modelId: 'meta.llama3-8b-instruct-v1:0', body: JSON.stringify({ prompt: 'Hi' }) }));
    const span = await only();
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 17, output_tokens: 4, total_tokens: 21 });
  });
});

describe('InvokeModelWithResponseStream', () => {
  it('Claude chunks re-assemble into a message with usage and cost', async () => {
    const modelId = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
    fake.enqueue(
      'POST',
      bedrockPath('invoke-with-response-stream'),
      eventStreamReply(claudeInvokeStreamFrames(modelId, { text: 'Streamed Claude answer', usage: { input_tokens: 1000, output_tokens: 100 } })),
    );
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId,
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 50,
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Stream please' }] }],
        }),
      }),
    );
    let text = '';
    for await (const event of out.body!) {
      const chunk = JSON.parse(new TextDecoder().decode(event.chunk!.bytes)) as { type: string; delta?: { text?: string } };
      if (chunk.type === 'content_block_delta') text += chunk.delta?.text ?? '';
    }
    expect(text).toBe('Streamed Claude answer');
    const span = await only();
    expect(span).toMatchObject({ name: 'InvokeModelWithResponseStream', spanType: 'CHAT_MODEL', status: 'OK' });
    expect(span.outputs).toMatchObject({
      role: 'assistant',
      model: 'claude-sonnet-4-20250514',
      content: [{ type: 'text', text: 'Streamed Claude answer' }],
      stop_reason: 'end_turn',
    });
    expect(span.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Stream please' },
      { role: 'assistant', content: 'Streamed Claude answer' },
    ]);
    expect(span.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: 1000, output_tokens: 100 });
    expect(span.attributes['mlflow.llm.cost']).toEqual({ input_cost: 0.003, output_cost: 0.0015, total_cost: 0.0045 });
  });

  it('other families keep their decoded chunks, with usage from the invocation metrics', async () => {
    fake.enqueue(
      'POST',
      bedrockPath('invoke-with-response-stream'),
      eventStreamReply([
        invokeChunk({ outputText: 'Hel', index: 0 }),
        invokeChunk({
          outputText: 'lo',
          index: 0,
          completionReason: 'FINISH',
          'amazon-bedrock-invocationMetrics': { inputTokenCount: 5, outputTokenCount: 2 },
        }),
      ]),
    );
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: 'amazon.titan-text-express-v1', body: JSON.stringify({ inputText: 'Hi' }) }),
    );
    for await (const _ of out.body!) void _;
    const span = await only();
    expect(span.spanType).toBe('LLM');
    expect((span.outputs as { chunks: { outputText: string }[] }).chunks.map((c) => c.outputText)).toEqual(['Hel', 'lo']);
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 5, output_tokens: 2, total_tokens: 7 });
  });
});

describe('end to end, read back from the Loupe server', () => {
  it('Converse and InvokeModel with Claude under one user span: tree, chat, usage and the summed cost', async () => {
    fake.enqueue('POST', bedrockPath('converse'), (req) => ({
      json: converseResponse(req, { text: 'Converse answer', usage: { inputTokens: 1000, outputTokens: 100 } }),
    }));
    fake.enqueue('POST', bedrockPath('invoke'), () => ({
      json: anthropicMessage({ text: 'Invoke answer', usage: { input_tokens: 2000, output_tokens: 200 } }, 'claude-sonnet-4-20250514'),
    }));
    await h.loupe.withSpan(
      async () => {
        await client.send(new ConverseCommand({ modelId: CLAUDE, messages: [user('first')] }));
        await client.send(
          new InvokeModelCommand({
            modelId: CLAUDE,
            body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'second' }] }),
          }),
        );
      },
      { name: 'pipeline', spanType: 'CHAIN' },
    );
    const root = (await h.spans()).find((s) => s.name === 'pipeline')!;
    const trace = await h.serverTrace(root.traceId);
    expect(trace.spans.map((s) => s.name)).toEqual(['pipeline', 'Converse', 'InvokeModel']);
    const [pipeline, ...calls] = trace.spans;
    expect(calls.every((s) => s.parentId === pipeline!.spanId && s.spanType === 'CHAT_MODEL')).toBe(true);
    expect(calls.map((s) => (s.attributes['mlflow.chat.messages'] as { content: string }[]).at(-1)!.content)).toEqual(['Converse answer', 'Invoke answer']);
    // Sonnet 4: 3000 x $3 in, 300 x $15 out per million; the server sums the two calls without a float tail.
    expect((JSON.parse(trace.info.trace_metadata!['mlflow.trace.cost']!) as { total_cost: number }).total_cost).toBe(0.0135);
    expect(JSON.parse(trace.info.trace_metadata!['mlflow.trace.tokenUsage']!)).toMatchObject({ input_tokens: 3000, output_tokens: 300, total_tokens: 3300 });
  });
});
