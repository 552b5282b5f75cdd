import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { LoupeOptions } from '@loupe/sdk';
import { startFakeProvider, type FakeProvider } from './fake-server.js';
import { startHarness, type Harness } from './harness.js';

/** What {@link useIntegrationSuite} gives a test file: filled in before its first test. */
export interface IntegrationSuite {
  fake: FakeProvider;
  h: Harness;
}

/**
 * The setup every integration test file shares: a fake provider with the given protocols installed
 * and a harness (a real Loupe server and an SDK instance), started once for the file, emptied
 * before each test (captured spans, queued replies, seen requests) and closed after the last.
 * Call it at the top of the file; its `beforeAll` runs before the file's own.
 *
 * @example
 * const suite = useIntegrationSuite([installOpenAI]);
 * let client: OpenAI;
 * beforeAll(() => {
 *   client = traceOpenAI(new OpenAI({ baseURL: `${suite.fake.url}/v1`, apiKey: 'k' }), { loupe: suite.h.loupe });
 * });
 */
export function useIntegrationSuite(install: ((fake: FakeProvider) => void)[] = [], options: LoupeOptions = {}): IntegrationSuite {
  const suite = {} as IntegrationSuite;
  beforeAll(async () => {
    suite.fake = await startFakeProvider();
    for (const fn of install) fn(suite.fake);
    suite.h = await startHarness(options);
  });
  afterAll(async () => {
    await suite.h?.close();
    await suite.fake?.close();
  });
  beforeEach(() => {
    suite.h.clear();
    suite.fake.reset();
  });
  return suite;
}
