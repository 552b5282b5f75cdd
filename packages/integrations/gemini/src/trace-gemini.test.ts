import { ApiError, GenerateContentResponse, GoogleGenAI, mcpToTool, Type } from '@google/genai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { useIntegrationSuite, type CapturedSpan, type FakeProvider, type Harness } from '@loupe/fake-providers';
import { GEMINI_EMBED, GEMINI_GENERATE, geminiError, geminiTurn, installGemini, type GeminiTurn } from '@loupe/fake-providers/gemini';
import { traceGemini } from './index.js';

let fake: FakeProvider;
let h: Harness;
let ai: GoogleGenAI;
const suite = useIntegrationSuite([installGemini]);
beforeAll(async () => {
  ({ fake, h } = suite);
  ai = traceGemini(new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.url } }), { loupe: h.loupe });
});

const byName = (spans: CapturedSpan[], name: string) => spans.filter((s) => s.name === name);
const only = async (name: string) => {
  const spans = await h.spans();
  const found = byName(spans, name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0]!;
};
const streamTurn = (turn: GeminiTurn, hangupAfter: number) => (req: Parameters<ReturnType<typeof geminiTurn>>[0]) => ({
  ...(geminiTurn(turn)(req) as { sse: [] }),
  hangupAfter,
  delayMs: 10,
});

