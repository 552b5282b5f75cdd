import defaultPrices from './model-prices.json' with { type: 'json' };
import type { TokenUsage } from './token-usage.js';

/*
 * The model price catalog the SDK prices its LLM spans with and the server prices spans from other
 * producers with (ingest), so both give one call the same cost. Plain data and functions: the
 * `@loupe/protocol/pricing` entry loads neither zod nor the rest of the protocol.
 */

/**
 * The cost of one model call in US dollars, as MLflow writes it in `mlflow.llm.cost`.
 *
 * @example
 * const cost: LlmCost = { input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 };
 */
export interface LlmCost {
  input_cost: number;
  output_cost: number;
  total_cost: number;
}

/**
 * Prices of one model in US dollars per 1,000,000 tokens.
 *
 * @example
 * const price: ModelPrice = { input: 0.15, cache_read: 0.075, output: 0.6 };
 */
export interface ModelPrice {
  /** Input tokens not read from or written to a prompt cache. */
  input: number;
  output: number;
  /** Input tokens read from a prompt cache (default: `input`). */
  cache_read?: number;
  /** Input tokens written to a prompt cache (default: `input`). */
  cache_write?: number;
}

/**
 * How a catalog changes Loupe's default prices (the SDK's `init({ pricing })` and `LOUPE_PRICING`,
 * the server's `--pricing`): `models` adds or replaces entries (keys as in model-prices.json);
 * `replaceDefaults: true` drops the defaults.
 *
 * @example
 * init({ pricing: { models: { 'my-finetune': { input: 3, output: 12 } } } });
 */
export interface PricingOptions {
  models?: Record<string, ModelPrice>;
  replaceDefaults?: boolean;
}

const CACHE_LIMIT = 1024;

/**
 * A model name as the catalog keys it: lower case, without a path (`models/`, `openai/`, an ARN),
 * a Bedrock region or vendor prefix (`us.anthropic.`), a Bedrock version (`-v2:0`) or a Vertex
 * version (`@20241022`).
 *
 * @example
 * normalizeModelName('us.anthropic.claude-sonnet-4-20250514-v1:0'); // 'claude-sonnet-4-20250514'
 */
export function normalizeModelName(model: string): string {
  let name = model.trim().toLowerCase();
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  name = name.replace(/@.*$/, '');
  name = name.replace(/^(us|eu|apac|us-gov|global|jp|au|ca)\./, '');
  name = name.replace(/^(anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|google|writer|qwen)\./, '');
  name = name.replace(/:\d+$/, '');
  name = name.replace(/(-\d{8})-v\d+$/, '$1');
  return name;
}

function isPrice(value: unknown): value is ModelPrice {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  const ok = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
  return typeof p.input === 'number' && typeof p.output === 'number' && ok(p.input) && ok(p.output) && ok(p.cache_read) && ok(p.cache_write);
}

function round(value: number): number {
  return Number(value.toPrecision(12));
}

/** When the catalog's default prices were last checked against the providers' price pages. */
export const DEFAULT_PRICES_AS_OF: string = defaultPrices.as_of;

/**
 * A price file's content (`{"models": {...}, "replaceDefaults"?: true}`, or the models object alone)
 * as catalog options; a message saying what is wrong when it is not one. Entries with a bad price
 * are skipped later, by the catalog.
 *
 * @example
 * pricingOptionsFromJson({ models: { 'house-model': { input: 4, output: 8 } } }); // { models: {...}, replaceDefaults: false }
 * pricingOptionsFromJson([1, 2]); // 'expected {"models": {"<model>": {"input": ..., "output": ...}}}'
 */
export function pricingOptionsFromJson(parsed: unknown): PricingOptions | string {
  const file =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { models?: unknown; replaceDefaults?: unknown }) : undefined;
  const models = file?.models ?? file;
  if (typeof models !== 'object' || models === null || Array.isArray(models)) return 'expected {"models": {"<model>": {"input": ..., "output": ...}}}';
  return { models: models as Record<string, ModelPrice>, replaceDefaults: file?.replaceDefaults === true };
}

/**
 * Model prices and the cost of a call from its token usage. A model matches its normalized name,
 * else the longest catalog key that is a prefix of it ending at a '-' (so `gpt-4o-mini-2024-07-18`
 * is priced as `gpt-4o-mini`, never as `gpt-4o`).
 *
 * Token usage follows Loupe's convention: `input_tokens` counts every input token, cached ones
 * included; `cache_read_input_tokens` and `cache_creation_input_tokens` are the part of them read
 * from or written to a prompt cache.
 *
 * @example
 * PriceCatalog.withDefaults().cost('gpt-4o-mini', { input_tokens: 1000, output_tokens: 200 });
 * // { input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 }
 */
export class PriceCatalog {
  private readonly models = new Map<string, ModelPrice>();
  private readonly keysByLength: string[];
  private readonly memo = new Map<string, ModelPrice | null>();

  constructor(models: Record<string, ModelPrice>) {
    for (const [key, price] of Object.entries(models)) if (isPrice(price)) this.models.set(normalizeModelName(key), price);
    this.keysByLength = [...this.models.keys()].sort((a, b) => b.length - a.length);
  }

  /** Loupe's default prices (model-prices.json), changed by `options`. Invalid entries are skipped. */
  static withDefaults(options: PricingOptions = {}): PriceCatalog {
    const base = options.replaceDefaults ? {} : (defaultPrices.models as Record<string, ModelPrice>);
    return new PriceCatalog({ ...base, ...(options.models ?? {}) });
  }

  /** The price of a model, or undefined when the catalog does not know it. */
  lookup(model: string): ModelPrice | undefined {
    const memoized = this.memo.get(model);
    if (memoized !== undefined) return memoized ?? undefined;
    const name = normalizeModelName(model);
    let price = this.models.get(name);
    if (!price) {
      for (const key of this.keysByLength) {
        if (name.length > key.length && name.startsWith(key) && name[key.length] === '-') {
          price = this.models.get(key);
          break;
        }
      }
    }
    if (this.memo.size >= CACHE_LIMIT) this.memo.clear();
    this.memo.set(model, price ?? null);
    return price;
  }

  /** The cost of a call in USD, or undefined for an unknown model (never a made-up 0). */
  cost(model: string, usage: TokenUsage): LlmCost | undefined {
    const price = this.lookup(model);
    if (!price) return undefined;
    const read = Math.max(0, usage.cache_read_input_tokens ?? 0);
    const written = Math.max(0, usage.cache_creation_input_tokens ?? 0);
    const uncached = Math.max(0, (usage.input_tokens ?? 0) - read - written);
    const input = (uncached * price.input + read * (price.cache_read ?? price.input) + written * (price.cache_write ?? price.input)) / 1e6;
    const output = (Math.max(0, usage.output_tokens ?? 0) * price.output) / 1e6;
    return { input_cost: round(input), output_cost: round(output), total_cost: round(input + output) };
  }
}
