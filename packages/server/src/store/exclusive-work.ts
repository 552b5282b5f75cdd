/**
 * Periodic passes that one server at a time is enough for (and that several at once would only
 * repeat, contending for the same rows): each has a name, which is also its lock's.
 */
export type ExclusiveWorkName = 'trace-retention' | 'online-scoring-scan';

/** What {@link ExclusiveWork.tryRun} did: ran the work (with its value), or left it to the server running it now. */
export type ExclusiveOutcome<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs a named pass unless another server on the same database runs it now (docs/deploy.md "What
 * runs where"). The work itself must still be safe to repeat (a server that loses its connection
 * loses the lock while its pass may still be writing): the lock saves the repetition, correctness
 * comes from the work's own writes.
 *
 * @example
 * const outcome = await exclusive.tryRun('trace-retention', () => retention.pass());
 * if (!outcome.ran) console.log('another server is deleting expired traces');
 */
export interface ExclusiveWork {
  tryRun<T>(name: ExclusiveWorkName, fn: () => Promise<T>): Promise<ExclusiveOutcome<T>>;
}

/**
 * Always runs the work: one server, or tests that drive a service alone.
 *
 * @example
 * new TraceRetention(traces, experiments, clock, { batchSize: 500, pauseMs: 5, exclusive: alwaysRun });
 */
export const alwaysRun: ExclusiveWork = {
  async tryRun(_name, fn) {
    return { ran: true, value: await fn() };
  },
};