describe('traceGemini: models.generateContent', () => {
  it('records a CHAT_MODEL span under the active span: inputs, response, chat, model version, usage with cache and thoughts, cost', async () => {
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiTurn({
        text: 'Because of Rayleigh scattering.',
        usage: { promptTokenCount: 1000, cachedContentTokenCount: 400, candidatesTokenCount: 50, thoughtsTokenCount: 30 },
      }),
    );
    const response = await h.loupe.withSpan(
      () =>
        ai.models.generateContent({
          model: 'gemini-2.5-flash',
          contents: 'Why is the sky blue?',
          config: { systemInstruction: 'Answer in one sentence.', temperature: 0.2, httpOptions: { headers: { 'x-secret': 's3cret' } } },
        }),
      { name: 'ask', spanType: 'CHAIN' },
    );
    expect(response).toBeInstanceOf(GenerateContentResponse);
    expect(response.text).toBe('Because of Rayleigh scattering.');
    const spans = await h.spans();
    const [ask, llm] = [byName(spans, 'ask')[0]!, byName(spans, 'generateContent')[0]!];
    expect(llm.parentId).toBe(ask.spanId);
    expect(llm.spanType).toBe('CHAT_MODEL');
    expect(llm.status).toBe('OK');
    expect(llm.inputs).toEqual({
      model: 'gemini-2.5-flash',
      contents: 'Why is the sky blue?',
      config: { systemInstruction: 'Answer in one sentence.', temperature: 0.2 },
    });
    expect(JSON.stringify(llm.inputs)).not.toContain('s3cret');
    expect(llm.outputs).toMatchObject({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Because of Rayleigh scattering.' }] }, finishReason: 'STOP' }],
      modelVersion: 'gemini-2.5-flash-001',
    });
    expect(llm.outputs).not.toHaveProperty('sdkHttpResponse');
    expect(llm.attributes['mlflow.llm.model']).toBe('gemini-2.5-flash-001');
    expect(llm.attributes['mlflow.llm.provider']).toBe('gemini');
    expect(llm.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 1000, output_tokens: 80, total_tokens: 1080, cache_read_input_tokens: 400 });
    expect(llm.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'Answer in one sentence.' },
      { role: 'user', content: 'Why is the sky blue?' },
      { role: 'assistant', content: 'Because of Rayleigh scattering.' },
    ]);
    // gemini-2.5-flash: $0.30 / M uncached input, $0.03 / M cached, $2.50 / M output (thinking included).
    expect((llm.attributes['mlflow.llm.cost'] as { total_cost: number }).total_cost).toBeCloseTo((600 * 0.3 + 400 * 0.03 + 80 * 2.5) / 1e6, 12);
  });

  it('converts function calling: declarations to tools, functionCall parts to tool_calls, functionResponse parts to tool messages', async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather of a city',
            parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] },
          },
        ],
      },
    ];
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiTurn({
        functionCalls: [
          { name: 'get_weather', args: { city: 'Paris' } },
          { name: 'get_weather', args: { city: 'Rome' } },
        ],
        finishReason: 'STOP',
      }),
    );
    const first = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Weather in Paris and Rome?', config: { tools } });
    expect(first.functionCalls).toHaveLength(2);
    fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: 'Sunny in Paris, rain in Rome.' }));
    await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
        first.candidates![0]!.content!,
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { sky: 'sunny' } } },
            { functionResponse: { name: 'get_weather', response: { sky: 'rain' } } },
          ],
        },
      ],
      config: { tools },
    });
    const [call, answer] = byName(await h.spans(), 'generateContent');
    const tool = {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    };
    expect(call!.attributes['mlflow.chat.tools']).toEqual([tool]);
    const calls = [
      { id: 'get_weather_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'get_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
    ];
    expect((call!.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: null, tool_calls: calls });
    expect(answer!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      { role: 'assistant', content: null, tool_calls: calls },
      { role: 'tool', tool_call_id: 'get_weather_0', name: 'get_weather', content: '{"sky":"sunny"}' },
      { role: 'tool', tool_call_id: 'get_weather_1', name: 'get_weather', content: '{"sky":"rain"}' },
      { role: 'assistant', content: 'Sunny in Paris, rain in Rome.' },
    ]);
  });

  it('automatic function calling with an MCP server: each callTool a TOOL span under the call, the loop as one conversation, the MCP tools as tools', async () => {
    const server = new McpServer({ name: 'weather', version: '1.0.0' });
    server.registerTool('get_weather', { description: 'Weather of a city', inputSchema: { city: z.string() } }, async ({ city }) => ({
      content: [{ type: 'text', text: `18C in ${city}` }],
    }));
    const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
    await server.connect(serverEnd);
    const mcp = new Client({ name: 'app', version: '1.0.0' });
    await mcp.connect(clientEnd);
    try {
      fake.enqueue(
        'POST',
        GEMINI_GENERATE,
        geminiTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] }),
        geminiTurn({ text: 'It is 18C in Paris.' }),
      );
      const response = await h.loupe.withSpan(
        () =>
          ai.models.generateContent({
            model: 'gemini-2.5-flash',
            contents: 'Weather in Paris?',
            config: { systemInstruction: 'You tell the weather.', tools: [mcpToTool(mcp)] },
          }),
        { name: 'ask', spanType: 'AGENT' },
      );
      expect(response.text).toBe('It is 18C in Paris.');
      expect(fake.requests.map((r) => r.params.method)).toEqual(['generateContent', 'generateContent']);
      const spans = await h.spans();
      const [call] = byName(spans, 'generateContent');
      const [tool] = byName(spans, 'get_weather');
      expect(tool).toMatchObject({ spanType: 'TOOL', parentId: call!.spanId, status: 'OK', inputs: [{ name: 'get_weather', args: { city: 'Paris' } }] });
      expect(tool!.outputs).toMatchObject([{ functionResponse: { name: 'get_weather', response: { content: [{ type: 'text', text: '18C in Paris' }] } } }]);
      expect(call!.attributes['mlflow.chat.messages']).toEqual([
        { role: 'system', content: 'You tell the weather.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'get_weather_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'get_weather_0', name: 'get_weather', content: '{"content":[{"type":"text","text":"18C in Paris"}]}' },
        { role: 'assistant', content: 'It is 18C in Paris.' },
      ]);
      expect(call!.attributes['mlflow.chat.tools']).toEqual([
        { type: 'function', function: expect.objectContaining({ name: 'get_weather', description: 'Weather of a city' }) },
      ]);
      // The live MCP client is not serialized into the inputs.
      expect((call!.inputs as { config: { tools: unknown[] } }).config.tools).toEqual([{ callable_tool: 'McpCallableTool' }]);

      // Streamed: the SDK runs the loop while the caller reads; the tool call is a TOOL span under the call.
      h.clear();
      fake.enqueue(
        'POST',
        GEMINI_GENERATE,
        geminiTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Rome' } }] }),
        geminiTurn({ text: 'It is 18C in Rome.' }),
      );
      let text = '';
      // The loop's chunks include the function call and its response: read text parts (`chunk.text` warns on the others).
      for await (const chunk of await ai.models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'Weather in Rome?',
        config: { tools: [mcpToTool(mcp)] },
      })) {
        text += (chunk.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join('');
      }
      expect(text).toBe('It is 18C in Rome.');
      const streamed = await h.spans();
      const [streamCall] = byName(streamed, 'generateContentStream');
      expect(byName(streamed, 'get_weather')).toMatchObject([
        { spanType: 'TOOL', parentId: streamCall!.spanId, inputs: [{ name: 'get_weather', args: { city: 'Rome' } }] },
      ]);
      expect((streamCall!.attributes['mlflow.chat.tools'] as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(['get_weather']);
      // A stream returns no history: the conversation is built from the loop's exchanges, as the SDK builds its requests.
      expect(streamCall!.attributes['mlflow.chat.messages']).toEqual([
        { role: 'user', content: 'Weather in Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'get_weather_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }],
        },
        { role: 'tool', tool_call_id: 'get_weather_0', name: 'get_weather', content: '{"content":[{"type":"text","text":"18C in Rome"}]}' },
        { role: 'assistant', content: 'It is 18C in Rome.' },
      ]);
      expect(fake.requests.at(-1)!.json).toMatchObject({
        contents: [
          { role: 'user' },
          { role: 'model', parts: [{ functionCall: { name: 'get_weather' } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather' } }] },
        ],
      });

      // Without the SDK's history (ignoreCallHistory), the same conversation from the exchanges.
      h.clear();
      fake.enqueue(
        'POST',
        GEMINI_GENERATE,
        geminiTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }] }),
        geminiTurn({ text: 'It is 18C in Oslo.' }),
      );
      await ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'Weather in Oslo?',
        config: { tools: [mcpToTool(mcp)], automaticFunctionCalling: { ignoreCallHistory: true } },
      });
      const [quiet] = byName(await h.spans(), 'generateContent');
      expect((quiet!.attributes['mlflow.chat.messages'] as { role: string }[]).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    } finally {
      await mcp.close();
      await server.close();
    }
  });

  it('records structured output requests as passed (responseMimeType, responseSchema) and the JSON answer', async () => {
    const config = {
      responseMimeType: 'application/json',
      responseSchema: { type: Type.OBJECT, properties: { name: { type: Type.STRING }, age: { type: Type.INTEGER } } },
    };
    fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: '{"name":"Ada","age":36}' }));
    const response = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Who wrote the first program?', config });
    expect(JSON.parse(response.text!)).toEqual({ name: 'Ada', age: 36 });
    const span = await only('generateContent');
    expect((span.inputs as { config: unknown }).config).toEqual(config);
    expect((span.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: '{"name":"Ada","age":36}' });
    expect(fake.requests[0]!.json).toMatchObject({ generationConfig: { responseMimeType: 'application/json' } });
  });

  it('records 400 and 429 RESOURCE_EXHAUSTED as ERROR spans with the status; the caller gets the ApiError itself', async () => {
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiError(400, 'Invalid JSON payload received.'),
      geminiError(429, 'Resource has been exhausted (e.g. check quota).'),
    );
    const bad = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e: unknown) => e);
    const limited = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect(limited).toMatchObject({ status: 429, message: expect.stringContaining('RESOURCE_EXHAUSTED') });
    const [s400, s429] = byName(await h.spans(), 'generateContent');
    expect([s400!.status, s400!.attributes['http.response.status_code']]).toEqual(['ERROR', 400]);
    expect([s429!.status, s429!.attributes['http.response.status_code']]).toEqual(['ERROR', 429]);
    expect(s429!.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('is one span around the SDK’s own retries (httpOptions.retryOptions), and tracing twice traces once', async () => {
    const retrying = traceGemini(
      traceGemini(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: fake.url, retryOptions: { attempts: 2, initialDelay: 0.001, maxDelay: 0.001 } } }), {
        loupe: h.loupe,
      }),
      { loupe: h.loupe },
    );
    fake.enqueue('POST', GEMINI_GENERATE, geminiError(429, 'Resource has been exhausted (e.g. check quota).'));
    const response = await retrying.models.generateContent({ model: 'gemini-2.5-flash', contents: 'again' });
    expect(response.text).toBe('Echo: again');
    expect(fake.requests).toHaveLength(2);
    const span = await only('generateContent');
    expect(span.status).toBe('OK');
  });
});

