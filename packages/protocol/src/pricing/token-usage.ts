/**
 * Token counts as MLflow writes them (`mlflow.chat.tokenUsage` on a span, `mlflow.trace.tokenUsage` on
 * a trace), in Loupe's convention: `input_tokens` counts every input token, cached ones included;
 * the two cache fields say how many of them were read from or written to a prompt cache.
 *
 * @example
 * const usage: TokenUsage = { input_tokens: 1000, output_tokens: 200, total_tokens: 1200 };
 */
export interface TokenUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

const count = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
};

/**
 * Token counts made consistent, one rule for the server's totals and the UI's cells: the total is
 * input + output whenever either is known, so a trace's total always equals its input plus its output.
 * A side a producer did not report is taken from its total when it gave one (`total - other`), else
 * as 0: a usage report with input tokens only is an embeddings call, which produces none. Only a bare
 * total (no input, no output) stays as it is. Counts given as numeric text are read; negative or
 * non-numeric ones are dropped. Undefined when nothing is known.
 *
 * @example
 * completeTokenUsage({ input_tokens: 12 }); // { input_tokens: 12, output_tokens: 0, total_tokens: 12 }
 * completeTokenUsage({ input_tokens: 12, total_tokens: 15 }); // { input_tokens: 12, output_tokens: 3, total_tokens: 15 }
 * completeTokenUsage({ input_tokens: 10, output_tokens: 5, total_tokens: 99 }); // { input_tokens: 10, output_tokens: 5, total_tokens: 15 }
 */
export function completeTokenUsage(usage: Readonly<Record<string, unknown>> | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  let input = count(usage.input_tokens);
  let output = count(usage.output_tokens);
  const given = count(usage.total_tokens);
  const out: TokenUsage = {};
  if (input === undefined && output === undefined) {
    if (given === undefined) return undefined;
    out.total_tokens = given;
  } else {
    if (input === undefined) input = given !== undefined ? Math.max(0, given - (output ?? 0)) : 0;
    if (output === undefined) output = given !== undefined ? Math.max(0, given - input) : 0;
    out.input_tokens = input;
    out.output_tokens = output;
    out.total_tokens = input + output;
  }
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheCreation = count(usage.cache_creation_input_tokens);
  if (cacheRead !== undefined) out.cache_read_input_tokens = cacheRead;
  if (cacheCreation !== undefined) out.cache_creation_input_tokens = cacheCreation;
  return out;
}
