import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const V2 = '/api/2.0/mlflow/traces';
const id = (n: number) => `tr-${n.toString(16).padStart(32, '0')}`;

describe('trace links REST (link-to-run, link-prompts)', () => {
  let loupe: TestLoupe;
  let exp: string;
  let runId: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'links' })).body.experiment_id as string;
    runId = ((await loupe.call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp })).body.run as { info: { run_id: string } }).info.run_id;
    for (const n of [1, 2, 3]) {
      const trace_info = {
        trace_id: id(n),
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
        request_time: `2025-06-15T14:07:4${n}.000Z`,
        state: 'OK',
        ...(n === 1 ? { trace_metadata: { 'mlflow.sourceRun': runId } } : {}),
      };
      expect((await loupe.call('POST', '/api/3.0/mlflow/traces', { trace: { trace_info } })).status).toBe(200);
    }
  });
  afterEach(async () => {
    await loupe.dispose();
  });
  const search = async (filter: string) => {
    const res = await loupe.call('POST', '/api/3.0/mlflow/traces/search', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
      filter,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return ((res.body.traces ?? []) as { trace_id: string }[]).map((t) => t.trace_id).sort();
  };

  it('link-to-run makes run_id searches (v3 and v2) find the linked traces', async () => {
    expect(await search(`run_id = '${runId}'`)).toEqual([id(1)]);
    const res = await loupe.call('POST', `${V2}/link-to-run`, { trace_ids: [id(2), id(1)], run_id: runId });
    expect(res).toMatchObject({ status: 200, body: {} });
    expect(await search(`run_id = '${runId}'`)).toEqual([id(1), id(2)]);
    expect(await search(`trace.run_id IN ('${runId}', 'other')`)).toEqual([id(1), id(2)]);
    const v2 = await loupe.call('GET', `${V2}?experiment_ids=${exp}&filter=${encodeURIComponent(`run_id = '${runId}'`)}`);
    expect((v2.body.traces as { request_id: string }[]).map((t) => t.request_id).sort()).toEqual([id(1), id(2)]);
    // Idempotent; also under /ajax-api; deleting a trace removes its link.
    expect((await loupe.call('POST', `/ajax-api/2.0/mlflow/traces/link-to-run`, { trace_ids: [id(2)], run_id: runId })).status).toBe(200);
    await loupe.call('POST', `${V2}/delete-traces`, { experiment_id: exp, request_ids: [id(2)] });
    expect(await search(`run_id = '${runId}'`)).toEqual([id(1)]);
  });

  it('link-to-run: unknown run or trace is RESOURCE_DOES_NOT_EXIST, bad input a 400 naming the field', async () => {
    expect(await loupe.call('POST', `${V2}/link-to-run`, { trace_ids: [id(2)], run_id: 'f'.repeat(32) })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    const missing = await loupe.call('POST', `${V2}/link-to-run`, { trace_ids: [id(2), id(9)], run_id: runId });
    expect(missing).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringContaining(id(9)) } });
    expect(await search(`run_id = '${runId}'`)).toEqual([id(1)]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ run_id: runId }, /trace_ids/],
      [{ trace_ids: [], run_id: runId }, /trace_ids/],
      [{ trace_ids: Array.from({ length: 101 }, (_, i) => id(i)), run_id: runId }, /trace_ids/],
      [{ trace_ids: [id(1)] }, /run_id/],
      [{ trace_ids: [id(1)], run_id: { a: 1 } }, /run_id/],
    ];
    for (const [body, message] of cases) {
      const res = await loupe.call('POST', `${V2}/link-to-run`, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
  });

  it('link-prompts merges the mlflow.linkedPrompts tag without duplicates and backs prompt = filters', async () => {
    const link = (traceId: string, prompt_versions: unknown[]) => loupe.call('POST', `${V2}/link-prompts`, { trace_id: traceId, prompt_versions });
    await loupe.call('PATCH', `${V2}/${id(1)}/tags`, { key: 'mlflow.linkedPrompts', value: '[{"name": "old", "version": "4"}]' });
    expect(
      await link(id(1), [
        { name: 'qa', version: '1' },
        { name: 'qa', version: 2 },
      ]),
    ).toMatchObject({ status: 200, body: {} });
    expect((await link(id(1), [{ name: 'qa', version: '01' }])).status).toBe(200);
    expect((await link(id(2), [{ name: 'qa', version: '2' }])).status).toBe(200);
    const tags = ((await loupe.call('GET', `/api/3.0/mlflow/traces/${id(1)}`)).body.trace as { trace_info: { tags: Record<string, string> } }).trace_info.tags;
    expect(JSON.parse(tags['mlflow.linkedPrompts'] ?? '')).toEqual([
      { name: 'old', version: '4' },
      { name: 'qa', version: '1' },
      { name: 'qa', version: '2' },
    ]);
    expect(await search("prompt = 'qa/1'")).toEqual([id(1)]);
    expect(await search("prompt = 'qa/2'")).toEqual([id(1), id(2)]);
    expect(await search("prompt = 'qa/3'")).toEqual([]);
    // The tag written through the tag API counts as well (MLflow searches the tag).
    expect(await search("prompt = 'old/4'")).toEqual([id(1)]);
    const bad = await loupe.call('POST', '/api/3.0/mlflow/traces/search', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
      filter: "prompt = 'qa'",
    });
    expect(bad).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/prompt/) } });
  });

  it('StartTraceV3 carrying mlflow.linkedPrompts (the Python exporter) is found by prompt =', async () => {
    const trace_info = {
      trace_id: id(7),
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
      request_time: '2025-06-15T14:07:47.000Z',
      state: 'OK',
      tags: { 'mlflow.linkedPrompts': '[{"name": "greeting", "version": "3"}]' },
    };
    expect((await loupe.call('POST', '/api/3.0/mlflow/traces', { trace: { trace_info } })).status).toBe(200);
    expect(await search("prompt = 'greeting/3'")).toEqual([id(7)]);
    await loupe.call('DELETE', `/api/3.0/mlflow/traces/${id(7)}/tags`, { key: 'mlflow.linkedPrompts' });
    expect(await search("prompt = 'greeting/3'")).toEqual([]);
  });

  it('link-prompts: unknown trace is RESOURCE_DOES_NOT_EXIST, bad input a 400 naming the field', async () => {
    const link = (body: Record<string, unknown>) => loupe.call('POST', `${V2}/link-prompts`, body);
    expect(await link({ trace_id: id(9), prompt_versions: [{ name: 'qa', version: '1' }] })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ prompt_versions: [{ name: 'qa', version: '1' }] }, /trace_id/],
      [{ trace_id: id(1) }, /prompt_versions/],
      [{ trace_id: id(1), prompt_versions: [{ version: '1' }] }, /prompt_versions\[0\]\.name/],
      [{ trace_id: id(1), prompt_versions: [{ name: 'qa' }] }, /prompt_versions\[0\]\.version/],
      [{ trace_id: id(1), prompt_versions: [{ name: 'qa', version: 'latest' }] }, /prompt_versions\[0\]\.version/],
    ];
    for (const [body, message] of cases) {
      const res = await link(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(res.body.message).toMatch(message);
    }
    await loupe.call('PATCH', `${V2}/${id(3)}/tags`, { key: 'mlflow.linkedPrompts', value: 'not json' });
    expect(await link({ trace_id: id(3), prompt_versions: [{ name: 'qa', version: '1' }] })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/mlflow\.linkedPrompts/) },
    });
  });
});
