import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

/** A span named `'a' x 30 + '!'`: `^(a+)+$` takes a backtracking engine 2^30 steps to refuse it. */
const EVIL_NAME = `${'a'.repeat(30)}!`;
const GOOD_NAME = 'a'.repeat(30);
const EVIL_FILTER = "span.name RLIKE '^(a+)+$'";
/**
 * How long `/health` may take while the search runs. A bound on a failure, not a measurement: the
 * fixed server answers in milliseconds; one stuck behind a backtracking regular expression (the
 * server's only JavaScript thread) answers after minutes, so the request is aborted and the test fails.
 */
const HEALTH_BUDGET_MS = 10_000;

function otlpSpan(traceHex: string, name: string) {
  return {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              { traceId: traceHex, spanId: traceHex.slice(0, 16), name, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000' },
            ],
          },
        ],
      },
    ],
  };
}

// The server runs in its own process (the built CLI): a search that blocks the server's event loop
// cannot block this test's timers, so a regression fails on the abort below instead of hanging.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'RLIKE against a catastrophic-backtracking pattern (built CLI, real HTTP)', () => {
    let server: CliServer;
    let experimentId: string;
    const evilTrace = 'f'.repeat(31) + '1';
    const goodTrace = 'f'.repeat(31) + '2';

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-redos-');
      experimentId = String((await server.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'redos' })).body.experiment_id);
      for (const [traceHex, name] of [
        [evilTrace, EVIL_NAME],
        [goodTrace, GOOD_NAME],
      ] as const) {
        const res = await fetch(`${server.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
          body: JSON.stringify(otlpSpan(traceHex, name)),
        });
        expect(res.status).toBe(200);
      }
    });
    afterAll(async () => {
      // A server stuck in a regular expression cannot run its SIGTERM handler: kill it outright.
      await server?.stop({ kill: true });
    });

    /** Asks `/health` until `work` settles (at least once); each answer must come within the budget. */
    async function healthWhile<T>(work: Promise<T>): Promise<T> {
      let settled = false;
      void work.then(
        () => (settled = true),
        () => (settled = true),
      );
      do {
        const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(HEALTH_BUDGET_MS) });
        expect(await res.text()).toBe('OK');
      } while (!settled);
      return work;
    }

    it('a trace search answers with the right traces while /health keeps answering', async () => {
      const searching = server.call('POST', '/api/3.0/mlflow/traces/search', {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter: EVIL_FILTER,
      });
      const res = await healthWhile(searching);
      expect(res.status).toBe(200);
      expect((res.body.traces as { trace_id: string }[]).map((t) => t.trace_id)).toEqual([`tr-${goodTrace}`]);
    });

    it('the span page filter of one trace does too', async () => {
      const page = (traceHex: string) =>
        server.call('GET', `/api/3.0/loupe/traces/tr-${traceHex}/spans?view=SUMMARY&filter=${encodeURIComponent(EVIL_FILTER)}`);
      const evil = await healthWhile(page(evilTrace));
      expect(evil.status).toBe(200);
      expect(evil.body.spans ?? []).toEqual([]);
      const good = await healthWhile(page(goodTrace));
      expect((good.body.spans as { name: string }[]).map((s) => s.name)).toEqual([GOOD_NAME]);
    });
  });
}
