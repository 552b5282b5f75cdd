import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-server.js';
import { GEMINI_EMBED, GEMINI_GENERATE, geminiError, geminiTurn, installGemini } from './gemini.js';

let fake: FakeProvider;
let ai: GoogleGenAI;
beforeAll(async () => {
  fake = await startFakeProvider();
  installGemini(fake);
  ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.url } });
});
afterAll(() => fake.close());

describe('fake Gemini, through the real @google/genai client', () => {
  it('answers generateContent, echoing by default and as scripted, with usage and model version', async () => {
    const echo = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello', config: { systemInstruction: 'be brief' } });
    expect(echo.text).toBe('Echo: hello');
    expect(echo.modelVersion).toBe('gemini-2.5-flash-001');
    expect(echo.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request.headers['x-goog-api-key']).toBe('test-key');
    expect(request.json).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }], systemInstruction: { parts: [{ text: 'be brief' }] } });
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }], usage: { promptTokenCount: 20, candidatesTokenCount: 5 } }),
    );
    const call = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'weather?' });
    expect(call.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(call.usageMetadata?.totalTokenCount).toBe(25);
  });

  it('streams partial responses over SSE with a running usage total, and drops the connection when told', async () => {
    fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: 'a streamed answer of some length', usage: { promptTokenCount: 7, candidatesTokenCount: 9 } }));
    const texts: string[] = [];
    let last: unknown;
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'go' })) {
      texts.push(chunk.text ?? '');
      last = chunk;
    }
    expect(texts.join('')).toBe('a streamed answer of some length');
    expect(texts.length).toBeGreaterThan(2);
    expect(last).toMatchObject({ usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 9 }, candidates: [{ finishReason: 'STOP' }] });
    expect(fake.requests.at(-1)!.query.get('alt')).toBe('sse');
    fake.enqueue('POST', GEMINI_GENERATE, (req) => ({ ...(geminiTurn({ text: 'this stream will break off' })(req) as object), hangupAfter: 2 }) as never);
    await expect(async () => {
      for await (const _ of await ai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'go', config: { automaticContinuation: false } }))
        void _;
    }).rejects.toThrow();
  });

  it('answers embeddings and errors in Google’s error shape', async () => {
    const emb = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'], config: { outputDimensionality: 4 } });
    expect(emb.embeddings?.map((e) => e.values?.length)).toEqual([4, 4]);
    expect(fake.requests.at(-1)!.path).toMatch(GEMINI_EMBED);
    fake.enqueue('POST', GEMINI_GENERATE, geminiError(429, 'Resource has been exhausted (e.g. check quota).'));
    await expect(ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' })).rejects.toMatchObject({
      status: 429,
      message: expect.stringContaining('RESOURCE_EXHAUSTED'),
    });
  });
});
