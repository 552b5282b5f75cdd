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
