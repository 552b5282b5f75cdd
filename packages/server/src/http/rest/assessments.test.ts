import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const TRACE_ID = `tr-${'ef'.repeat(16)}`;
const BASE = `/api/3.0/mlflow/traces/${TRACE_ID}/assessments`;

describe('assessments REST (spec §5)', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'assessments' })).body.experiment_id as string;
    const started = await loupe.call('POST', '/api/3.0/mlflow/traces', {
      trace: {
        trace_info: {
          trace_id: TRACE_ID,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
          request_time: '2025-06-15T14:07:41.282Z',
          state: 'OK',
        },
      },
    });
    expect(started.status).toBe(200);
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  // What MLflow's Python client sends for mlflow.log_feedback(...) (protobuf-JSON, field names preserved).
  const pythonFeedback = (over: Record<string, unknown> = {}) => ({
    assessment: {
      assessment_name: 'helpfulness',
      trace_id: TRACE_ID,
      source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o' },
      create_time: '2025-06-15T14:08:00Z',
      last_update_time: '2025-06-15T14:08:00Z',
      feedback: { value: 0.75 },
      rationale: 'mostly helpful',
      metadata: { 'mlflow.assessment.sourceRunId': 'run-1' },
      ...over,
    },
  });

  it('creates feedback with server ids and times, reads it back, and embeds it in the trace info', async () => {
    const created = await loupe.call('POST', BASE, pythonFeedback());
    expect(created.status).toBe(200);
    const assessment = created.body.assessment as Record<string, unknown>;
    expect(assessment).toEqual({
      assessment_id: 'a-00000000000000000000000000000001',
      assessment_name: 'helpfulness',
      trace_id: TRACE_ID,
      source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o' },
      create_time: '2023-11-14T22:13:20.000Z',
      last_update_time: '2023-11-14T22:13:20.000Z',
      feedback: { value: 0.75 },
      rationale: 'mostly helpful',
      metadata: { 'mlflow.assessment.sourceRunId': 'run-1' },
      valid: true,
    });
    const got = await loupe.call('GET', `${BASE}/${assessment.assessment_id as string}`);
    expect(got.body).toEqual({ assessment });
    const info = await loupe.call('GET', `/api/3.0/mlflow/traces/${TRACE_ID}`);
    expect((info.body.trace as { trace_info: { assessments: unknown[] } }).trace_info.assessments).toEqual([assessment]);
    const full = await loupe.call('GET', `/api/3.0/mlflow/traces/get?trace_id=${TRACE_ID}`);
    expect((full.body.trace as { trace_info: { assessments: unknown[] } }).trace_info.assessments).toEqual([assessment]);
    const search = await loupe.call('POST', '/api/3.0/mlflow/traces/search', {
      locations: [{ mlflow_experiment: { experiment_id: exp } }],
      filter: "feedback.helpfulness = '0.75'",
    });
    expect((search.body.traces as { assessments: unknown[] }[]).map((t) => t.assessments)).toEqual([[assessment]]);
  });

  it('stores expectations as values or serialized values, and feedback that failed as an error', async () => {
    const plain = await loupe.call('POST', BASE, {
      assessment: { assessment_name: 'expected', source: { source_type: 'HUMAN', source_id: 'bob' }, expectation: { value: ['Paris', 'France'] } },
    });
    expect((plain.body.assessment as Record<string, unknown>).expectation).toEqual({ value: ['Paris', 'France'] });
    const serialized = { serialization_format: 'JSON_FORMAT', value: '{"city":"Paris"}' };
    const structured = await loupe.call('POST', BASE, {
      assessment: { assessment_name: 'facts', source: { source_type: 'HUMAN', source_id: 'bob' }, expectation: { serialized_value: serialized } },
    });
    expect((structured.body.assessment as Record<string, unknown>).expectation).toEqual({ serialized_value: serialized });
    const failed = await loupe.call('POST', BASE, {
      assessment: {
        assessment_name: 'judge',
        source: { source_type: 2, source_id: 'j' },
        feedback: { value: null, error: { error_code: 'RATE_LIMIT', error_message: 'slow down', stack_trace: 'x'.repeat(5000) } },
      },
    });
    expect(failed.status).toBe(200);
    const feedback = (failed.body.assessment as { feedback: { value?: unknown; error: { stack_trace: string } }; source: unknown }).feedback;
    expect(feedback.value).toBeUndefined();
    expect(feedback.error.stack_trace).toHaveLength(1000);
    expect((failed.body.assessment as { source: unknown }).source).toEqual({ source_type: 'LLM_JUDGE', source_id: 'j' });
  });

  it('updates the fields of a protobuf-JSON update mask (camelCase paths), merging metadata', async () => {
    const id = ((await loupe.call('POST', BASE, pythonFeedback())).body.assessment as { assessment_id: string }).assessment_id;
    loupe.clock.advance(5000);
    const res = await loupe.call('PATCH', `${BASE}/${id}`, {
      trace_id: TRACE_ID,
      assessment_id: id,
      assessment: { assessment_name: 'helpful', feedback: { value: true }, rationale: 'changed my mind', metadata: { reviewer: 'carol' } },
      update_mask: 'assessmentName,feedback,rationale,metadata',
    });
    expect(res.status).toBe(200);
    expect(res.body.assessment).toMatchObject({
      assessment_id: id,
      assessment_name: 'helpful',
      feedback: { value: true },
      rationale: 'changed my mind',
      metadata: { 'mlflow.assessment.sourceRunId': 'run-1', reviewer: 'carol' },
      create_time: '2023-11-14T22:13:20.000Z',
      last_update_time: '2023-11-14T22:13:25.000Z',
    });
    // Paths not in the mask are left alone; the object form of a FieldMask works too.
    const renamed = await loupe.call('PATCH', `${BASE}/${id}`, {
      assessment: { assessment_name: 'ignored', rationale: 'again' },
      update_mask: { paths: ['rationale'] },
    });
    expect(renamed.body.assessment).toMatchObject({ assessment_name: 'helpful', rationale: 'again' });
  });

  it('an override hides the original from searches until it is deleted', async () => {
    const judge = ((await loupe.call('POST', BASE, pythonFeedback({ feedback: { value: 'no' } }))).body.assessment as { assessment_id: string }).assessment_id;
    const human = await loupe.call(
      'POST',
      BASE,
      pythonFeedback({ source: { source_type: 'HUMAN', source_id: 'alice' }, feedback: { value: 'yes' }, overrides: judge }),
    );
    const humanId = (human.body.assessment as { assessment_id: string; overrides: string }).assessment_id;
    expect((human.body.assessment as { overrides: string }).overrides).toBe(judge);
    expect(((await loupe.call('GET', `${BASE}/${judge}`)).body.assessment as { valid: boolean }).valid).toBe(false);
    const search = (filter: string) =>
      loupe
        .call('POST', '/api/3.0/mlflow/traces/search', { locations: [{ mlflow_experiment: { experiment_id: exp } }], filter })
        .then((r) => (r.body.traces as unknown[] | undefined)?.length ?? 0);
    expect(await search("feedback.helpfulness = 'no'")).toBe(0);
    expect(await search("feedback.helpfulness = 'yes'")).toBe(1);
    expect((await loupe.call('DELETE', `${BASE}/${humanId}`)).status).toBe(200);
    expect(await search("feedback.helpfulness = 'no'")).toBe(1);
    // Deleting what is already gone succeeds, as in MLflow.
    expect((await loupe.call('DELETE', `${BASE}/${humanId}`)).status).toBe(200);
    expect((await loupe.call('GET', `${BASE}/${humanId}`)).status).toBe(404);
  });

  it('answers bad requests with a 4xx naming the field', async () => {
    const cases: [string, string, string, unknown, number, RegExp][] = [
      ['missing assessment', 'POST', BASE, {}, 400, /'assessment'/],
      ['missing name', 'POST', BASE, { assessment: { feedback: { value: 1 } } }, 400, /assessment_name/],
      ['both kinds', 'POST', BASE, { assessment: { assessment_name: 'x', feedback: { value: 1 }, expectation: { value: 1 } } }, 400, /feedback.*expectation/],
      ['no kind', 'POST', BASE, { assessment: { assessment_name: 'x' } }, 400, /feedback.*expectation/],
      ['null feedback without error', 'POST', BASE, { assessment: { assessment_name: 'x', feedback: { value: null } } }, 400, /feedback.value/],
      ['null expectation', 'POST', BASE, { assessment: { assessment_name: 'x', expectation: { value: null } } }, 400, /serialized_value/],
      ['long name', 'POST', BASE, { assessment: { assessment_name: 'n'.repeat(251), feedback: { value: 1 } } }, 400, /assessment_name/],
      ['bad source type', 'POST', BASE, { assessment: { assessment_name: 'x', source: { source_type: 'ROBOT' }, feedback: { value: 1 } } }, 400, /source_type/],
      ['metadata not strings', 'POST', BASE, { assessment: { assessment_name: 'x', feedback: { value: 1 }, metadata: { a: { b: 1 } } } }, 400, /metadata/],
      ['unknown trace', 'POST', `/api/3.0/mlflow/traces/tr-nope/assessments`, { assessment: { assessment_name: 'x', feedback: { value: 1 } } }, 404, /tr-nope/],
      ['unknown override', 'POST', BASE, { assessment: { assessment_name: 'x', feedback: { value: 1 }, overrides: 'a-zzz' } }, 404, /a-zzz/],
      ['unknown assessment', 'GET', `${BASE}/a-zzz`, undefined, 404, /a-zzz/],
      ['update without mask', 'PATCH', `${BASE}/a-zzz`, { assessment: { rationale: 'r' } }, 400, /update_mask/],
      ['update with bad path', 'PATCH', `${BASE}/a-zzz`, { assessment: { rationale: 'r' }, update_mask: 'source' }, 400, /update_mask.*source/],
      ['update unknown', 'PATCH', `${BASE}/a-zzz`, { assessment: { rationale: 'r' }, update_mask: 'rationale' }, 404, /a-zzz/],
    ];
    for (const [label, method, url, body, status, message] of cases) {
      const res = await loupe.call(method, url, body);
      expect(res.status, label).toBe(status);
      expect(res.body.error_code, label).toBe(status === 404 ? 'RESOURCE_DOES_NOT_EXIST' : 'INVALID_PARAMETER_VALUE');
      expect(res.body.message, label).toMatch(message);
    }
    // Feedback cannot become an expectation.
    const id = ((await loupe.call('POST', BASE, pythonFeedback())).body.assessment as { assessment_id: string }).assessment_id;
    const res = await loupe.call('PATCH', `${BASE}/${id}`, { assessment: { expectation: { value: 1 } }, update_mask: 'expectation' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/feedback/);
  });
});
