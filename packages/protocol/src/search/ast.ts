/**
 * The search-filter AST shared by every entity search (spec §9). A filter string is parsed once, in
 * this package, into a list of comparisons joined by AND; each store compiles that list to its query
 * language. Keys are normalized (aliases resolved, quotes removed) so compilers never re-parse.
 */

/** Comparison operators of MLflow's filter grammar. */
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'RLIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

/** The right-hand side of a comparison. `none` is the value of `IS NULL` / `IS NOT NULL`. */
export type FilterValue = { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'list'; values: string[] } | { kind: 'none' };

/**
 * One `<entity>.<key> <op> <value>` clause.
 *
 * @example
 * // metrics.`val loss` < 0.5
 * const c: Comparison<'metric'> = { entity: 'metric', key: 'val loss', op: '<', value: { kind: 'number', value: 0.5 } };
 */
export interface Comparison<E extends string = string> {
  /** Normalized namespace: `metric`, `param`, `tag`, `attribute`, `dataset`, `metadata`, `span`, ... */
  entity: E;
  /** Normalized key: attribute aliases resolved (`created` -> `start_time`), quotes removed. */
  key: string;
  op: Comparator;
  value: FilterValue;
}

/** A parsed filter: its comparisons, all of which must hold (MLflow has only AND). */
export type Filter<E extends string = string> = Comparison<E>[];

/**
 * One order_by term.
 *
 * @example
 * // "metrics.acc DESC"
 * const o: OrderBy<'metric'> = { entity: 'metric', key: 'acc', ascending: false };
 */
export interface OrderBy<E extends string = string> {
  entity: E;
  key: string;
  ascending: boolean;
}

/** Entities of a run filter (§9.1). */
export type RunFilterEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';
/** Entities of an experiment filter (§9.2). */
export type ExperimentFilterEntity = 'attribute' | 'tag';
/** Entities of a logged-model filter (§9.6). */
export type LoggedModelFilterEntity = 'metric' | 'param' | 'tag' | 'attribute';
/** Entities of a registered-model filter (§9.3). */
export type RegisteredModelFilterEntity = 'attribute' | 'tag';
/** Entities of a model-version filter (§9.4). */
export type ModelVersionFilterEntity = 'attribute' | 'tag';
/** Entities of an evaluation-dataset filter (spec §9.7). */
export type DatasetFilterEntity = 'attribute' | 'tag';