describe('traceGemini: models.generateContentStream', () => {
  it('re-assembles the stream in the non-stream shape, with chunk count, time to first chunk and the last (running) usage', async () => {
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiTurn({
        thought: 'Thinking it over.',
        text: 'Streaming answer in several pieces.',
        usage: { promptTokenCount: 12, candidatesTokenCount: 9, thoughtsTokenCount: 4 },
      }),
    );
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stream please' });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('Streaming answer in several pieces.');
    const span = await only('generateContentStream');
    expect(span.status).toBe('OK');
    expect(span.attributes['loupe.stream.chunks']).toBeGreaterThan(3);
    expect(span.events.map((e) => e.name)).toEqual(['loupe.stream.first_chunk']);
    expect(span.outputs).toMatchObject({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Thinking it over.', thought: true }, { text: 'Streaming answer in several pieces.' }] },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 9, thoughtsTokenCount: 4 },
      modelVersion: 'gemini-2.5-flash-001',
    });
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 12, output_tokens: 13, total_tokens: 25 });
    expect((span.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: 'Streaming answer in several pieces.' });
  });

  it('ends the span when the SDK’s async generator is driven with next() instead of for await', async () => {
    fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: 'read by hand' }));
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'x' });
    let text = '';
    for (let step = await stream.next(); !step.done; step = await stream.next()) text += step.value.text ?? '';
    expect(text).toBe('read by hand');
    const span = await only('generateContentStream');
    expect([span.status, span.attributes['loupe.stream.chunks']]).toEqual(['OK', 2]);
  });

  it('streams function calls whole into tool_calls', async () => {
    fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: 'Let me check.', functionCalls: [{ id: 'fc-1', name: 'get_weather', args: { city: 'Oslo' } }] }));
    for await (const _ of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Oslo?' })) void _;
    const span = await only('generateContentStream');
    expect((span.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({
      role: 'assistant',
      content: 'Let me check.',
      tool_calls: [{ id: 'fc-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
    });
  });

  it('a stream the reader stops early ends OK and cancelled; one broken mid-way ends ERROR with what arrived', async () => {
    fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: 'a long answer that the reader will not read to the end' }));
    for await (const _ of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'x' })) break;
    // Automatic continuation (on by default) gives up on a dropped stream that already yielded text.
    fake.enqueue('POST', GEMINI_GENERATE, streamTurn({ text: 'this answer breaks off in the middle' }, 3));
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'y' })) seen.push(chunk.text ?? '');
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(seen.length).toBeGreaterThan(0);
    const [cancelled, broken] = byName(await h.spans(), 'generateContentStream');
    expect([cancelled!.status, cancelled!.attributes['loupe.stream.cancelled'], cancelled!.attributes['loupe.stream.chunks']]).toEqual(['OK', true, 1]);
    expect(broken!.status).toBe('ERROR');
    expect(broken!.attributes['loupe.stream.chunks']).toBe(seen.length);
    expect((broken!.outputs as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]!.content.parts[0]!.text).toBe(seen.join(''));
  });

  it('records a 429 before the stream starts as ERROR', async () => {
    fake.enqueue('POST', GEMINI_GENERATE, geminiError(429, 'Resource has been exhausted (e.g. check quota).'));
    await expect(ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'x' })).rejects.toMatchObject({ status: 429 });
    const span = await only('generateContentStream');
    expect([span.status, span.attributes['http.response.status_code']]).toEqual(['ERROR', 429]);
  });
});

