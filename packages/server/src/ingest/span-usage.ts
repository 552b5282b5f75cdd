import { completeTokenUsage } from '@loupe/protocol/pricing';
import type { LlmCost, TokenUsage } from '../store/trace-store.js';

/** A finite, non-negative number, or undefined. */
function count(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function object(value: unknown): Record<string, unknown> | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * Token usage from a `mlflow.chat.tokenUsage` attribute or `mlflow.trace.tokenUsage` metadata value
 * (an object, or its JSON text), made consistent by protocol's `completeTokenUsage`: the total is
 * input + output, and a usage with input tokens only (an embeddings call) has 0 output tokens. So the
 * trace totals summed from spans always add up. Undefined when there is none.
 *
 * @example
 * tokenUsageOf('{"input_tokens": 12, "output_tokens": 7}'); // { inputTokens: 12, outputTokens: 7, totalTokens: 19 }
 * tokenUsageOf({ input_tokens: 25 }); // { inputTokens: 25, outputTokens: 0, totalTokens: 25 }
 */
export function tokenUsageOf(value: unknown): TokenUsage | undefined {
  const o = completeTokenUsage(object(value));
  if (!o) return undefined;
  const usage: TokenUsage = {};
  if (o.input_tokens !== undefined) usage.inputTokens = o.input_tokens;
  if (o.output_tokens !== undefined) usage.outputTokens = o.output_tokens;
  if (o.total_tokens !== undefined) usage.totalTokens = o.total_tokens;
  if (o.cache_read_input_tokens !== undefined) usage.cacheReadInputTokens = o.cache_read_input_tokens;
  if (o.cache_creation_input_tokens !== undefined) usage.cacheCreationInputTokens = o.cache_creation_input_tokens;
  return usage;
}

/**
 * Cost from a `mlflow.llm.cost` attribute or `mlflow.trace.cost` metadata value (USD); `total_cost`
 * defaults to input + output.
 *
 * @example
 * llmCostOf({ input_cost: 0.001, output_cost: 0.002 }); // { inputCost: 0.001, outputCost: 0.002, totalCost: 0.003 }
 */
export function llmCostOf(value: unknown): LlmCost | undefined {
  const o = object(value);
  if (!o) return undefined;
  const cost: LlmCost = {};
  const input = count(o.input_cost);
  const output = count(o.output_cost);
  const total = count(o.total_cost) ?? (input !== undefined && output !== undefined ? input + output : undefined);
  if (input !== undefined) cost.inputCost = input;
  if (output !== undefined) cost.outputCost = output;
  if (total !== undefined) cost.totalCost = total;
  return Object.keys(cost).length > 0 ? cost : undefined;
}

/**
 * Token usage as MLflow writes it in `mlflow.trace.tokenUsage`.
 *
 * @example
 * tokenUsageJson({ inputTokens: 12, outputTokens: 7, totalTokens: 19 }); // '{"input_tokens":12,"output_tokens":7,"total_tokens":19}'
 */
export function tokenUsageJson(u: TokenUsage): string {
  const out: Record<string, number> = {};
  if (u.inputTokens !== undefined) out.input_tokens = u.inputTokens;
  if (u.outputTokens !== undefined) out.output_tokens = u.outputTokens;
  if (u.totalTokens !== undefined) out.total_tokens = u.totalTokens;
  if (u.cacheReadInputTokens !== undefined) out.cache_read_input_tokens = u.cacheReadInputTokens;
  if (u.cacheCreationInputTokens !== undefined) out.cache_creation_input_tokens = u.cacheCreationInputTokens;
  return JSON.stringify(out);
}

/** A sum of dollar amounts without the binary float's tail (0.0135, not 0.013499999999999998). */
const usd = (value: number) => Number(value.toPrecision(12));

/**
 * Cost as MLflow writes it in `mlflow.trace.cost`, sums rounded to 12 significant digits.
 *
 * @example
 * llmCostJson({ totalCost: 0.003 }); // '{"total_cost":0.003}'
 */
export function llmCostJson(c: LlmCost): string {
  const out: Record<string, number> = {};
  if (c.inputCost !== undefined) out.input_cost = usd(c.inputCost);
  if (c.outputCost !== undefined) out.output_cost = usd(c.outputCost);
  if (c.totalCost !== undefined) out.total_cost = usd(c.totalCost);
  return JSON.stringify(out);
}
