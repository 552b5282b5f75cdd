/** Rows per INSERT: below SQLite's and PostgreSQL's bound-parameter limits for every table here. */
export const INSERT_CHUNK = 500;

/**
 * Splits rows into INSERT-sized chunks.
 *
 * @example
 * chunks([1, 2, 3], 2); // [[1, 2], [3]]
 */
export function chunks<T>(items: T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
