import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { traceAnthropic } from '@loupe/anthropic';
import { traceBedrock } from '@loupe/bedrock';
import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import { anthropicReply, installAnthropic } from '@loupe/fake-providers/anthropic';
import { bedrockPath, converseResponse, installBedrock, startBedrockFront, type BedrockFront } from '@loupe/fake-providers/bedrock';
import { GEMINI_GENERATE, geminiTurn, installGemini } from '@loupe/fake-providers/gemini';
import { chatTurn, installOpenAI } from '@loupe/fake-providers/openai';
import { traceGemini } from '@loupe/gemini';
import { traceOpenAI } from '@loupe/openai';
import { createLoupe, type Loupe } from '@loupe/sdk';
import type { CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

// One conversation, asked in each provider's own request shape through its real client library and
// Loupe's integration: a system prompt, the question, the model's tool call, the tool's result, and
// the answer. The one chat format means the trace view shows the four the same way.
const SYSTEM = 'You tell the weather.';
const QUESTION = 'Weather in Paris?';
const ARGS = { city: 'Paris' };
const RESULT = { result: '18C, sunny' };
const ANSWER = 'It is 18C and sunny in Paris.';
const SCHEMA = { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] };

/** What the Conversation list shows, bubble by bubble, lower-cased and without whitespace. */
const EXPECTED = [
  `system${SYSTEM}`,
  `user${QUESTION}`,
  `assistanttoolcallget_weathercall_1${JSON.stringify(ARGS)}`,
  `toolresultofcall_1${JSON.stringify(RESULT)}`,
  `assistant${ANSWER}`,
].map((s) => s.toLowerCase().replace(/\s+/g, ''));

interface Asked {
  provider: string;
  span: string;
  /** What the span's Model shows (the provider may add a version). */
  model: string;
  traceId: string;
}

describeWithChromium('UI: every provider’s conversation in one chat view (real client libraries, built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let fake: FakeProvider;
  let front: BedrockFront;
  let loupe: Loupe;
  let browser: TestBrowser;
  let page: Page;
  let exp: string;
  const asked: Asked[] = [];

  const ask = async (provider: string, span: string, model: string, call: () => Promise<unknown>) => {
    const traceId = await loupe.withSpan(
      async (root) => {
        await call();
        return root.traceId;
      },
      { name: `ask ${provider}`, spanType: 'AGENT' },
    );
    asked.push({ provider, span, model, traceId });
  };

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-chats-'));
    exp = await seed.createExperiment('provider-chats');
    fake = await startFakeProvider();
    for (const install of [installOpenAI, installAnthropic, installBedrock, installGemini]) install(fake);
    front = await startBedrockFront(fake);
    loupe = createLoupe({ trackingUri: server.url, experimentId: exp, export: { flushOnExit: false } }, {});

    const openai = traceOpenAI(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'test-key', maxRetries: 0 }), { loupe });
    fake.enqueue('POST', '/v1/chat/completions', chatTurn({ content: ANSWER }));
    await ask('openai', 'Completions', 'gpt-4o-mini', () =>
      openai.chat.completions.create({
        model: 'gpt-4o-mini',
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: SCHEMA } }],
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: QUESTION },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(ARGS) } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify(RESULT) },
        ],
      }),
    );

    const anthropic = traceAnthropic(new Anthropic({ baseURL: fake.url, apiKey: 'test-key', maxRetries: 0 }), { loupe });
    fake.enqueue('POST', '/v1/messages', (req) => anthropicReply(req, { text: ANSWER }));
    await ask('anthropic', 'Messages', 'claude-sonnet-4-5', () =>
      anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        system: SYSTEM,
        tools: [{ name: 'get_weather', input_schema: SCHEMA }],
        messages: [
          { role: 'user', content: QUESTION },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: ARGS }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: JSON.stringify(RESULT) }] },
        ],
      }),
    );

    const bedrock = traceBedrock(
      new BedrockRuntimeClient({ endpoint: front.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }),
      { loupe },
    );
    const bedrockModel = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
    fake.enqueue('POST', bedrockPath('converse'), (req) => ({ json: converseResponse(req, { text: ANSWER }) }));
    await ask('bedrock', 'Converse', 'claude-sonnet-4', async () => {
      await bedrock.send(
        new ConverseCommand({
          modelId: bedrockModel,
          system: [{ text: SYSTEM }],
          toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: SCHEMA } } }] },
          messages: [
            { role: 'user', content: [{ text: QUESTION }] },
            { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'get_weather', input: ARGS } }] },
            { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ json: RESULT }] } }] },
          ],
        }),
      );
      bedrock.destroy();
    });

    const gemini = traceGemini(new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.url } }), { loupe });
    fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: ANSWER }));
    await ask('gemini', 'generateContent', 'gemini-2.5-flash', () =>
      gemini.models.generateContent({
        model: 'gemini-2.5-flash',
        config: { systemInstruction: SYSTEM, tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: SCHEMA }] }] },
        contents: [
          { role: 'user', parts: [{ text: QUESTION }] },
          { role: 'model', parts: [{ functionCall: { id: 'call_1', name: 'get_weather', args: ARGS } }] },
          { role: 'user', parts: [{ functionResponse: { id: 'call_1', name: 'get_weather', response: RESULT } }] },
        ],
      }),
    );
    await loupe.flushTraces();

    ({ browser, page } = await openUiPage());
  });

  afterAll(async () => {
    await loupe?.shutdown();
    await front?.close();
    await fake?.close();
    await stopUiSession({ seed, browser, server });
  });

  it('shows the system prompt, question, tool call, tool result and answer the same way, with model and cost', async () => {
    expect(asked.map((a) => a.provider)).toEqual(['openai', 'anthropic', 'bedrock', 'gemini']);
    for (const { provider, span, model, traceId } of asked) {
      await page.goto(`${server.url}/experiments/${exp}/traces/${traceId}`);
      await page
        .getByRole('tree', { name: 'Span tree' })
        .getByRole('treeitem', { name: new RegExp(`^${span}`) })
        .click();
      const conversation = page.getByRole('list', { name: 'Conversation' });
      await conversation.getByText(ANSWER).waitFor();
      const bubbles = await conversation.getByRole('listitem').allInnerTexts();
      expect({ provider, bubbles: bubbles.map((b) => b.toLowerCase().replace(/\s+/g, '')) }).toEqual({ provider, bubbles: EXPECTED });

      const details = page.getByRole('region', { name: 'Span details' });
      const metric = (label: string) => details.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
      // The value is cut to the column's width; its title holds all of it.
      expect(await metric('Model').getAttribute('title')).toContain(model);
      expect(await metric('Cost').textContent()).toMatch(/^\$0\.\d+$/);
      await screenshot(page, `provider-chat-${provider}`);
    }
    expect(browser.errors).toEqual([]);
  });
});
