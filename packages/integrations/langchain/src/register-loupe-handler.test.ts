import { RunnableLambda } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, type Harness, useIntegrationSuite } from '@loupe/fake-providers';
import { installOpenAI } from '@loupe/fake-providers/openai';
import { registerLoupeHandler } from './index.js';

let fake: FakeProvider;
let h: Harness;
const suite = useIntegrationSuite([installOpenAI]);
beforeAll(() => {
  ({ fake, h } = suite);
});

describe('registerLoupeHandler', () => {
  it('traces runs started without callbacks, once even when the handler is passed too', async () => {
    const handler = registerLoupeHandler({ loupe: h.loupe });
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'k', configuration: { baseURL: `${fake.url}/v1` }, maxRetries: 0 });
    const chain = RunnableLambda.from((q: string) => `Question: ${q}`)
      .withConfig({ runName: 'prompt' })
      .pipe(model);
    const answer = await chain.invoke('hi');
    expect(answer.content).toBe('Echo: Question: hi');
    await model.invoke('again', { callbacks: [handler] });
    const spans = await h.spans();
    expect(spans.map((s) => [s.name, s.spanType])).toEqual([
      ['RunnableSequence', 'CHAIN'],
      ['prompt', 'CHAIN'],
      ['ChatOpenAI', 'CHAT_MODEL'],
      ['ChatOpenAI', 'CHAT_MODEL'],
    ]);
    expect(spans[2]!.parentId).toBe(spans[0]!.spanId);
    expect(spans[3]!.parentId).toBeUndefined();
  });
});