describe('traceGemini: chats and embeddings', () => {
  it('records each chat message as one CHAT_MODEL span holding the history, streamed or not', async () => {
    const chat = ai.chats.create({ model: 'gemini-2.5-flash', config: { systemInstruction: 'You are terse.' } });
    await h.loupe.withSpan(
      async () => {
        await chat.sendMessage({ message: 'first' });
        await chat.sendMessage({ message: 'second' });
        for await (const _ of await chat.sendMessageStream({ message: 'third' })) void _;
      },
      { name: 'conversation' },
    );
    const spans = await h.spans();
    const root = byName(spans, 'conversation')[0]!;
    // Spans are told apart by how much history they hold (start times can tie to the millisecond).
    const size = (s: CapturedSpan) => (s.attributes['mlflow.chat.messages'] as unknown[]).length;
    const [first, second] = byName(spans, 'Chat.sendMessage').sort((a, b) => size(a) - size(b));
    const third = byName(spans, 'Chat.sendMessageStream')[0];
    expect(spans).toHaveLength(4);
    for (const s of [first, second, third]) expect([s!.parentId, s!.spanType, s!.status]).toEqual([root.spanId, 'CHAT_MODEL', 'OK']);
    expect(first!.inputs).toEqual({ message: 'first' });
    expect(second!.inputs).toEqual({ message: 'second' });
    expect(second!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'Echo: first' },
      { role: 'user', content: 'second' },
      { role: 'assistant', content: 'Echo: second' },
    ]);
    expect((third!.attributes['mlflow.chat.messages'] as unknown[]).slice(-2)).toEqual([
      { role: 'user', content: 'third' },
      { role: 'assistant', content: 'Echo: third' },
    ]);
    expect(third!.attributes['loupe.stream.chunks']).toBeGreaterThan(0);
    expect(
      chat
        .getHistory(true)
        .filter((c) => c.role === 'user')
        .map((c) => c.parts![0]!.text),
    ).toEqual(['first', 'second', 'third']);
  });

  it('records embedContent as an EMBEDDING span with the model', async () => {
    const response = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['alpha', 'beta'], config: { outputDimensionality: 4 } });
    expect(response.embeddings).toHaveLength(2);
    expect(fake.requests[0]!.path).toMatch(GEMINI_EMBED);
    const span = await only('embedContent');
    expect(span.spanType).toBe('EMBEDDING');
    expect(span.inputs).toEqual({ model: 'gemini-embedding-001', contents: ['alpha', 'beta'], config: { outputDimensionality: 4 } });
    expect((span.outputs as { embeddings: unknown[] }).embeddings).toHaveLength(2);
    expect(span.attributes['mlflow.llm.model']).toBe('gemini-embedding-001');
  });
});

