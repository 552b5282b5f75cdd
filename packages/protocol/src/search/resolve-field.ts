import { ApiError } from '../errors/api-error.js';
import type { FieldRule, FilterField, KeySpace, Namespace, OrderField, SearchGrammar } from './grammar.js';
import type { RawIdentifier } from './identifier.js';
import { bracketList } from './messages.js';

/**
 * A filter identifier resolved against a grammar: its AST entity and key, and the rule it obeys.
 *
 * @example
 * const f: ResolvedFilterField<'tag'> = { entity: 'tag', key: 'team', rule: { type: 'string', ops: ['='], label: 'tags' }, label: 'tag' };
 */
export interface ResolvedFilterField<E extends string> {
  entity: E;
  key: string;
  rule: FieldRule;
  /** The namespace's singular noun, for messages. */
  label: string;
}

/**
 * An order_by identifier resolved against a grammar.
 *
 * @example
 * const o: ResolvedOrderField<'attribute'> = { entity: 'attribute', key: 'start_time' };
 */
export interface ResolvedOrderField<E extends string> {
  entity: E;
  key: string;
}

function namespaceOf<E extends string>(grammar: SearchGrammar<E>, ident: RawIdentifier): Namespace<E> {
  if (ident.prefix === undefined) return grammar.bare;
  const ns = grammar.prefixes[ident.prefix];
  if (ns) return ns;
  const valid = Object.keys(grammar.prefixes).sort();
  throw ApiError.invalid(`Invalid entity type '${ident.prefix}' in '${ident.text}'. Valid values are ${bracketList(valid)}.`);
}

function lookup<F extends { key?: string }>(space: KeySpace<F>, key: string): { field: F; key: string } | undefined {
  const exact = space.fields?.[key];
  if (exact) return { field: exact, key: exact.key ?? key };
  const dot = key.indexOf('.');
  const nested = dot > 0 ? space.nested?.[key.slice(0, dot)] : undefined;
  if (nested && dot < key.length - 1) return { field: nested, key: key.slice(dot + 1) };
  if (space.anyKey) return { field: space.anyKey, key: space.anyKey.key ?? key };
  return undefined;
}

function validKeys(space: KeySpace<unknown>): string {
  if (space.validKeysHint) return space.validKeysHint;
  const names = [...Object.keys(space.fields ?? {}), ...Object.keys(space.nested ?? {}).map((n) => `${n}.<key>`)];
  return bracketList(names.sort());
}

function unknownKey(ns: Namespace<string>, space: KeySpace<unknown>, ident: RawIdentifier): ApiError {
  return ApiError.invalid(`Invalid ${ns.label} key '${ident.key}' specified. Valid keys are ${validKeys(space)}.`);
}

function usablePrefixes<E extends string>(grammar: SearchGrammar<E>, usable: (ns: Namespace<E>) => boolean): string[] {
  return Object.entries(grammar.prefixes)
    .filter(([, ns]) => usable(ns))
    .map(([prefix]) => prefix)
    .sort();
}

/**
 * Resolves a filter identifier: prefix to namespace, key to field (aliases applied).
 *
 * @example
 * resolveFilterField(RUN_GRAMMAR, { prefix: 'attr', key: 'created', text: 'attr.created' });
 * // { entity: 'attribute', key: 'start_time', rule: <numeric attribute>, label: 'attribute' }
 */
export function resolveFilterField<E extends string>(grammar: SearchGrammar<E>, ident: RawIdentifier): ResolvedFilterField<E> {
  const ns = namespaceOf(grammar, ident);
  if (!ns.filter) {
    const valid = usablePrefixes(grammar, (n) => n.filter !== undefined);
    throw ApiError.invalid(`Entity type '${ident.prefix ?? ns.label}' cannot be used in a ${grammar.subject} filter. Valid values are ${bracketList(valid)}.`);
  }
  const found = lookup<FilterField<E>>(ns.filter, ident.key);
  if (!found) throw unknownKey(ns, ns.filter, ident);
  return { entity: found.field.entity ?? ns.entity, key: found.key, rule: found.field.rule, label: ns.label };
}

/**
 * Resolves an order_by identifier: prefix to namespace, key to an orderable field.
 *
 * @example
 * resolveOrderField(RUN_GRAMMAR, { prefix: 'metrics', key: 'acc', text: 'metrics.acc' }); // { entity: 'metric', key: 'acc' }
 */
export function resolveOrderField<E extends string>(grammar: SearchGrammar<E>, ident: RawIdentifier): ResolvedOrderField<E> {
  const ns = namespaceOf(grammar, ident);
  if (!ns.orderBy) {
    const valid = usablePrefixes(grammar, (n) => n.orderBy !== undefined);
    throw ApiError.invalid(
      `Invalid order_by entity '${ident.prefix ?? ns.label}' in '${ident.text}': ${grammar.subject} cannot be ordered by ${ns.label} fields. Valid prefixes are ${bracketList(valid)}.`,
    );
  }
  const found = lookup<OrderField<E>>(ns.orderBy, ident.key);
  if (!found) throw unknownKey(ns, ns.orderBy, ident);
  return { entity: found.field.entity ?? ns.entity, key: found.key };
}
