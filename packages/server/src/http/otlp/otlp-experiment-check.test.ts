import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

describe('OTLP ingest and the experiment it names', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe();
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const send = (exp: string, n: number) =>
    loupe.app.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
      body: JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: n.toString(16).padStart(32, '0'),
                    spanId: '1'.padStart(16, '0'),
                    name: 'root',
                    kind: 1,
                    startTimeUnixNano: '1',
                    endTimeUnixNano: '2',
                  },
                ],
              },
            ],
          },
        ],
      }),
    });

  it('remembers an active experiment for a second: one deleted meanwhile takes spans until then, none after', async () => {
    const exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'short-lived' })).body.experiment_id as string;
    expect((await send(exp, 1)).status).toBe(200);
    expect((await loupe.call('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: exp })).status).toBe(200);
    loupe.clock.advance(999);
    expect((await send(exp, 2)).status).toBe(200);
    loupe.clock.advance(1);
    const refused = await send(exp, 3);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/deleted|active/i);
    // Unknown experiments are never remembered as active.
    expect((await send('987654', 4)).status).toBe(404);
  });

  it('times the second on the monotonic clock: a wall clock set back does not stretch it', async () => {
    const exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'clock-set-back' })).body.experiment_id as string;
    expect((await send(exp, 1)).status).toBe(200);
    expect((await loupe.call('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: exp })).status).toBe(200);
    loupe.clock.setSystemTime(loupe.clock.now() - 3_600_000);
    loupe.clock.advance(1000);
    expect((await send(exp, 2)).status).toBe(400);
  });
});
