import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const URL_ = '/api/3.0/mlflow/traces/batchGetInfos';
const id = (n: number) => `tr-${n.toString(16).padStart(32, '0')}`;

describe('BatchGetTraceInfos REST', () => {
  let loupe: TestLoupe;
  let exp1: string;
  let exp2: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp1 = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'a' })).body.experiment_id as string;
    exp2 = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'b' })).body.experiment_id as string;
    for (const [n, exp, state] of [
      [1, exp1, 'OK'],
      [2, exp1, 'IN_PROGRESS'],
      [3, exp2, 'ERROR'],
    ] as const) {
      const trace_info = {
        trace_id: id(n),
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
        request_time: '2025-06-15T14:07:41.282Z',
        state,
      };
      expect((await loupe.call('POST', '/api/3.0/mlflow/traces', { trace: { trace_info } })).status).toBe(200);
    }
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  it('answers the infos in the order asked, leaving unknown ids out, on /api and /ajax-api', async () => {
    const res = await loupe.call('POST', URL_, { trace_ids: [id(3), id(9), id(1), id(2)] });
    expect(res.status).toBe(200);
    const infos = (res.body as { trace_infos: { trace_id: string; state: string; tags: Record<string, string> }[] }).trace_infos;
    expect(infos.map((i) => [i.trace_id, i.state])).toEqual([
      [id(3), 'ERROR'],
      [id(1), 'OK'],
      [id(2), 'IN_PROGRESS'],
    ]);
    expect(infos[0]?.tags['mlflow.artifactLocation']).toBe(`mlflow-artifacts:/${exp2}/traces/${id(3)}/artifacts`);
    expect((await loupe.call('POST', `/ajax-api/3.0/mlflow/traces/batchGetInfos`, { trace_ids: [id(1)] })).status).toBe(200);
  });

  it('narrows to experiment_ids when given; no match is an empty answer', async () => {
    const res = await loupe.call('POST', URL_, { trace_ids: [id(1), id(3)], experiment_ids: [exp2] });
    expect((res.body as { trace_infos: { trace_id: string }[] }).trace_infos.map((i) => i.trace_id)).toEqual([id(3)]);
    expect(await loupe.call('POST', URL_, { trace_ids: [id(9)] })).toMatchObject({ status: 200, body: {} });
  });

  it('rejects a missing, mistyped or oversized trace_ids with a 400 naming it', async () => {
    for (const body of [{}, { trace_ids: [] }, { trace_ids: [{ a: 1 }] }, { trace_ids: Array.from({ length: 1001 }, (_, i) => id(i)) }]) {
      const res = await loupe.call('POST', URL_, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/trace_ids/) });
    }
  });
});
