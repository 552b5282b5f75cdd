import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const V2 = '/api/2.0/mlflow/traces';

describe('legacy v2 trace REST (StartTrace, EndTrace, GetTraceInfo, SearchTraces)', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'legacy' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const start = (over: Record<string, unknown> = {}) =>
    loupe.call('POST', V2, {
      experiment_id: exp,
      timestamp_ms: 1_700_000_000_000,
      request_metadata: [{ key: 'mlflow.trace_schema.version', value: '2' }],
      tags: [{ key: 'mlflow.traceName', value: 'predict' }],
      ...over,
    });

  it('StartTrace generates the id and answers a v2 info with the artifact location', async () => {
    const res = await start();
    expect(res.status).toBe(200);
    const info = (res.body as { trace_info: Record<string, unknown> }).trace_info;
    const id = `tr-${'0'.repeat(31)}1`;
    expect(info).toEqual({
      request_id: id,
      experiment_id: exp,
      timestamp_ms: 1_700_000_000_000,
      execution_time_ms: 0,
      status: 'IN_PROGRESS',
      request_metadata: [{ key: 'mlflow.trace_schema.version', value: '2' }],
      tags: [
        { key: 'mlflow.artifactLocation', value: `mlflow-artifacts:/${exp}/traces/${id}/artifacts` },
        { key: 'mlflow.traceName', value: 'predict' },
      ],
    });
    // The same trace through the v3 read and the v2 info route (also under /ajax-api).
    expect((await loupe.call('GET', `/api/3.0/mlflow/traces/${id}`)).body).toMatchObject({ trace: { trace_info: { trace_id: id, state: 'IN_PROGRESS' } } });
    expect((await loupe.call('GET', `/ajax-api/2.0/mlflow/traces/${id}/info`)).body).toEqual({ trace_info: info });
  });

  it('EndTrace sets the duration and status and merges metadata and tags', async () => {
    const id = ((await start()).body.trace_info as { request_id: string }).request_id;
    const res = await loupe.call('PATCH', `${V2}/${id}`, {
      timestamp_ms: 1_700_000_000_250,
      status: 'OK',
      request_metadata: [{ key: 'mlflow.sourceRun', value: 'r1' }],
      tags: [{ key: 'mlflow.traceName', value: 'renamed' }],
    });
    expect(res.status).toBe(200);
    const info = (res.body as { trace_info: { execution_time_ms: number; status: string; request_metadata: unknown[]; tags: unknown[] } }).trace_info;
    expect(info.execution_time_ms).toBe(250);
    expect(info.status).toBe('OK');
    expect(info.request_metadata).toEqual([
      { key: 'mlflow.sourceRun', value: 'r1' },
      { key: 'mlflow.trace_schema.version', value: '2' },
    ]);
    expect(info.tags).toContainEqual({ key: 'mlflow.traceName', value: 'renamed' });
    // Status by number, no timestamp: the duration stays.
    const again = await loupe.call('PATCH', `${V2}/${id}`, { status: 2, request_metadata: [] });
    expect(again.body).toMatchObject({ trace_info: { status: 'ERROR', execution_time_ms: 250 } });
  });

  it('SearchTraces pages v2 infos over experiment_ids with filter and order_by', async () => {
    for (let i = 0; i < 3; i++) await start({ timestamp_ms: 1_700_000_000_000 + i, tags: [{ key: 'n', value: String(i) }] });
    const first = await loupe.call('GET', `${V2}?experiment_ids=${exp}&max_results=2&order_by=timestamp_ms%20ASC`);
    expect(first.status).toBe(200);
    const page1 = first.body as { traces: { timestamp_ms: number }[]; next_page_token: string };
    expect(page1.traces.map((t) => t.timestamp_ms)).toEqual([1_700_000_000_000, 1_700_000_000_001]);
    const second = await loupe.call(
      'GET',
      `${V2}?experiment_ids=${exp}&max_results=2&order_by=timestamp_ms%20ASC&page_token=${encodeURIComponent(page1.next_page_token)}`,
    );
    expect((second.body as { traces: unknown[] }).traces).toHaveLength(1);
    expect(second.body.next_page_token).toBeUndefined();
    const filtered = await loupe.call('GET', `${V2}?experiment_ids=${exp}&filter=${encodeURIComponent("tag.n = '1'")}`);
    expect((filtered.body as { traces: { tags: unknown[] }[] }).traces.map((t) => t.tags)).toEqual([[expect.anything(), { key: 'n', value: '1' }]]);
  });

  it('answers unknown ids and experiments with RESOURCE_DOES_NOT_EXIST', async () => {
    const unknown = `tr-${'9'.repeat(32)}`;
    expect(await loupe.call('GET', `${V2}/${unknown}/info`)).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await loupe.call('PATCH', `${V2}/${unknown}`, { status: 'OK' })).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await start({ experiment_id: '999' })).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it('rejects bad input with a 400 naming the field', async () => {
    const cases: [Promise<{ status: number; body: Record<string, unknown> }>, RegExp][] = [
      [start({ experiment_id: undefined }), /experiment_id/],
      [start({ timestamp_ms: 'soon' }), /timestamp_ms/],
      [start({ tags: [{ value: 'v' }] }), /tags\[0\]\.key/],
      [start({ request_metadata: [{ key: 'k'.repeat(251), value: 'v' }] }), /request_metadata/],
      [loupe.call('GET', V2), /experiment_ids/],
      [loupe.call('GET', `${V2}?experiment_ids=${exp}&max_results=501`), /max_results/],
      [loupe.call('GET', `${V2}?experiment_ids=${exp}&filter=${encodeURIComponent('nonsense ==')}`), /./],
    ];
    for (const [call, message] of cases) {
      const res = await call;
      expect(res.status, String(message)).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(res.body.message).toMatch(message);
    }
    const id = ((await start()).body.trace_info as { request_id: string }).request_id;
    const early = await loupe.call('PATCH', `${V2}/${id}`, { timestamp_ms: 1 });
    expect(early).toMatchObject({ status: 400, body: { message: expect.stringMatching(/timestamp_ms/) } });
    const badStatus = await loupe.call('PATCH', `${V2}/${id}`, { status: 'DONE' });
    expect(badStatus).toMatchObject({ status: 400, body: { message: expect.stringMatching(/status/) } });
  });
});