describe('traceGemini end to end', () => {
  it('stores the trace on the Loupe server: span tree, chat, usage and the summed cost', async () => {
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }], usage: { promptTokenCount: 2000, candidatesTokenCount: 100 } }),
    );
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiTurn({ text: 'It is sunny in Paris.', usage: { promptTokenCount: 3000, cachedContentTokenCount: 2000, candidatesTokenCount: 200 } }),
    );
    const tools = [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } } }] }];
    const chat = ai.chats.create({ model: 'gemini-2.5-flash', config: { tools } });
    const traceId = await h.loupe.withSpan(
      async (span) => {
        const first = await chat.sendMessage({ message: 'Weather in Paris?' });
        const result = await h.loupe.withSpan(() => ({ sky: 'sunny' }), { name: 'get_weather', spanType: 'TOOL', inputs: first.functionCalls![0]!.args });
        await chat.sendMessage({ message: [{ functionResponse: { name: 'get_weather', response: result } }] });
        return span.traceId;
      },
      { name: 'weather agent', spanType: 'AGENT' },
    );
    const trace = await h.serverTrace(traceId);
    expect(trace.spans.map((s) => s.name).sort()).toEqual(['Chat.sendMessage', 'Chat.sendMessage', 'get_weather', 'weather agent']);
    const root = trace.spans.find((s) => s.name === 'weather agent')!;
    const children = trace.spans.filter((s) => s !== root);
    for (const s of children) expect(s.parentId).toBe(root.spanId);
    expect(children.map((s) => s.spanType).sort()).toEqual(['CHAT_MODEL', 'CHAT_MODEL', 'TOOL']);
    const answer = children.find((s) => s.name === 'Chat.sendMessage' && (s.attributes['mlflow.chat.messages'] as unknown[]).length > 2)!;
    const messages = answer.attributes['mlflow.chat.messages'] as { role: string }[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(JSON.parse(trace.info.trace_metadata['mlflow.trace.tokenUsage']!)).toEqual({
      input_tokens: 5000,
      output_tokens: 300,
      total_tokens: 5300,
      cache_read_input_tokens: 2000,
    });
    // gemini-2.5-flash: 2000 + 1000 uncached input at $0.30 / M, 2000 cached at $0.03 / M, 300 output at $2.50 / M.
    const cost = JSON.parse(trace.info.trace_metadata['mlflow.trace.cost']!) as { total_cost: number };
    expect(cost.total_cost).toBeCloseTo((3000 * 0.3 + 2000 * 0.03 + 300 * 2.5) / 1e6, 10);
  });
});
