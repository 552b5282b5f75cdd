import { describe, expect, it } from 'vitest';
import { normalizeModelName, PriceCatalog, pricingOptionsFromJson } from './pricing.js';

describe('normalizeModelName', () => {
  it.each([
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18'],
    ['models/gemini-2.0-flash', 'gemini-2.0-flash'],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4-20250514'],
    ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022'],
    ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku-20240307'],
    ['amazon.titan-embed-text-v2:0', 'titan-embed-text-v2'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet-v2'],
    ['OpenAI/GPT-4o', 'gpt-4o'],
  ])('%s -> %s', (raw, normalized) => expect(normalizeModelName(raw)).toBe(normalized));
});

describe('PriceCatalog', () => {
  const catalog = PriceCatalog.withDefaults();

  it('matches the longest key at a dash boundary, never a shorter family', () => {
    expect(catalog.lookup('gpt-4o-mini-2024-07-18')).toEqual(catalog.lookup('gpt-4o-mini'));
    expect(catalog.lookup('gpt-4o-2024-08-06')?.input).toBe(2.5);
    expect(catalog.lookup('gpt-4o-mini')?.input).toBe(0.15);
    expect(catalog.lookup('claude-sonnet-4-5-20250929')).toEqual(catalog.lookup('claude-sonnet-4-5'));
    expect(catalog.lookup('gpt-4')?.input).toBe(30);
    expect(catalog.lookup('gpt-4x')).toBeUndefined();
    expect(catalog.lookup('my-own-model')).toBeUndefined();
  });

  it('prices input, cached input and output per million tokens', () => {
    expect(catalog.cost('gpt-4o-mini', { input_tokens: 1000, output_tokens: 200 })).toEqual({ input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 });
    // Cached tokens are part of input_tokens: 600 uncached at $3, 300 read at $0.30, 100 written at $3.75.
    const cost = catalog.cost('claude-sonnet-4-20250514', {
      input_tokens: 1000,
      output_tokens: 100,
      cache_read_input_tokens: 300,
      cache_creation_input_tokens: 100,
    });
    expect(cost).toEqual({ input_cost: 0.0018 + 0.00009 + 0.000375, output_cost: 0.0015, total_cost: 0.0018 + 0.00009 + 0.000375 + 0.0015 });
    expect(catalog.cost('unknown-model', { input_tokens: 1, output_tokens: 1 })).toBeUndefined();
  });

  it('takes overrides and extensions; replaceDefaults drops the defaults; bad entries are skipped', () => {
    const custom = PriceCatalog.withDefaults({
      models: { 'my-finetune': { input: 1, output: 2 }, 'gpt-4o': { input: 1, output: 1 }, broken: { input: -1, output: 'x' } as never },
    });
    expect(custom.cost('my-finetune-v3', { input_tokens: 1_000_000, output_tokens: 1_000_000 })?.total_cost).toBe(3);
    expect(custom.lookup('gpt-4o')?.input).toBe(1);
    expect(custom.lookup('broken')).toBeUndefined();
    expect(PriceCatalog.withDefaults({ replaceDefaults: true, models: { a: { input: 1, output: 1 } } }).lookup('gpt-4o')).toBeUndefined();
  });
});

describe('pricingOptionsFromJson', () => {
  it('reads a price file with or without the models wrapper, and names the expected shape otherwise', () => {
    expect(pricingOptionsFromJson({ models: { m: { input: 1, output: 2 } }, replaceDefaults: true })).toEqual({
      models: { m: { input: 1, output: 2 } },
      replaceDefaults: true,
    });
    expect(pricingOptionsFromJson({ m: { input: 1, output: 2 } })).toEqual({ models: { m: { input: 1, output: 2 } }, replaceDefaults: false });
    for (const bad of [[1, 2], 'x', null, { models: [1] }]) expect(pricingOptionsFromJson(bad)).toMatch(/^expected \{"models"/);
  });
});
