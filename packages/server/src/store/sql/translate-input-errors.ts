import type { SqlDialect } from './dialects/sql-dialect.js';

/**
 * Runs a query that evaluates client values (filter patterns), turning a database error those values
 * caused (an invalid regular expression, a LIKE pattern ending in its escape character: see
 * `SqlDialect.inputError`) into the ApiError for the client; every other error passes unchanged.
 * Stores wrap their searches in it, so a bad pattern is a 400 wherever the store is used.
 *
 * @example
 * const rows = await translateInputErrors(dialect, () => compiled.execute(db));
 */
export async function translateInputErrors<T>(dialect: SqlDialect, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw dialect.inputError(err) ?? err;
  }
}
