import OpenAI, { AzureOpenAI } from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, type Harness, useIntegrationSuite } from '@loupe/fake-providers';
import { AZURE_CHAT_PATH, chatCompletionReply, chatTurn, installAzureOpenAI, installOpenAI, openaiError } from '@loupe/fake-providers/openai';
import { traceOpenAI } from './index.js';

let fake: FakeProvider;
let h: Harness;
let client: OpenAI;
const CHAT = '/v1/chat/completions';
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

const suite = useIntegrationSuite([installOpenAI, installAzureOpenAI]);
beforeAll(async () => {
  ({ fake, h } = suite);
  client = traceOpenAI(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test-secret', maxRetries: 0 }), { loupe: h.loupe });
});

describe('chat.completions.create', () => {
  it('records a tool-calling turn and its tool result as chat, with usage and cost, nested in the user span', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
        usage: { prompt_tokens: 100, completion_tokens: 20, cached_tokens: 40 },
      }),
    );
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
    ];
    const first = await h.loupe.withSpan(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [weather] }), {
      name: 'my-agent',
      spanType: 'AGENT',
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [...messages, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21}' }],
    });

    const [agent, span, second] = await h.spans();
    expect(span!.parentId).toBe(agent!.spanId);
    expect(span).toMatchObject({ name: 'Completions', spanType: 'CHAT_MODEL', status: 'OK' });
    expect(span!.inputs).toEqual({ model: 'gpt-4o-mini', messages, tools: [weather] });
    expect(JSON.stringify(span!.attributes)).not.toContain('sk-test-secret');
    expect((span!.outputs as OpenAI.ChatCompletion).choices[0]!.finish_reason).toBe('tool_calls');
    expect(span!.attributes['mlflow.llm.model']).toBe('gpt-4o-mini');
    expect(span!.attributes['mlflow.llm.provider']).toBe('openai');
    expect(span!.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 100, output_tokens: 20, total_tokens: 120, cache_read_input_tokens: 40 });
    // 60 uncached at 0.15/M, 40 cached at 0.075/M, 20 out at 0.6/M.
    expect((span!.attributes['mlflow.llm.cost'] as { total_cost: number }).total_cost).toBeCloseTo((60 * 0.15 + 40 * 0.075 + 20 * 0.6) / 1e6, 12);
    expect(span!.attributes['mlflow.chat.tools']).toEqual([weather]);
    expect(span!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    ]);
    expect((second!.attributes['mlflow.chat.messages'] as unknown[]).slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      { role: 'assistant', content: 'Echo: Weather in Paris?' },
    ]);
  });

  it('re-assembles a stream with usage, tool calls and time to first token; keeps the Stream object', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ content: 'Let me check that.', toolCalls: [{ id: 'c9', name: 'get_weather', arguments: { city: 'Rome, the eternal city' } }] }),
    );
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Rome?' }],
      tools: [weather],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(stream.controller).toBeInstanceOf(AbortController);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Let me check that.');
    const [span] = await h.spans();
    const out = span!.outputs as OpenAI.ChatCompletion;
    expect(out.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { content: 'Let me check that.', tool_calls: [{ id: 'c9', function: { name: 'get_weather', arguments: '{"city":"Rome, the eternal city"}' } }] },
    });
    expect(out.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(span!.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: out.usage!.prompt_tokens, output_tokens: out.usage!.completion_tokens });
    expect(span!.attributes['loupe.stream.chunks']).toBeGreaterThan(3);
    expect(span!.events.map((e) => e.name)).toContain('loupe.stream.first_chunk');
    expect((span!.attributes['mlflow.chat.messages'] as { role: string }[]).at(-1)).toMatchObject({ role: 'assistant', content: 'Let me check that.' });
  });

  it('a stream without include_usage records everything but usage; tee() and toReadableStream() are observed', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tee me' }], stream: true });
    const [left, right] = stream.tee();
    const read = async (s: AsyncIterable<OpenAI.ChatCompletionChunk>) => {
      let t = '';
      for await (const c of s) t += c.choices[0]?.delta.content ?? '';
      return t;
    };
    expect(await read(left)).toBe('Echo: tee me');
    expect(await read(right)).toBe('Echo: tee me');
    const readable = (
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bytes' }], stream: true })
    ).toReadableStream();
    const body = await new Response(readable).text();
    expect(body.split('\n').filter(Boolean).length).toBeGreaterThan(1);
    const [teed, bytes] = await h.spans();
    expect((teed!.outputs as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('Echo: tee me');
    expect(teed!.attributes['mlflow.chat.tokenUsage']).toBeUndefined();
    expect(teed!.attributes['mlflow.llm.model']).toBe('gpt-4o-mini');
    expect((bytes!.outputs as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('Echo: bytes');
  });

  it('a stream the reader stops early ends OK and cancelled; one broken mid-way ends ERROR with what arrived', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a long enough question to be chunked' }],
      stream: true,
    });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    fake.enqueue('POST', CHAT, (req) => ({
      ...(chatCompletionReply(req, { content: 'This answer is cut off half way' }) as { sse: [] }),
      delayMs: 5,
      hangupAfter: 4,
    }));
    const broken = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
    await expect(async () => {
      for await (const _ of broken) void _;
    }).rejects.toThrow();
    const [cancelled, failed] = await h.spans();
    expect(cancelled).toMatchObject({ status: 'OK' });
    expect(cancelled!.attributes['loupe.stream.cancelled']).toBe(true);
    expect(failed!.status).toBe('ERROR');
    const partial = (failed!.outputs as OpenAI.ChatCompletion).choices[0]!.message.content!;
    expect(partial.length).toBeGreaterThan(0);
    expect('This answer is cut off half way'.startsWith(partial) && partial.length < 31).toBe(true);
    expect(failed!.events.map((e) => e.name)).toContain('exception');
  });

  it('records 400, 401 and 429 errors and passes them on; with retries the whole call is one span', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      openaiError(400, 'Invalid model', 'model_not_found'),
      openaiError(401, 'Incorrect API key', 'invalid_api_key'),
      openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'),
    );
    const ask = (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const failed = await h.spans();
    expect(failed.map((s) => [s.status, s.attributes['http.response.status_code']])).toEqual([
      ['ERROR', 400],
      ['ERROR', 401],
      ['ERROR', 429],
    ]);
    expect(failed[2]!.statusMessage).toContain('Rate limit reached');

    h.clear();
    fake.reset();
    const retrying = traceOpenAI(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'k', maxRetries: 2 }), { loupe: h.loupe });
    fake.enqueue('POST', CHAT, openaiError(429, 'Rate limit reached'), openaiError(429, 'Rate limit reached'));
    const answer = await ask(retrying);
    expect(answer.choices[0]!.message.content).toBe('Echo: hi');
    expect(fake.requests).toHaveLength(3);
    const [span] = await h.spans();
    expect(await h.spans()).toHaveLength(1);
    expect(span!.status).toBe('OK');
  });

  it('keeps withResponse() and asResponse(); a raw response is left to the caller', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'with' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Echo: with');
    expect(response.status).toBe(200);
    const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'raw' }] }).asResponse();
    expect(((await raw.json()) as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('Echo: raw');
    const [withSpan, rawSpan] = await h.spans();
    expect((withSpan!.outputs as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('Echo: with');
    expect(rawSpan!.outputs).toBeUndefined();
    expect(rawSpan!.attributes).toMatchObject({ 'http.response.status_code': 200, 'loupe.openai.raw_response': true });
  });

  it('a helper-derived promise (parse()) keeps asResponse() and withResponse(), and its span ends either way', async () => {
    const Answer = z.object({ city: z.string() });
    const response_format = zodResponseFormat(Answer, 'answer');
    fake.enqueue('POST', CHAT, chatTurn({ content: '{"city":"Oslo"}' }), chatTurn({ content: '{"city":"Rome"}' }));
    const raw = await client.chat.completions.parse({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'raw' }], response_format }).asResponse();
    expect(await raw.json()).toMatchObject({ choices: [{ message: { content: '{"city":"Oslo"}' } }] });
    const { data } = await client.chat.completions
      .parse({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'with' }], response_format })
      .withResponse();
    expect(data.choices[0]!.message.parsed).toEqual({ city: 'Rome' });
    const [rawSpan, withSpan] = await h.spans();
    expect(rawSpan).toMatchObject({
      outputs: undefined,
      attributes: { 'http.response.status_code': 200, 'loupe.openai.raw_response': true, 'loupe.openai.helper': 'chat.completions.parse' },
    });
    expect(withSpan!.outputs).toMatchObject({ choices: [{ message: { content: '{"city":"Rome"}' } }] });
  });

  it('parse() (structured output) and the stream() helper are one span each; refusals are recorded', async () => {
    const Answer = z.object({ city: z.string(), temp: z.number() });
    fake.enqueue('POST', CHAT, chatTurn({ content: '{"city":"Oslo","temp":3}' }), chatTurn({ content: null, refusal: 'I cannot help with that.' }));
    const parsed = await client.chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Oslo?' }],
      response_format: zodResponseFormat(Answer, 'answer'),
    });
    expect(parsed.choices[0]!.message.parsed).toEqual({ city: 'Oslo', temp: 3 });
    const refused = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bad' }] });
    expect(refused.choices[0]!.message.refusal).toBe('I cannot help with that.');
    const helper = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'helper' }],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    helper.on('content', (delta) => deltas.push(delta));
    const final = await helper.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('Echo: helper');
    expect(deltas.join('')).toBe('Echo: helper');

    const spans = await h.spans();
    expect(spans.map((s) => s.name)).toEqual(['Completions', 'Completions', 'Completions']);
    const [parseSpan, refusal, streamed] = spans;
    expect(parseSpan!.attributes['loupe.openai.helper']).toBe('chat.completions.parse');
    expect((parseSpan!.inputs as { response_format: { type: string } }).response_format.type).toBe('json_schema');
    expect((parseSpan!.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: '{"city":"Oslo","temp":3}' });
    expect((refusal!.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({
      role: 'assistant',
      content: null,
      refusal: 'I cannot help with that.',
    });
    expect((streamed!.outputs as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('Echo: helper');
    expect(streamed!.attributes['mlflow.chat.tokenUsage']).toBeDefined();
  });

  it('runTools() is one span per model request; a stream aborted through its controller ends cancelled', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ toolCalls: [{ id: 'r1', name: 'get_weather', arguments: { city: 'Lima' } }] }),
      chatTurn({ content: 'Warm in Lima.' }),
    );
    const runner = client.chat.completions.runTools({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Lima?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather of a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            function: (args: { city: string }) => ({ temp: 25, ...args }),
            parse: (text: string) => JSON.parse(text) as { city: string },
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe('Warm in Lima.');
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a question long enough for several chunks' }],
      stream: true,
    });
    let seen = 0;
    for await (const _ of stream) if (++seen === 2) stream.controller.abort();
    const [first, second, aborted] = (await h.spans()).filter((s) => s.spanType === 'CHAT_MODEL');
    expect([first!.attributes['loupe.openai.helper'], second!.attributes['loupe.openai.helper']]).toEqual(['runTools', 'runTools']);
    expect((second!.attributes['mlflow.chat.messages'] as { role: string }[]).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(aborted).toMatchObject({ status: 'OK', attributes: { 'loupe.stream.cancelled': true } });
  });

  it('runTools() calls its tool functions in TOOL spans: the arguments they get (parsed or raw) in, results out', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({
        toolCalls: [
          { id: 'r1', name: 'getWeather', arguments: { city: 'Lima' } },
          { id: 'r2', name: 'get_time', arguments: { zone: 'America/Lima' } },
        ],
      }),
      chatTurn({ content: 'Warm in Lima, 10:00.' }),
    );
    const getWeather = (args: { city: string }) => h.loupe.withSpan(() => ({ temp: 25, ...args }), { name: 'weather-db' });
    const runner = h.loupe.withSpan(
      () =>
        client.chat.completions.runTools({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Lima?' }],
          tools: [
            // No name: openai names the tool after its function.
            {
              type: 'function',
              function: {
                description: 'Weather of a city',
                parameters: { type: 'object', properties: { city: { type: 'string' } } },
                function: getWeather,
                parse: (text: string) => JSON.parse(text) as { city: string },
              },
            },
            // No parse: the function gets the model's JSON text.
            {
              type: 'function',
              function: {
                name: 'get_time',
                description: 'Time in a zone',
                parameters: { type: 'object', properties: { zone: { type: 'string' } } },
                function: (args: string) => `10:00 in ${(JSON.parse(args) as { zone: string }).zone}`,
              },
            },
          ],
        }),
      { name: 'agent', spanType: 'AGENT' },
    );
    expect(await runner.finalContent()).toBe('Warm in Lima, 10:00.');
    const spans = await h.spans();
    const agent = spans.find((s) => s.name === 'agent')!;
    const children = spans.filter((s) => s.parentId === agent.spanId);
    // The runner calls the two tools concurrently: their order between the two requests is theirs.
    expect(children.map((s) => s.spanType)).toEqual(['CHAT_MODEL', 'TOOL', 'TOOL', 'CHAT_MODEL']);
    expect(
      children
        .filter((s) => s.spanType === 'TOOL')
        .map((s) => s.name)
        .sort(),
    ).toEqual(['getWeather', 'get_time']);
    const tool = (name: string) => spans.find((s) => s.name === name)!;
    expect(tool('getWeather')).toMatchObject({ inputs: { city: 'Lima' }, outputs: { temp: 25, city: 'Lima' }, status: 'OK' });
    expect(tool('weather-db').parentId).toBe(tool('getWeather').spanId);
    expect(tool('get_time')).toMatchObject({ inputs: '{"zone":"America/Lima"}', outputs: '10:00 in America/Lima', status: 'OK' });
    // The model saw the tools as declared, the unnamed one under its function's name.
    expect((fake.requests[0]!.json as { tools: { function: { name: string } }[] }).tools.map((t) => t.function.name)).toEqual(['getWeather', 'get_time']);
    // The second request carries both results.
    expect(
      (fake.requests[1]!.json as { messages: { role: string; content: unknown }[] }).messages.filter((m) => m.role === 'tool').map((m) => m.content),
    ).toEqual(['{"temp":25,"city":"Lima"}', '10:00 in America/Lima']);
  });

  it('runTools() with zodFunction() tools: each call a TOOL span with the parsed arguments', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ toolCalls: [{ id: 'z1', name: 'get_time', arguments: { zone: 'Asia/Tokyo' } }] }),
      chatTurn({ content: 'It is 22:00 in Tokyo.' }),
    );
    const runner = client.chat.completions.runTools({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Time in Tokyo?' }],
      tools: [zodFunction({ name: 'get_time', parameters: z.object({ zone: z.string() }), function: async ({ zone }) => `22:00 in ${zone}` })],
    });
    expect(await runner.finalContent()).toBe('It is 22:00 in Tokyo.');
    const tools = (await h.spans()).filter((s) => s.spanType === 'TOOL');
    expect(tools).toMatchObject([{ name: 'get_time', inputs: { zone: 'Asia/Tokyo' }, outputs: '22:00 in Asia/Tokyo', status: 'OK' }]);
    expect((fake.requests[0]!.json as { tools: { function: { name: string; strict?: boolean } }[] }).tools).toMatchObject([
      { function: { name: 'get_time', strict: true } },
    ]);
  });

  it('a runTools() tool function that throws is an ERROR TOOL span, and the runner fails with its error as without Loupe', async () => {
    fake.enqueue('POST', CHAT, chatTurn({ toolCalls: [{ id: 'r1', name: 'flaky', arguments: {} }] }));
    const runner = client.chat.completions.runTools({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'go' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'flaky',
            description: 'Always fails',
            parameters: { type: 'object', properties: {} },
            function: () => {
              throw new Error('flaky is down');
            },
          },
        },
      ],
    });
    await expect(runner.finalContent()).rejects.toThrow('flaky is down');
    const flaky = (await h.spans()).find((s) => s.name === 'flaky');
    expect(flaky).toMatchObject({ spanType: 'TOOL', status: 'ERROR', statusMessage: 'Error: flaky is down', inputs: '{}' });
  });

  it('tracing twice does not double-trace; AzureOpenAI is traced the same way', async () => {
    traceOpenAI(client, { loupe: h.loupe });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'once' }] });
    expect(await h.spans()).toHaveLength(1);
    h.clear();
    const azure = traceOpenAI(new AzureOpenAI({ endpoint: fake.url, apiKey: 'azure-key', apiVersion: '2024-10-21', maxRetries: 0 }), { loupe: h.loupe });
    fake.enqueue('POST', AZURE_CHAT_PATH, chatTurn({ content: 'from azure', model: 'gpt-4o-2024-08-06' }));
    const answer = await azure.chat.completions.create({ model: 'my-deployment', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toBe('from azure');
    expect(fake.requests.at(-1)!.path).toBe('/openai/deployments/my-deployment/chat/completions');
    const [span] = await h.spans();
    expect(span!.attributes).toMatchObject({ 'mlflow.llm.model': 'gpt-4o-2024-08-06', 'mlflow.llm.provider': 'azure' });
    expect(span!.attributes['mlflow.llm.cost']).toBeDefined();
  });
});
