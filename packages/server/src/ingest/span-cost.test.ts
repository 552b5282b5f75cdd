import { describe, expect, it } from 'vitest';
import { PriceCatalog } from '@loupe/protocol/pricing';
import { withLlmCost } from './span-cost.js';
import { ingestSpan } from './testing/ingest-spans.js';

const catalog = PriceCatalog.withDefaults({ models: { 'house-model': { input: 2, output: 8 } } });
const priced = (attributes: Record<string, unknown>) => withLlmCost(ingestSpan({ attributes }), catalog).attributes['mlflow.llm.cost'];

describe('withLlmCost', () => {
  it('prices a span with a known model and token usage, in the JSON forms both SDKs write', () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
    const cost = { input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 };
    expect(priced({ 'mlflow.llm.model': 'gpt-4o-mini', 'mlflow.chat.tokenUsage': { input_tokens: 1000, output_tokens: 200 } })).toEqual(cost);
    // The Python SDK JSON-encodes every value.
    expect(priced({ 'mlflow.llm.model': '"gpt-4o-mini-2024-07-18"', 'mlflow.chat.tokenUsage': '{"input_tokens": 1000, "output_tokens": 200}' })).toEqual(cost);
    expect(priced({ 'mlflow.llm.model': 'house-model', 'mlflow.chat.tokenUsage': { input_tokens: 1_000_000, output_tokens: 1_000_000 } })).toEqual({
      input_cost: 2,
      output_cost: 8,
      total_cost: 10,
    });
  });

  it('prices an embeddings call that reports input tokens only', () => {
    // text-embedding-3-small: $0.02 per million input tokens.
    expect(
      priced({ 'mlflow.spanType': 'EMBEDDING', 'mlflow.llm.model': 'text-embedding-3-small', 'mlflow.chat.tokenUsage': { input_tokens: 50_000 } }),
    ).toEqual({ input_cost: 0.001, output_cost: 0, total_cost: 0.001 });
  });

  it('keeps the cost a producer sent, and adds none for an unknown model, no usage, no model or a roll-up span', () => {
    const sent = { total_cost: 0.5 };
    expect(priced({ 'mlflow.llm.model': 'gpt-4o', 'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 1 }, 'mlflow.llm.cost': sent })).toBe(sent);
    expect(priced({ 'mlflow.llm.model': 'my-own-model', 'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 1 } })).toBeUndefined();
    expect(priced({ 'mlflow.llm.model': 'gpt-4o' })).toBeUndefined();
    expect(priced({ 'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 1 } })).toBeUndefined();
    expect(priced({ 'mlflow.llm.model': 'gpt-4o', 'mlflow.chat.tokenUsage': { total_tokens: 10 } })).toBeUndefined();
    for (const type of ['AGENT', '"CHAIN"'])
      expect(
        priced({ 'mlflow.spanType': type, 'mlflow.llm.model': 'gpt-4o', 'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 1 } }),
      ).toBeUndefined();
    const span = ingestSpan({ attributes: { 'mlflow.llm.model': 'gpt-4o', 'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 1 } } });
    expect(withLlmCost(span, undefined)).toBe(span);
  });

  it("reads the model from the call's inputs or outputs when no attribute names it, and records it", () => {
    const span = withLlmCost(
      ingestSpan({
        attributes: {
          'mlflow.spanType': 'CHAT_MODEL',
          'mlflow.spanInputs': '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}',
          'mlflow.chat.tokenUsage': '{"input_tokens": 1000, "output_tokens": 200, "total_tokens": 1200}',
        },
      }),
      catalog,
    );
    expect(span.attributes).toMatchObject({ 'mlflow.llm.model': 'gpt-4o-mini', 'mlflow.llm.cost': { total_cost: 0.00027 } });
    expect(
      withLlmCost(
        ingestSpan({
          attributes: { 'mlflow.spanOutputs': { model: 'gpt-4o-mini', choices: [] }, 'mlflow.chat.tokenUsage': { input_tokens: 1000, output_tokens: 200 } },
        }),
        catalog,
      ).attributes['mlflow.llm.cost'],
    ).toEqual({ input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 });
  });
});
