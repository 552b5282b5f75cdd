/**
 * MLflow's search filter and order_by grammars (spec §9): one tokenizer and recursive-descent parser,
 * and per-entity grammar tables that resolve prefixes, keys, comparators and value types into the
 * shared AST of `ast.ts`. Every parse failure is an `ApiError` with `INVALID_PARAMETER_VALUE`.
 */
export * from './ast.js';
export * from './comparators.js';
export type { FieldRule, FilterField, KeySpace, Namespace, OrderField, SearchGrammar, ValueType } from './grammar.js';
export { parseFilterWithGrammar, parseOrderByWithGrammar } from './parse-with-grammar.js';
export { DATASET_SEARCH_GRAMMAR, parseDatasetFilter, parseDatasetOrderBy } from './dataset-search.js';
export { EXPERIMENT_SEARCH_GRAMMAR, parseExperimentFilter, parseExperimentOrderBy } from './experiment-search.js';
export { LOGGED_MODEL_SEARCH_GRAMMAR, parseLoggedModelFilter, parseLoggedModelOrderByField, type LoggedModelOrderField } from './logged-model-search.js';
export {
  MODEL_VERSION_SEARCH_GRAMMAR,
  REGISTERED_MODEL_SEARCH_GRAMMAR,
  parseModelVersionFilter,
  parseModelVersionOrderBy,
  parseRegisteredModelFilter,
  parseRegisteredModelOrderBy,
  promptScope,
} from './registry-search.js';
export { REGEX_PATTERN_LIMITS, regexPatternProblem, regexPatternSize } from './regex-pattern.js';
export { RUN_SEARCH_GRAMMAR, parseRunFilter, parseRunOrderBy } from './run-search.js';
export {
  TRACE_NAME_TAG,
  TRACE_SOURCE_RUN_METADATA,
  TRACE_SEARCH_GRAMMAR,
  parseTraceFilter,
  parseTraceOrderBy,
  type TraceFilterEntity,
} from './trace-search.js';
