import type { TokenUsage } from '@loupe/sdk';
import { count } from '@loupe/sdk/genai';
import { isMessage, type LangChainMessage } from './plain-value.js';

/** The parts of LangChain's `LLMResult` that tracing reads (`handleLLMEnd`'s argument). */
export interface LlmResultLike {
  generations?: { text?: string; message?: unknown; generationInfo?: Record<string, unknown> }[][];
  llmOutput?: Record<string, unknown> | null;
}

/** The first generation of a run: LangChain starts one run per prompt, so that is the run's answer. */
export function firstGeneration(result: LlmResultLike): { text?: string; message?: LangChainMessage; generationInfo?: Record<string, unknown> } | undefined {
  const g = result.generations?.[0]?.[0];
  if (!g) return undefined;
  return {
    ...(g.text !== undefined ? { text: g.text } : {}),
    ...(isMessage(g.message) ? { message: g.message } : {}),
    ...(g.generationInfo ? { generationInfo: g.generationInfo } : {}),
  };
}

function fromUsageMetadata(meta: Record<string, unknown> | undefined): TokenUsage | undefined {
  const input = count(meta?.input_tokens);
  const output = count(meta?.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  // LangChain's input_tokens already counts cached tokens (its Anthropic adapter adds them up), as ours does.
  const details = meta?.input_token_details as Record<string, unknown> | undefined;
  const cacheRead = count(details?.cache_read);
  const cacheWrite = count(details?.cache_creation);
  return {
    input_tokens: input ?? 0,
    output_tokens: output ?? 0,
    ...(cacheRead ? { cache_read_input_tokens: cacheRead } : {}),
    ...(cacheWrite ? { cache_creation_input_tokens: cacheWrite } : {}),
  };
}

/**
 * Token usage of a model run: the answer messages' `usage_metadata` (which has the cache counts),
 * else `llmOutput.tokenUsage` (`promptTokens`/`completionTokens`, as text LLMs report it) or
 * `llmOutput.usage` (snake case, as some providers report it).
 *
 * @example
 * usageOf({ generations: [], llmOutput: { tokenUsage: { promptTokens: 10, completionTokens: 2 } } }); // { input_tokens: 10, output_tokens: 2 }
 */
export function usageOf(result: LlmResultLike): TokenUsage | undefined {
  let total: TokenUsage | undefined;
  for (const g of (result.generations ?? []).flat()) {
    const u = isMessage(g.message) ? fromUsageMetadata(g.message.usage_metadata) : undefined;
    if (!u) continue;
    total = total ?? { input_tokens: 0, output_tokens: 0 };
    total.input_tokens += u.input_tokens;
    total.output_tokens += u.output_tokens;
    if (u.cache_read_input_tokens) total.cache_read_input_tokens = (total.cache_read_input_tokens ?? 0) + u.cache_read_input_tokens;
    if (u.cache_creation_input_tokens) total.cache_creation_input_tokens = (total.cache_creation_input_tokens ?? 0) + u.cache_creation_input_tokens;
  }
  if (total) return total;
  const tu = result.llmOutput?.tokenUsage as Record<string, unknown> | undefined;
  const input = count(tu?.promptTokens);
  const output = count(tu?.completionTokens);
  if (input !== undefined || output !== undefined) return { input_tokens: input ?? 0, output_tokens: output ?? 0 };
  const u = result.llmOutput?.usage as Record<string, unknown> | undefined;
  const i2 = count(u?.input_tokens) ?? count(u?.prompt_tokens);
  const o2 = count(u?.output_tokens) ?? count(u?.completion_tokens);
  return i2 !== undefined || o2 !== undefined ? { input_tokens: i2 ?? 0, output_tokens: o2 ?? 0 } : undefined;
}

/** The model that answered, as the provider reported it (`response_metadata.model_name`, `llmOutput.model_name`). */
export function responseModel(result: LlmResultLike): string | undefined {
  const g = firstGeneration(result);
  for (const v of [
    g?.message?.response_metadata?.model_name,
    g?.message?.response_metadata?.model,
    g?.generationInfo?.model_name,
    result.llmOutput?.model_name,
    result.llmOutput?.model,
  ]) {
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}
