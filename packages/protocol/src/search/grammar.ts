/**
 * The declarative description of one entity's search grammar (spec §9): which prefixes exist, which
 * keys each namespace accepts, and, per key, the comparators and the value type it allows. The
 * parsers in this folder are generic; everything entity-specific lives in tables of these types.
 */
import type { Comparator, FilterValue } from './ast.js';

/**
 * The type of a field's scalar value.
 *
 * @example
 * const t: ValueType = 'number'; // metrics, start_time
 */
export type ValueType = 'string' | 'number';

/**
 * What a filter field accepts.
 *
 * @example
 * const TAG: FieldRule = { type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE'], label: 'tags' };
 */
export interface FieldRule {
  /** Type of a single value (`=`, `<`, `LIKE`, ...). List values (`IN`) are always strings. */
  type: ValueType;
  /** The comparators allowed, in the order error messages list them. */
  ops: readonly Comparator[];
  /** Plural noun for "Only ... are supported for <label>." */
  label: string;
  /** A further check of a well-typed value; returns the error message when the value is invalid. */
  check?: (value: FilterValue) => string | undefined;
}

/**
 * Where a filter key lands in the AST, and its rule. `entity` defaults to the namespace's entity,
 * `key` to the key as written (so aliases are entries with `key` set to the canonical name).
 *
 * @example
 * const created: FilterField<'attribute'> = { rule: NUMERIC_ATTRIBUTE, key: 'start_time' };
 */
export interface FilterField<E extends string> {
  rule: FieldRule;
  entity?: E;
  key?: string;
}

/**
 * Where an order_by key lands in the AST (same defaults as {@link FilterField}).
 *
 * @example
 * const name: OrderField<'tag'> = { entity: 'tag', key: 'mlflow.traceName' };
 */
export interface OrderField<E extends string> {
  entity?: E;
  key?: string;
}

/**
 * The keys a namespace accepts. Lookup order: exact `fields`, then `nested` (`<sub>.<any key>`), then `anyKey`.
 *
 * @example
 * const tagKeys: KeySpace<FilterField<'tag'>> = { anyKey: { rule: TAG } };
 */
export interface KeySpace<F> {
  fields?: Readonly<Record<string, F>>;
  nested?: Readonly<Record<string, F>>;
  anyKey?: F;
  /** Replaces the generated "Valid keys are [...]" list of the unknown-key error. */
  validKeysHint?: string;
}

/**
 * A namespace: what a prefix (or a bare key) refers to. A namespace without `filter` (or `orderBy`)
 * cannot be used in filters (or order_by).
 *
 * @example
 * const metrics: Namespace<'metric'> = { entity: 'metric', label: 'metric', filter: { anyKey: { rule: METRIC } }, orderBy: { anyKey: {} } };
 */
export interface Namespace<E extends string> {
  entity: E;
  /** Singular noun for messages: "Invalid comparator '>' for tag 'x'". */
  label: string;
  filter?: KeySpace<FilterField<E>>;
  orderBy?: KeySpace<OrderField<E>>;
}

/**
 * One entity's search grammar.
 *
 * @example
 * const grammar: SearchGrammar<'attribute' | 'tag'> = { subject: 'experiments', prefixes: { tag: tags, tags }, bare: attributes };
 */
export interface SearchGrammar<E extends string> {
  /** What is searched, for messages: `runs`, `experiments`. */
  subject: string;
  /** Prefix spellings (case-sensitive, as in MLflow) to their namespace. */
  prefixes: Readonly<Record<string, Namespace<E>>>;
  /** The namespace of a key written without a prefix. */
  bare: Namespace<E>;
}
