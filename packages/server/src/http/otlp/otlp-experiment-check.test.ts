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

  it('remembers an active experiment for at most a second: one deleted meanwhile stops taking spans after that', async () => {
    const exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'short-lived' })).body.experiment_id as string;
    expect((await send(exp, 1)).status).toBe(200);
    expect((await loupe.call('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: exp })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refused = await send(exp, 2);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/deleted|active/i);
    // Unknown experiments are never remembered as active.
    expect((await send('987654', 3)).status).toBe(404);
  });
});
