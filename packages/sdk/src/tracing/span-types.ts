/**
 * MLflow's built-in span types (spec §4.7). Any other string is allowed too; the server stores it as is.
 *
 * @example
 * trace(search, { spanType: SpanType.RETRIEVER });
 */
export const SpanType = {
  LLM: 'LLM',
  CHAT_MODEL: 'CHAT_MODEL',
  CHAIN: 'CHAIN',
  AGENT: 'AGENT',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  PARSER: 'PARSER',
  EMBEDDING: 'EMBEDDING',
  RERANKER: 'RERANKER',
  MEMORY: 'MEMORY',
  EVALUATOR: 'EVALUATOR',
  UNKNOWN: 'UNKNOWN',
} as const;

/**
 * A span type: one of {@link SpanType} or a custom string.
 *
 * @example
 * const type: SpanTypeName = 'TOOL';
 */
// `string & {}` keeps editor completion for the built-ins while allowing any string.
export type SpanTypeName = (typeof SpanType)[keyof typeof SpanType] | (string & {});
