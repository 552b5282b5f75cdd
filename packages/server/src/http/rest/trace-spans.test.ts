import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const OTEL_TRACE_ID = 'cd'.repeat(16);
const TRACE_ID = `tr-${OTEL_TRACE_ID}`;
const SPANS = `/api/3.0/loupe/traces/${TRACE_ID}/spans`;
const T0_NS = 1_750_000_000_000_000_000n;

const hex = (n: number) => n.toString(16).padStart(16, '0');

/** An OTLP/JSON span as third-party exporters send it. */
function otlpSpan(n: number, parent: number | null, type: string) {
  return {
    traceId: OTEL_TRACE_ID,
    spanId: hex(n),
    ...(parent !== null ? { parentSpanId: hex(parent) } : {}),
    name: `step-${n}`,
    kind: 1,
    startTimeUnixNano: String(T0_NS + BigInt(n) * 1000n),
    endTimeUnixNano: String(T0_NS + BigInt(n) * 1000n + 500n),
    attributes: [
      { key: 'mlflow.spanType', value: { stringValue: JSON.stringify(type) } },
      { key: 'step', value: { intValue: n } },
    ],
    status: { code: n === 7 ? 2 : 1 },
  };
}

describe('huge-trace span pages (GET /api/3.0/loupe/traces/{trace_id}/spans)', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    const exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'huge' })).body.experiment_id as string;
    // Span 1 is the root; spans 2..10 its children; spans 11..1000 hang under span 2, in a few requests.
    const all = [
      otlpSpan(1, null, 'AGENT'),
      ...Array.from({ length: 9 }, (_, i) => otlpSpan(i + 2, 1, 'LLM')),
      ...Array.from({ length: 990 }, (_, i) => otlpSpan(i + 11, 2, 'TOOL')),
    ];
    for (let i = 0; i < all.length; i += 250) {
      const res = await loupe.app.request('/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
        body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: all.slice(i, i + 250) }] }] }),
      });
      expect(res.status).toBe(200);
    }
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  type FullSpan = { name: string; span_id: string; start_time_unix_nano: number };
  type Summary = {
    span_id: string;
    parent_span_id?: string;
    name: string;
    type: string;
    status: string;
    start_time_us: number;
    end_time_us: number;
    child_count: number;
  };
  const get = async <T>(query: string, base = SPANS) => {
    const res = await loupe.call('GET', `${base}?${query}`);
    return { status: res.status, spans: (res.body.spans ?? []) as T[], token: res.body.next_page_token as string | undefined, body: res.body };
  };

  it('pages through every span in start order with keyset tokens, as OTel proto JSON', async () => {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await get<FullSpan>(`max_results=300${token ? `&page_token=${token}` : ''}`);
      expect(page.status).toBe(200);
      names.push(...page.spans.map((s) => s.name));
      token = page.token;
      pages++;
    } while (token);
    expect(pages).toBe(4);
    expect(names).toEqual(Array.from({ length: 1000 }, (_, i) => `step-${i + 1}`));
    const first = await loupe.app.request(`${SPANS}?max_results=1`);
    expect(await first.text()).toContain(`"start_time_unix_nano":${T0_NS + 1000n}`);
  });

  it('serves a lazily expanded tree: roots, then children, as summaries with child counts', async () => {
    const roots = await get<Summary>('roots_only=true&view=SUMMARY');
    // Every page says how many spans the trace holds in all, so a viewer can tell before reading them.
    expect(roots.body.trace_span_count).toBe(1000);
    expect(roots.spans).toEqual([
      {
        span_id: hex(1),
        name: 'step-1',
        type: 'AGENT',
        status: 'OK',
        start_time_us: Number(T0_NS / 1000n) + 1,
        end_time_us: Number(T0_NS / 1000n) + 1,
        child_count: 9,
      },
    ]);
    const children = await get<Summary>(`parent_span_id=${hex(1)}&view=SUMMARY&max_results=3`);
    expect(children.spans.map((s) => [s.name, s.child_count, s.parent_span_id])).toEqual([
      ['step-2', 990, hex(1)],
      ['step-3', 0, hex(1)],
      ['step-4', 0, hex(1)],
    ]);
    const rest = await get<Summary>(`parent_span_id=${hex(1)}&view=SUMMARY&page_token=${children.token}`);
    expect(rest.spans.map((s) => s.name)).toEqual(['step-5', 'step-6', 'step-7', 'step-8', 'step-9', 'step-10']);
    expect(rest.spans.find((s) => s.name === 'step-7')?.status).toBe('ERROR');
    // The base64 ids of the OTel proto JSON spans work as well as hex.
    const base64 = Buffer.from(hex(1), 'hex').toString('base64');
    expect((await get<Summary>(`parent_span_id=${encodeURIComponent(base64)}&view=SUMMARY&max_results=3`)).spans).toEqual(children.spans);
  });

  it('walks subtrees and searches inside the trace, on /api and /ajax-api', async () => {
    const depthOne = await get<Summary>(`subtree_span_id=${hex(1)}&max_depth=1&view=SUMMARY&max_results=1000`);
    expect(depthOne.spans).toHaveLength(10);
    const whole = await get<Summary>(`subtree_span_id=${hex(2)}&view=SUMMARY&max_results=1000`);
    expect(whole.spans).toHaveLength(991);
    const llm = await get<FullSpan>(`filter=${encodeURIComponent("span.type = 'LLM' AND span.status = 'ERROR'")}`);
    expect(llm.spans.map((s) => s.name)).toEqual(['step-7']);
    const byAttribute = await get<FullSpan>(`filter=${encodeURIComponent("span.attributes.step LIKE '99_'")}`, `/ajax-api/3.0/loupe/traces/${TRACE_ID}/spans`);
    expect(byAttribute.spans.map((s) => s.name)).toEqual(Array.from({ length: 10 }, (_, i) => `step-${990 + i}`));
  });

  it("streams MLflow's whole-trace reads page by page: traces/get and batchGet return every span in order", async () => {
    // 1,000 more spans under the root: 2,000 in all, more than one read page of the store.
    const exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/search', { max_results: 10 })).body.experiments as {
      experiment_id: string;
      name: string;
    }[];
    const more = Array.from({ length: 1000 }, (_, i) => otlpSpan(i + 1001, 1, 'TOOL'));
    const res = await loupe.app.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp.find((e) => e.name === 'huge')?.experiment_id ?? '' },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: more }] }] }),
    });
    expect(res.status).toBe(200);
    const get = await loupe.app.request(`/api/3.0/mlflow/traces/get?trace_id=${TRACE_ID}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('x-loupe-version')).toBeTruthy();
    const body = (await get.json()) as { trace: { trace_info: { trace_id: string }; spans: FullSpan[] } };
    expect(body.trace.trace_info.trace_id).toBe(TRACE_ID);
    expect(body.trace.spans.map((s) => s.name)).toEqual(Array.from({ length: 2000 }, (_, i) => `step-${i + 1}`));
    const batch = (await (await loupe.app.request(`/api/3.0/mlflow/traces/batchGet?trace_ids=${TRACE_ID}&trace_ids=tr-unknown`)).json()) as {
      traces: { spans: unknown[] }[];
    };
    expect(batch.traces.map((t) => t.spans.length)).toEqual([2000]);
  });

  it('opens on one span: its ancestors with a window of each level around the way, and tokens to read on both sides', async () => {
    type Level = { parent_span_id?: string; spans?: Summary[]; prev_page_token?: string; next_page_token?: string };
    const around = async (query: string) => {
      const res = await loupe.call('GET', `${SPANS}/around?${query}`);
      expect(res.status).toBe(200);
      return res.body as { levels: Level[]; trace_span_count: number };
    };
    // step-500 is child 490 of step-2's 990: the way is step-1 > step-2 > step-500.
    const body = await around(`span_id=${hex(500)}&max_results=9`);
    expect(body.trace_span_count).toBe(1000);
    expect(body.levels.map((l) => [l.parent_span_id, l.spans?.map((s) => s.name), !!l.prev_page_token, !!l.next_page_token])).toEqual([
      [undefined, ['step-1'], false, false],
      [hex(1), ['step-2', 'step-3', 'step-4', 'step-5', 'step-6', 'step-7', 'step-8', 'step-9', 'step-10'], false, false],
      [hex(2), ['step-496', 'step-497', 'step-498', 'step-499', 'step-500', 'step-501', 'step-502', 'step-503', 'step-504'], true, true],
    ]);
    const [, middle, window] = body.levels as [Level, Level, Level];
    expect(middle.spans?.[0]).toMatchObject({ child_count: 990, parent_span_id: hex(1) });
    // The tokens go on with the ordinary span pages of the same parent: backwards from the window, then forwards after it.
    const back = await get<Summary>(`parent_span_id=${hex(2)}&view=SUMMARY&max_results=3&page_token=${window.prev_page_token}`);
    expect(back.spans.map((s) => s.name)).toEqual(['step-493', 'step-494', 'step-495']);
    const further = await get<Summary>(`parent_span_id=${hex(2)}&view=SUMMARY&max_results=500&page_token=${back.token}`);
    expect(further.spans.map((s) => s.name)).toEqual(Array.from({ length: 482 }, (_, i) => `step-${i + 11}`));
    expect(further.token).toBeUndefined();
    const on = await get<Summary>(`parent_span_id=${hex(2)}&view=SUMMARY&max_results=2&page_token=${window.next_page_token}`);
    expect(on.spans.map((s) => s.name)).toEqual(['step-505', 'step-506']);

    // A span near the start of its level: the window starts with the first child, the rest comes after it.
    const near = await around(`span_id=${hex(12)}&max_results=9`);
    expect(near.levels[2]?.spans?.map((s) => s.name)).toEqual([
      'step-11',
      'step-12',
      'step-13',
      'step-14',
      'step-15',
      'step-16',
      'step-17',
      'step-18',
      'step-19',
    ]);
    expect(near.levels[2]?.prev_page_token).toBeUndefined();
    // A span with children: the first page of them comes last, so the rows under it are there too.
    const parent = await around(`span_id=${hex(2)}&max_results=4`);
    expect(parent.levels.map((l) => [l.parent_span_id, l.spans?.map((s) => s.name), !!l.prev_page_token, !!l.next_page_token])).toEqual([
      [undefined, ['step-1'], false, false],
      [hex(1), ['step-2', 'step-3', 'step-4', 'step-5'], false, true],
      [hex(2), ['step-11', 'step-12', 'step-13', 'step-14'], false, true],
    ]);
    // Base64 span ids work as well as hex, on /ajax-api too.
    const base64 = encodeURIComponent(Buffer.from(hex(500), 'hex').toString('base64'));
    const viaAjax = await loupe.call('GET', `/ajax-api/3.0/loupe/traces/${TRACE_ID}/spans/around?span_id=${base64}&max_results=9`);
    expect(viaAjax.body).toEqual(body);

    const unknownSpan = await loupe.call('GET', `${SPANS}/around?span_id=${hex(5000)}`);
    expect(unknownSpan).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringContaining(hex(5000)) } });
    const unknownTrace = await loupe.call('GET', `/api/3.0/loupe/traces/tr-${'0'.repeat(32)}/spans/around?span_id=${hex(1)}`);
    expect(unknownTrace).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const missing = await loupe.call('GET', `${SPANS}/around`);
    expect(missing).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'span_id'") } });
    const bad = await loupe.call('GET', `${SPANS}/around?span_id=xyz`);
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringContaining('span_id') } });
    const tooMany = await loupe.call('GET', `${SPANS}/around?span_id=${hex(1)}&max_results=1001`);
    expect(tooMany).toMatchObject({ status: 400, body: { message: expect.stringContaining('max_results') } });
  });

  it('answers bad requests with a 400 naming the parameter, and unknown traces with a 404', async () => {
    const bad = async (query: string, message: RegExp) => {
      const res = await loupe.call('GET', `${SPANS}?${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
    };
    await bad(`roots_only=true&parent_span_id=${hex(1)}`, /At most one of 'parent_span_id', 'roots_only' and 'subtree_span_id'/);
    await bad('max_depth=2', /'max_depth' can only be given with 'subtree_span_id'/);
    await bad(`subtree_span_id=${hex(1)}&max_depth=101`, /max_depth/);
    await bad('parent_span_id=xyz', /parent_span_id/);
    await bad("filter=tag.env%20%3D%20'prod'", /span\.name, span\.type, span\.status, span\.attributes/);
    await bad('filter=span.type%20%3D', /./);
    await bad('page_token=garbage', /page token/);
    await bad('max_results=1001', /max_results/);
    await bad('view=TREE', /view/);
    const missing = await loupe.call('GET', `/api/3.0/loupe/traces/tr-${'0'.repeat(32)}/spans`);
    expect(missing).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });
});
