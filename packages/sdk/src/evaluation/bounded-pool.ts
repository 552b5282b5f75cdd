/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of start; stops starting new
 * ones once `signal` is aborted (those in flight finish). `fn` should not throw: a throw rejects the
 * whole run once the calls in flight are done.
 *
 * @example
 * await forEachBounded(rows, 8, async (row) => score(row));
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !signal?.aborted && !failure) {
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
