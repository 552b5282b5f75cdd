import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { logTraces } from '../../services/monitors/testing/monitor-fixtures.js';

const API = '/api/2.0/loupe/monitors';
const AJAX = '/ajax-api/2.0/loupe/monitors';
const MINUTE = 60_000;

describe('monitors REST (/api/2.0/loupe/monitors)', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe({ uiRoot: null });
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'monitors' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(200);
    return res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const fails = async (method: string, url: string, body: unknown, status: number, code: string, message: RegExp) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(status);
    expect(res.body.error_code).toBe(code);
    expect(res.body.message).toMatch(message);
  };
  const valid = () => ({ experiment_id: exp, name: 'errors', metric: 'error_rate', comparator: '>', threshold: 0.1, window_ms: 5 * MINUTE });
  const create = async (over: Record<string, unknown> = {}) => (await ok('POST', API, { ...valid(), ...over })).monitor;

  it('creates with defaults, reads, lists, updates, evaluates and deletes a monitor', async () => {
    const now = loupe.clock.now();
    const created = await create({ description: 'Share of failed traces', filter_string: "tag.env = 'prod'" });
    expect(created).toEqual({
      monitor_id: expect.any(String),
      experiment_id: exp,
      name: 'errors',
      description: 'Share of failed traces',
      metric: 'error_rate',
      filter_string: "tag.env = 'prod'",
      comparator: '>',
      threshold: 0.1,
      window_ms: 300_000,
      interval_ms: 60_000,
      min_samples: 1,
      enabled: true,
      state: 'NO_DATA',
      creation_timestamp: now,
      last_updated_timestamp: now,
    });
    const id = created.monitor_id as string;
    expect((await ok('GET', `${API}/${id}`)).monitor).toEqual(created);
    expect((await ok('GET', `${AJAX}?experiment_id=${exp}`)).monitors).toEqual([created]);

    loupe.clock.advance(1000);
    const updated = (await ok('PATCH', `${API}/${id}`, { threshold: '0.5', comparator: '>=', filter_string: '', description: '' })).monitor;
    expect(updated).toMatchObject({ threshold: 0.5, comparator: '>=', last_updated_timestamp: now + 1000 });
    expect(updated).not.toHaveProperty('filter_string');
    expect(updated).not.toHaveProperty('description');

    await logTraces(loupe.app, exp, [{ at: loupe.clock.now() - 1000, state: 'ERROR' }, { at: loupe.clock.now() - 1000 }]);
    const evaluated = (await ok('POST', `${AJAX}/${id}/evaluate`, {})).monitor;
    expect(evaluated).toMatchObject({ state: 'ALERT', last_value: 0.5, last_sample_count: 2, last_evaluated_timestamp: loupe.clock.now() });
    expect((await ok('GET', `${API}/${id}/events`)).events).toEqual([
      {
        event_id: expect.any(String),
        monitor_id: id,
        from_state: 'NO_DATA',
        to_state: 'ALERT',
        value: 0.5,
        sample_count: 2,
        threshold: 0.5,
        comparator: '>=',
        timestamp: loupe.clock.now(),
      },
    ]);

    await ok('DELETE', `${API}/${id}`);
    await fails('GET', `${API}/${id}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST', /Monitor with id '.+' not found/);
    expect((await ok('GET', `${API}?experiment_id=${exp}`)).monitors).toBeUndefined();
  });

  it('refuses bad settings with a 400 naming the field', async () => {
    const { metric: _metric, ...noMetric } = valid();
    await fails('POST', API, noMetric, 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'metric'/);
    await fails('POST', API, { ...valid(), metric: 'p42' }, 400, 'INVALID_PARAMETER_VALUE', /parameter 'metric'/);
    await fails('POST', API, { ...valid(), comparator: '==' }, 400, 'INVALID_PARAMETER_VALUE', /parameter 'comparator'/);
    await fails('POST', API, { ...valid(), threshold: 'high' }, 400, 'INVALID_PARAMETER_VALUE', /parameter 'threshold'/);
    await fails('POST', API, { ...valid(), threshold: 'NaN' }, 400, 'INVALID_PARAMETER_VALUE', /'threshold' must be a finite number/);
    await fails('POST', API, { ...valid(), window_ms: 1000 }, 400, 'INVALID_PARAMETER_VALUE', /'window_ms' must be between 60000 and 604800000 \(got 1000\)/);
    await fails('POST', API, { ...valid(), interval_ms: 10 }, 400, 'INVALID_PARAMETER_VALUE', /'interval_ms' must be between/);
    await fails('POST', API, { ...valid(), min_samples: 0 }, 400, 'INVALID_PARAMETER_VALUE', /'min_samples' must be between 1/);
    await fails('POST', API, { ...valid(), name: '  ' }, 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'name'/);
    await fails(
      'POST',
      API,
      { ...valid(), metric: 'assessment_avg' },
      400,
      'INVALID_PARAMETER_VALUE',
      /'assessment_name' is required for metric 'assessment_avg'/,
    );
    await fails('POST', API, { ...valid(), assessment_name: 'tone' }, 400, 'INVALID_PARAMETER_VALUE', /'assessment_name' only applies/);
    await fails('POST', API, { ...valid(), filter_string: 'tag.env ==== 1' }, 400, 'INVALID_PARAMETER_VALUE', /Invalid 'filter_string'/);
    await fails('POST', API, { ...valid(), experiment_id: '12345' }, 404, 'RESOURCE_DOES_NOT_EXIST', /12345/);
    await create();
    await fails('POST', API, valid(), 400, 'RESOURCE_ALREADY_EXISTS', /A monitor named 'errors' already exists/);
    const other = await create({ name: 'other' });
    await fails('PATCH', `${API}/${other.monitor_id}`, { name: 'errors' }, 400, 'RESOURCE_ALREADY_EXISTS', /already exists/);
    await fails('PATCH', `${API}/${other.monitor_id}`, { metric: 'assessment_pass_rate' }, 400, 'INVALID_PARAMETER_VALUE', /'assessment_name' is required/);
    await fails('PATCH', `${API}/${other.monitor_id}`, { window_ms: 700_000_000 }, 400, 'INVALID_PARAMETER_VALUE', /'window_ms' must be between/);
    await fails('PATCH', `${API}/nope`, { threshold: 1 }, 404, 'RESOURCE_DOES_NOT_EXIST', /nope/);
    await fails('POST', `${API}/nope/evaluate`, {}, 404, 'RESOURCE_DOES_NOT_EXIST', /nope/);
    await fails('GET', `${API}?experiment_id=${exp}&max_results=0`, undefined, 400, 'INVALID_PARAMETER_VALUE', /'max_results' must be between 1 and 1000/);
    await fails('GET', `${API}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'experiment_id'/);
  });

  it('measures latency percentiles, judge scores and pass rates, narrowed by the trace filter', async () => {
    const at = loupe.clock.now() - 1000;
    await logTraces(loupe.app, exp, [
      { at, durationMs: 100, tags: { env: 'prod' }, scores: { relevance: 0.5, safe: 'yes' }, usage: { totalTokens: 100, totalCost: 0.25 } },
      { at, durationMs: 200, tags: { env: 'prod' }, scores: { relevance: 1, safe: false }, usage: { totalTokens: 300, totalCost: 0.5 } },
      { at, durationMs: 300, tags: { env: 'prod' }, scores: { relevance: true, safe: true } },
      { at, durationMs: 5000, tags: { env: 'dev' }, scores: { relevance: 0, safe: false } },
      // Outside the window: never counted.
      { at: at - 10 * MINUTE, durationMs: 9000, tags: { env: 'prod' }, scores: { relevance: 0, safe: false } },
    ]);
    const prod = { filter_string: "tag.env = 'prod'" };
    const value = async (over: Record<string, unknown>) => {
      const m = await create({ name: `m${Math.random()}`, ...over });
      return (await ok('POST', `${API}/${m.monitor_id}/evaluate`, {})).monitor;
    };
    expect(await value({ metric: 'latency_p50', ...prod })).toMatchObject({ last_value: 200, last_sample_count: 3 });
    expect(await value({ metric: 'latency_p99', threshold: 1000 })).toMatchObject({ state: 'ALERT', last_sample_count: 4 });
    expect(await value({ metric: 'trace_count', ...prod })).toMatchObject({ last_value: 3 });
    // Cost and tokens: over the traces that report them.
    expect(await value({ metric: 'avg_cost' })).toMatchObject({ last_value: 0.375, last_sample_count: 2 });
    expect(await value({ metric: 'total_cost', threshold: 0.7 })).toMatchObject({ state: 'ALERT', last_value: 0.75, last_sample_count: 2 });
    expect(await value({ metric: 'avg_tokens', threshold: 1000 })).toMatchObject({ state: 'OK', last_value: 200, last_sample_count: 2 });
    expect(await value({ metric: 'assessment_avg', assessment_name: 'relevance', ...prod })).toMatchObject({ last_value: 2.5 / 3, last_sample_count: 3 });
    expect(await value({ metric: 'assessment_pass_rate', assessment_name: 'safe', comparator: '<', threshold: 0.9 })).toMatchObject({
      state: 'ALERT',
      last_value: 0.5,
      last_sample_count: 4,
    });
    expect(await value({ metric: 'assessment_avg', assessment_name: 'nobody', min_samples: 1 })).toMatchObject({ state: 'NO_DATA', last_sample_count: 0 });
    expect(await value({ metric: 'error_rate', min_samples: 5 })).toMatchObject({ state: 'NO_DATA', last_value: 0, last_sample_count: 4 });
  });
});
