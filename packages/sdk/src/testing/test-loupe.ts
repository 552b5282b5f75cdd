import { createLoupe, type Loupe } from '../instance/loupe.js';
import type { LoupeOptions } from '../config/config.js';

/**
 * A Loupe SDK instance for tests: fast batches, short retries, no exit hook, no environment.
 *
 * @example
 * const loupe = testLoupe(server.url, exp);
 */
export function testLoupe(trackingUri: string, experimentId: string, options: LoupeOptions = {}): Loupe {
  return createLoupe(
    {
      trackingUri,
      experimentId,
      ...options,
      export: { scheduleDelayMs: 5, initialBackoffMs: 5, maxBackoffMs: 50, flushTimeoutMs: 10_000, flushOnExit: false, ...options.export },
    },
    {},
  );
}

/**
 * Makes test instances and shuts them all down at the end of a suite.
 *
 * @example
 * const pool = testLoupePool();
 * afterAll(() => pool.shutdownAll());
 * const loupe = pool.make(server.url, exp);
 */
export function testLoupePool() {
  const instances: Loupe[] = [];
  return {
    make(...args: Parameters<typeof testLoupe>): Loupe {
      const l = testLoupe(...args);
      instances.push(l);
      return l;
    },
    shutdownAll: () => Promise.all(instances.map((l) => l.shutdown())),
  };
}
