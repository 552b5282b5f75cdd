import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestSpan } from '../../ingest/ingest-span.js';
import { toSpanBatches } from '../../ingest/span-batches.js';
import { ingestSpan } from '../../ingest/testing/ingest-spans.js';
import { SqliteDialect } from '../../store/sql/dialects/sqlite/sqlite-dialect.js';
import { SqlTraceStore } from '../../store/sql/sql-trace-store.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const V3 = '/api/3.0/mlflow/traces';
const TRACE_ID = `tr-${'ab'.repeat(16)}`;

describe('trace info REST (StartTraceV3, GetTraceInfoV3)', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'traces' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  // What `mlflow-tracing` sends when a root span ends (spec §10.1).
  const tsSdkBody = (over: Record<string, unknown> = {}) => ({
    trace: {
      trace_info: {
        trace_id: TRACE_ID,
        client_request_id: 'req-7',
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
        request_preview: '{"question":"hi"}',
        response_preview: '"hello"',
        request_time: '2025-06-15T14:07:41.282Z',
        execution_duration: '0.532s',
        state: 'OK',
        trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.trace.session': 'sess-1' },
        tags: { 'mlflow.traceName': 'predict' },
        assessments: [],
        ...over,
      },
    },
  });

  it('stores the info and answers it with the artifact location, on /api and /ajax-api', async () => {
    const res = await loupe.call('POST', V3, tsSdkBody());
    expect(res.status).toBe(200);
    const expected = {
      trace_id: TRACE_ID,
      client_request_id: 'req-7',
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
      request_preview: '{"question":"hi"}',
      response_preview: '"hello"',
      request_time: '2025-06-15T14:07:41.282Z',
      execution_duration: '0.532s',
      state: 'OK',
      trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.trace.session': 'sess-1' },
      tags: { 'mlflow.traceName': 'predict', 'mlflow.artifactLocation': `mlflow-artifacts:/${exp}/traces/${TRACE_ID}/artifacts` },
    };
    expect(res.body).toEqual({ trace: { trace_info: expected } });
    expect((await loupe.call('GET', `${V3}/${TRACE_ID}`)).body).toEqual({ trace: { trace_info: expected } });
    expect((await loupe.call('GET', `/ajax-api/3.0/mlflow/traces/${TRACE_ID}`)).status).toBe(200);
  });

  it('merges a second StartTraceV3: the newest values win, other tags stay', async () => {
    await loupe.call('POST', V3, tsSdkBody());
    const res = await loupe.call('POST', V3, tsSdkBody({ state: 'ERROR', tags: { extra: 'x' }, request_preview: undefined }));
    const info = (res.body.trace as { trace_info: Record<string, unknown> }).trace_info;
    expect(info).toMatchObject({ state: 'ERROR', request_preview: '{"question":"hi"}' });
    expect(info.tags).toMatchObject({ 'mlflow.traceName': 'predict', extra: 'x' });
  });

  it('serves the older SDK artifact mode: traces.json through the artifact proxy', async () => {
    const res = await loupe.call('POST', V3, tsSdkBody());
    const location = ((res.body.trace as { trace_info: { tags: Record<string, string> } }).trace_info.tags['mlflow.artifactLocation'] ?? '') as string;
    expect(location.startsWith('mlflow-artifacts:/')).toBe(true);
    const url = `/api/2.0/mlflow-artifacts/artifacts/${location.replace('mlflow-artifacts:/', '')}/traces.json`;
    const spans = JSON.stringify({ spans: [{ name: 'predict', span_id: 'AAAAAAAAAAE=' }] });
    expect((await loupe.app.request(url, { method: 'PUT', body: spans, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect(await (await loupe.app.request(url)).text()).toBe(spans);
  });

  it("prices an older Python client's traces.json spans as they are imported (the model named only by the call's inputs)", async () => {
    const otelHex = 'ab'.repeat(16);
    const res = await loupe.call('POST', V3, tsSdkBody());
    const location = (res.body.trace as { trace_info: { tags: Record<string, string> } }).trace_info.tags['mlflow.artifactLocation'] as string;
    const attrs = {
      'mlflow.spanType': '"CHAT_MODEL"',
      'mlflow.spanInputs': JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      'mlflow.chat.tokenUsage': JSON.stringify({ input_tokens: 1000, output_tokens: 200, total_tokens: 1200 }),
    };
    const span = { trace_id: TRACE_ID, otel_trace_id: otelHex, span_id: 'b7ad6b7169203331', parent_span_id: null, name: 'Completions', status: { code: 'OK' } };
    const doc = JSON.stringify({ spans: [{ ...span, start_time_unix_nano: 1749996461282000000, end_time_unix_nano: 1749996461814000000, attributes: attrs }] });
    const url = `/api/2.0/mlflow-artifacts/artifacts/${location.replace('mlflow-artifacts:/', '')}/traces.json`;
    expect((await loupe.app.request(url, { method: 'PUT', body: doc, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    const full = await loupe.call('GET', `${V3}/get?trace_id=${TRACE_ID}`);
    const [stored] = (full.body.trace as { spans: { attributes: { key: string; value: { string_value: string } }[] }[] }).spans;
    const byKey = Object.fromEntries((stored?.attributes ?? []).map((a) => [a.key, JSON.parse(a.value.string_value) as unknown]));
    expect(byKey).toMatchObject({ 'mlflow.llm.model': 'gpt-4o-mini', 'mlflow.llm.cost': { input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 } });
    const info = (await loupe.call('GET', `${V3}/${TRACE_ID}`)).body.trace as { trace_info: { trace_metadata: Record<string, string> } };
    expect(JSON.parse(info.trace_info.trace_metadata['mlflow.trace.cost'] as string)).toEqual({
      input_cost: 0.00015,
      output_cost: 0.00012,
      total_cost: 0.00027,
    });
  });

  it('answers unknown traces with 404 and unserved literal routes with ENDPOINT_NOT_FOUND', async () => {
    expect(await loupe.call('GET', `${V3}/tr-${'0'.repeat(32)}`)).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await loupe.call('GET', `${V3}/metrics`)).toMatchObject({ status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });

  it('rejects bad trace infos with a 400 naming the field, and unknown or deleted experiments', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ trace_id: undefined }, /trace_id/],
      [{ trace_id: '../../etc' }, /trace_id/],
      [{ request_time: 'yesterday' }, /request_time/],
      [{ request_time: undefined }, /request_time/],
      [{ execution_duration: '5 minutes' }, /execution_duration/],
      [{ state: 'DONE' }, /state/],
      [{ tags: { k: 'v'.repeat(8001) } }, /tags/],
      [{ trace_metadata: { ['k'.repeat(251)]: 'v' } }, /trace_metadata/],
      [{ trace_location: {} }, /experiment_id/],
    ];
    for (const [over, message] of cases) {
      const res = await loupe.call('POST', V3, tsSdkBody(over));
      expect(res.status, JSON.stringify(over).slice(0, 80)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    expect((await loupe.call('POST', V3, {})).status).toBe(400);
    const unknown = await loupe.call('POST', V3, tsSdkBody({ trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '999' } } }));
    expect(unknown).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    await loupe.call('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: exp });
    expect((await loupe.call('POST', V3, tsSdkBody())).status).toBe(400);
    expect((await loupe.call('GET', `${V3}/${TRACE_ID}`)).status).toBe(404);
  });

  describe('GetTrace (with spans)', () => {
    const otelTraceId = 'ab'.repeat(16);
    const span = (spanId: string, parentSpanId: string | null, start: string): IngestSpan =>
      ingestSpan({
        traceId: otelTraceId,
        spanId,
        parentSpanId,
        name: `s-${spanId}`,
        startTimeUnixNano: start,
        endTimeUnixNano: '1749996461814000123',
        attributes: { 'mlflow.spanType': 'CHAIN' },
        status: { code: 'STATUS_CODE_OK', message: '' },
      });
    const ingest = async (spans: IngestSpan[]) => {
      for (const batch of toSpanBatches(spans)) await new SqlTraceStore(loupe.db, new SqliteDialect('sqlite://')).ingestSpans({ ...batch, experimentId: exp });
    };

    it('returns the info and the spans as OTel proto JSON with exact nanoseconds, in start order', async () => {
      await ingest([span('0000000000000002', '0000000000000001', '1749996461282000999'), span('0000000000000001', null, '1749996461282000123')]);
      await loupe.call('POST', V3, tsSdkBody({ trace_metadata: { 'mlflow.trace.sizeStats': '{"num_spans": 2}' } }));
      const res = await loupe.app.request(`${V3}/get?trace_id=${TRACE_ID}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('"start_time_unix_nano":1749996461282000123');
      const body = JSON.parse(text) as { trace: { trace_info: { trace_id: string }; spans: { name: string; parent_span_id: string }[] } };
      expect(body.trace.trace_info.trace_id).toBe(TRACE_ID);
      expect(body.trace.spans.map((s) => s.name)).toEqual(['s-0000000000000001', 's-0000000000000002']);
      expect(body.trace.spans[1]?.parent_span_id).toBe(Buffer.from('0000000000000001', 'hex').toString('base64'));
    });

    it('reports a trace with spans still missing as not fully exported, unless allow_partial', async () => {
      await ingest([span('0000000000000001', null, '1749996461282000123')]);
      await loupe.call('POST', V3, tsSdkBody({ trace_metadata: { 'mlflow.trace.sizeStats': '{"num_spans": 3}' } }));
      expect(await loupe.call('GET', `${V3}/get?trace_id=${TRACE_ID}`)).toMatchObject({
        status: 404,
        body: { message: expect.stringContaining('not fully exported') },
      });
      const partial = await loupe.call('GET', `${V3}/get?trace_id=${TRACE_ID}&allow_partial=True`);
      expect(partial.status).toBe(200);
      expect((partial.body.trace as { spans: unknown[] }).spans).toHaveLength(1);
      expect((await loupe.call('GET', `${V3}/get?trace_id=tr-unknown`)).status).toBe(404);
    });
  });

  it('searches traces over locations with the filter grammar, order_by and page tokens', async () => {
    for (const [i, state] of (['OK', 'ERROR', 'OK'] as const).entries()) {
      const id = `tr-${String(i).repeat(32)}`;
      await loupe.call('POST', V3, tsSdkBody({ trace_id: id, state, request_time: `2025-06-15T14:07:4${i}.000Z`, tags: { 'mlflow.traceName': `t${i}` } }));
    }
    const search = (body: Record<string, unknown>) =>
      loupe.call('POST', `${V3}/search`, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], ...body });
    const names = (res: { body: Record<string, unknown> }) =>
      ((res.body.traces ?? []) as { tags: Record<string, string> }[]).map((t) => t.tags['mlflow.traceName']);
    expect(names(await search({}))).toEqual(['t2', 't1', 't0']);
    expect(names(await search({ filter: "trace.status = 'OK' AND metadata.`mlflow.trace.session` = 'sess-1'" }))).toEqual(['t2', 't0']);
    expect(names(await search({ filter: "trace.name LIKE 't%'", order_by: ['timestamp_ms ASC'] }))).toEqual(['t0', 't1', 't2']);
    const first = await search({ max_results: 2 });
    expect(names(first)).toEqual(['t2', 't1']);
    expect(names(await search({ max_results: 2, page_token: first.body.next_page_token }))).toEqual(['t0']);
    expect(await search({ filter: 'trace.status =' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect((await search({ max_results: 501 })).status).toBe(400);
    expect((await loupe.call('POST', `${V3}/search`, {})).status).toBe(400);
  });

  it('sets and deletes trace tags on the v2 (Python client) and v3 routes', async () => {
    await loupe.call('POST', V3, tsSdkBody());
    expect((await loupe.call('PATCH', `/api/2.0/mlflow/traces/${TRACE_ID}/tags`, { key: 'verdict', value: 'good' })).status).toBe(200);
    expect((await loupe.call('PATCH', `${V3}/${TRACE_ID}/tags`, { key: 'team', value: 'core' })).status).toBe(200);
    const tags = () => loupe.call('GET', `${V3}/${TRACE_ID}`).then((r) => (r.body.trace as { trace_info: { tags: Record<string, string> } }).trace_info.tags);
    expect(await tags()).toMatchObject({ verdict: 'good', team: 'core' });
    expect((await loupe.call('DELETE', `/api/2.0/mlflow/traces/${TRACE_ID}/tags`, { key: 'verdict' })).status).toBe(200);
    expect((await loupe.call('DELETE', `${V3}/${TRACE_ID}/tags`, { key: 'team' })).status).toBe(200);
    expect(await tags()).not.toHaveProperty('verdict');
    expect(await loupe.call('DELETE', `${V3}/${TRACE_ID}/tags`, { key: 'team' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect((await loupe.call('PATCH', `${V3}/tr-unknown/tags`, { key: 'k', value: 'v' })).status).toBe(404);
    expect((await loupe.call('PATCH', `${V3}/${TRACE_ID}/tags`, { key: 'k', value: 'v'.repeat(8001) })).status).toBe(400);
    expect((await loupe.call('PATCH', `${V3}/${TRACE_ID}/tags`, { value: 'v' })).status).toBe(400);
  });

  it('batch-gets traces with spans, leaving unknown ids out', async () => {
    await loupe.call('POST', V3, tsSdkBody());
    const res = await loupe.app.request(`${V3}/batchGet?trace_ids=${TRACE_ID}&trace_ids=tr-unknown`);
    const body = (await res.json()) as { traces: { trace_info: { trace_id: string }; spans: unknown[] }[] };
    expect(body.traces.map((t) => t.trace_info.trace_id)).toEqual([TRACE_ID]);
    expect(body.traces[0]?.spans).toEqual([]);
    expect((await loupe.call('GET', `${V3}/batchGet`)).status).toBe(400);
  });

  it('deletes traces on the v3 and v2 routes with MLflow rules', async () => {
    for (const i of [1, 2, 3]) {
      await loupe.call('POST', V3, tsSdkBody({ trace_id: `tr-${String(i).repeat(32)}`, request_time: `2025-06-15T14:07:4${i}.000Z` }));
    }
    const del = (path: string, body: Record<string, unknown>) => loupe.call('POST', path, { experiment_id: exp, ...body });
    expect((await del(`${V3}/delete-traces`, { max_timestamp_millis: Date.parse('2025-06-15T14:07:42.000Z'), max_traces: 1 })).body).toEqual({
      traces_deleted: 1,
    });
    expect((await del('/api/2.0/mlflow/traces/delete-traces', { request_ids: [`tr-${'3'.repeat(32)}`] })).body).toEqual({ traces_deleted: 1 });
    expect((await loupe.call('GET', `${V3}/tr-${'1'.repeat(32)}`)).status).toBe(404);
    expect((await loupe.call('GET', `${V3}/tr-${'2'.repeat(32)}`)).status).toBe(200);
    for (const body of [
      {},
      { max_timestamp_millis: 1, request_ids: ['x'] },
      { request_ids: ['x'], max_traces: 1 },
      { max_timestamp_millis: 1, max_traces: 0 },
    ]) {
      expect((await del(`${V3}/delete-traces`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await loupe.call('POST', `${V3}/delete-traces`, { request_ids: ['x'] })).status).toBe(400);
  });
});
