/** Wording helpers shared by the search parsers, so every error reads like MLflow's (spec §1.4, §9). */

/**
 * Renders names as a quoted, comma-separated list: `'=', '!=', 'LIKE'`.
 *
 * @example
 * quotedList(['=', '!=']); // "'=', '!='"
 */
export function quotedList(items: readonly string[]): string {
  return items.map((i) => `'${i}'`).join(', ');
}

/**
 * Renders names as a bracketed list in the style of MLflow's messages: `['a', 'b']`.
 *
 * @example
 * bracketList(['name', 'creation_time']); // "['name', 'creation_time']"
 */
export function bracketList(items: readonly string[]): string {
  return `[${quotedList(items)}]`;
}
