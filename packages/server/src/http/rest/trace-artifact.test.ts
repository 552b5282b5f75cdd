import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toSpanBatches } from '../../ingest/span-batches.js';
import { ingestSpan } from '../../ingest/testing/ingest-spans.js';
import { CHILD_HEX, OTEL_TRACE_HEX, ROOT_HEX, T, TRACE_JSON_DIALECTS } from '../../services/traces/trace-json-samples.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const V3 = '/api/3.0/mlflow/traces';
const TRACE_ID = `tr-${OTEL_TRACE_HEX}`;
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

describe('traces.json artifact mode (older clients) and get-trace-artifact', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'artifact-mode' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  /** StartTraceV3 with no OTLP spans, then the client's PUT of traces.json to the returned location. */
  async function startAndUpload(traceId: string, body: string, sizeStats?: number): Promise<void> {
    const trace_info = {
      trace_id: traceId,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
      request_time: '2025-06-15T14:07:41.282Z',
      execution_duration: '0.532s',
      state: 'OK',
      trace_metadata: sizeStats ? { 'mlflow.trace.sizeStats': JSON.stringify({ num_spans: sizeStats }) } : {},
    };
    const res = await loupe.call('POST', V3, { trace: { trace_info } });
    const location = (res.body.trace as { trace_info: { tags: Record<string, string> } }).trace_info.tags['mlflow.artifactLocation'] as string;
    expect(res.body.trace).not.toMatchObject({ trace_info: { tags: { 'mlflow.trace.spansLocation': 'TRACKING_STORE' } } });
    await upload(location, body);
  }
  async function upload(location: string, body: string): Promise<void> {
    const url = `/api/2.0/mlflow-artifacts/artifacts/${location.replace('mlflow-artifacts:/', '')}/traces.json`;
    expect((await loupe.app.request(url, { method: 'PUT', body, headers: { 'content-type': 'application/json' } })).status).toBe(200);
  }
  const searchIds = async (filter: string) =>
    (
      ((await loupe.call('POST', `${V3}/search`, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], filter })).body
        .traces as { trace_id: string }[] | undefined) ?? []
    ).map((t) => t.trace_id);

  for (const [dialect, body] of Object.entries(TRACE_JSON_DIALECTS)) {
    it(`serves an uploaded ${dialect} traces.json through traces/get, batchGet, get-trace-artifact and span search`, async () => {
      await startAndUpload(TRACE_ID, body, 2);
      const get = await loupe.app.request(`${V3}/get?trace_id=${TRACE_ID}`);
      expect(get.status).toBe(200);
      const text = await get.text();
      // OTel proto JSON (spec §4.6a), nanoseconds exact.
      expect(text).toContain(`"start_time_unix_nano":${T.rootStart},"end_time_unix_nano":${T.rootEnd}`);
      expect(text).toContain(`"start_time_unix_nano":${T.childStart}`);
      const trace = (JSON.parse(text) as { trace: { trace_info: { trace_id: string; state: string }; spans: Record<string, unknown>[] } }).trace;
      expect(trace.trace_info).toMatchObject({ trace_id: TRACE_ID, state: 'OK' });
      expect(trace.spans).toHaveLength(2);
      expect(trace.spans[0]).toMatchObject({
        trace_id: b64(OTEL_TRACE_HEX),
        span_id: b64(ROOT_HEX),
        parent_span_id: '',
        name: 'predict',
        kind: 'SPAN_KIND_INTERNAL',
        status: { code: 'STATUS_CODE_OK', message: '' },
        attributes: expect.arrayContaining([{ key: 'mlflow.spanType', value: { string_value: '"CHAIN"' } }]),
        events: [expect.objectContaining({ name: 'retry' })],
      });
      expect(trace.spans[1]).toMatchObject({ span_id: b64(CHILD_HEX), parent_span_id: b64(ROOT_HEX), status: { code: 'STATUS_CODE_ERROR', message: 'boom' } });

      const batch = await loupe.app.request(`${V3}/batchGet?trace_ids=${TRACE_ID}`);
      expect((JSON.parse(await batch.text()) as { traces: { spans: unknown[] }[] }).traces[0]?.spans).toHaveLength(2);

      const artifact = await loupe.app.request(`/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${TRACE_ID}`);
      expect(artifact.status).toBe(200);
      expect(artifact.headers.get('content-disposition')).toContain('traces.json');
      const doc = await artifact.text();
      expect(doc).toContain(`"start_time_unix_nano":${T.rootStart}`);
      expect(
        (JSON.parse(doc) as { spans: { name: string; attributes: Record<string, string> }[] }).spans.map((s) => [s.name, s.attributes['mlflow.spanType']]),
      ).toEqual([
        ['predict', '"CHAIN"'],
        ['llm', '"LLM"'],
      ]);

      // Imported on first read: span filters now find the trace.
      expect(await searchIds("span.type = 'LLM'")).toEqual([TRACE_ID]);
      expect(await searchIds("span.name = 'predict' AND span.status = 'ERROR'")).toEqual([TRACE_ID]);
    });
  }

  it('imports an uploaded traces.json as it lands: span filters find the trace before any read', async () => {
    await startAndUpload(TRACE_ID, TRACE_JSON_DIALECTS[Object.keys(TRACE_JSON_DIALECTS)[0] as keyof typeof TRACE_JSON_DIALECTS] as string, 2);
    expect(await searchIds("span.type = 'LLM'")).toEqual([TRACE_ID]);
    // A file that is not span data is stored all the same; the trace just has no spans.
    const other = `tr-${'9'.repeat(32)}`;
    await startAndUpload(other, '{"not": "spans"');
    expect((await loupe.call('GET', `${V3}/${other}`)).status).toBe(200);
  });

  it('reads back a v2 trace (server-made id, other OTel id) from its traces.json', async () => {
    const started = await loupe.call('POST', '/api/2.0/mlflow/traces', { experiment_id: exp, timestamp_ms: 1_749_996_461_282, request_metadata: [], tags: [] });
    const info = started.body.trace_info as { request_id: string; tags: { key: string; value: string }[] };
    await upload(info.tags.find((t) => t.key === 'mlflow.artifactLocation')?.value as string, TRACE_JSON_DIALECTS['MLflow 2.x'] as string);
    await loupe.call('PATCH', `/api/2.0/mlflow/traces/${info.request_id}`, { timestamp_ms: 1_749_996_461_814, status: 'OK' });
    const get = await loupe.call('GET', `${V3}/get?trace_id=${info.request_id}`);
    const trace = get.body.trace as { trace_info: { trace_id: string; state: string; execution_duration: string }; spans: { name: string }[] };
    expect(trace.trace_info).toMatchObject({ trace_id: info.request_id, state: 'OK', execution_duration: '0.532s' });
    expect(trace.spans.map((s) => s.name)).toEqual(['predict', 'llm']);
  });

  it('get-trace-artifact serves OTLP-stored spans too', async () => {
    await loupe.services.traces.ingestSpans(
      exp,
      toSpanBatches([
        ingestSpan({
          traceId: OTEL_TRACE_HEX,
          spanId: ROOT_HEX,
          name: 'otlp-root',
          kind: 'SPAN_KIND_SERVER',
          startTimeUnixNano: T.rootStart,
          endTimeUnixNano: T.rootEnd,
          attributes: { 'mlflow.spanType': 'AGENT' },
        }),
      ]),
    );
    const res = await loupe.app.request(`/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${TRACE_ID}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    // A download, never a page: span inputs are text anyone could send.
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="traces.json"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const text = await res.text();
    expect(text).toContain(`"end_time_unix_nano":${T.rootEnd}`);
    expect(JSON.parse(text)).toMatchObject({
      spans: [{ name: 'otlp-root', span_id: b64(ROOT_HEX), attributes: { 'mlflow.spanType': '"AGENT"' }, status: { code: 'STATUS_CODE_UNSET' } }],
    });
  });

  it('a trace without readable span data is served without spans', async () => {
    await startAndUpload(TRACE_ID, '{"spans": [{"name": "no ids"}]}');
    expect(await loupe.call('GET', `${V3}/get?trace_id=${TRACE_ID}`)).toMatchObject({ status: 200, body: { trace: { trace_info: { trace_id: TRACE_ID } } } });
    expect((await loupe.call('GET', `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${TRACE_ID}`)).text).toBe('{"spans":[]}');
    // Fixed by a new upload: read on the next request.
    await upload(`mlflow-artifacts:/${exp}/traces/${TRACE_ID}/artifacts`, TRACE_JSON_DIALECTS['TypeScript SDK'] as string);
    expect(((await loupe.call('GET', `${V3}/get?trace_id=${TRACE_ID}`)).body.trace as { spans: unknown[] }).spans).toHaveLength(2);
  });

  it('get-trace-artifact: a missing request_id is BAD_REQUEST, an unknown trace RESOURCE_DOES_NOT_EXIST', async () => {
    expect(await loupe.call('GET', '/ajax-api/2.0/mlflow/get-trace-artifact')).toMatchObject({
      status: 400,
      body: { error_code: 'BAD_REQUEST', message: expect.stringContaining('request_id') },
    });
    expect(await loupe.call('GET', `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-${'0'.repeat(32)}`)).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
  });
});
