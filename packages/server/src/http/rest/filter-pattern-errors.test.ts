import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'filter patterns the database refuses', () => {
    let loupe: TestLoupe;
    let experimentId: string;
    beforeEach(async () => {
      loupe = await createTestLoupe({ database: await backend.create() });
      experimentId = String((await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'patterns' })).body.experiment_id);
      // A stored span and tag: databases evaluate a pattern only against rows.
      const otlp = {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '0102030405060708090a0b0c0d0e0f10',
                    spanId: '0102030405060708',
                    name: 'lookup',
                    startTimeUnixNano: '1700000000000000000',
                    endTimeUnixNano: '1700000001000000000',
                  },
                ],
              },
            ],
          },
        ],
      };
      const res = await loupe.app.request('/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
        body: JSON.stringify(otlp),
      });
      expect(res.status).toBe(200);
    });
    afterEach(async () => {
      await loupe.dispose();
    });

    const search = (filter: string) =>
      loupe.call('POST', '/api/3.0/mlflow/traces/search', {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter,
      });

    it('answers 400 naming the pattern, never 500, and keeps serving', async () => {
      for (const filter of ["span.name RLIKE 'look('", "trace.name RLIKE '(('", "span.attributes.x RLIKE '[a'"]) {
        const res = await search(filter);
        expect(res.status, filter).toBe(400);
        expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(String(res.body.message)).toMatch(/Invalid pattern in the filter/);
      }
      // PostgreSQL's LIKE escapes with a backslash: one at the end is refused; SQLite takes it literally.
      for (const filter of ["trace.text LIKE '%lookup\\\\'", "tag.`mlflow.traceName` LIKE 'look\\\\'"]) {
        const res = await search(filter);
        expect([200, 400], filter).toContain(res.status);
        if (res.status === 400) expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(res.status === 400, filter).toBe(backend.name === 'postgresql');
      }
      const ok = await search("span.name RLIKE '^look'");
      expect(ok.status).toBe(200);
      expect((ok.body.traces as unknown[]).length).toBe(1);
    });

    it('refuses what only a backtracking engine runs with a 400 naming the field and the construct, in searches and span pages', async () => {
      const spans = (filter: string) =>
        loupe.call('GET', `/api/3.0/loupe/traces/tr-0102030405060708090a0b0c0d0e0f10/spans?filter=${encodeURIComponent(filter)}`);
      const cases: [string, RegExp][] = [
        ["span.name RLIKE '(o)\\1'", /for span 'name': the RLIKE pattern uses a backreference \('\\1'\)/],
        ["trace.name RLIKE 'look(?=up)'", /for attribute 'name': the RLIKE pattern uses a lookahead \('\(\?='\)/],
        ["tag.`mlflow.traceName` RLIKE 'look(?!out)'", /uses a negative lookahead \('\(\?!'\)/],
        ["span.attributes.x RLIKE '(?<=a)b'", /for span 'attributes.x': the RLIKE pattern uses a lookbehind/],
        ["span.name RLIKE '(?<!a)b'", /uses a negative lookbehind/],
        ["span.name RLIKE 'lo*+kup'", /uses a possessive quantifier \('\*\+'\)/],
        ["span.name RLIKE '(?>lo+)kup'", /uses an atomic group/],
        [`span.name RLIKE '${'x'.repeat(501)}'`, /for span 'name': the RLIKE pattern is 501 characters long; RLIKE patterns are limited to 500/],
        ["span.name RLIKE 'x{500}y{500}'", /expands to more than 1000 steps/],
      ];
      for (const [filter, message] of cases) {
        for (const res of [await search(filter), await spans(filter)]) {
          expect(res.status, filter).toBe(400);
          expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
          expect(String(res.body.message), filter).toMatch(/^Invalid pattern in the filter for /);
          expect(String(res.body.message), filter).toMatch(message);
        }
      }
      // The same patterns without the construct run on both backends, (?i) included.
      for (const filter of ["span.name RLIKE '(o)o'", "span.name RLIKE '(?i)^LOOKUP$'", "span.name RLIKE 'lo+kup'"]) {
        const res = await search(filter);
        expect(res.status, filter).toBe(200);
        expect((res.body.traces as unknown[]).length, filter).toBe(1);
        const page = await spans(filter);
        expect((page.body.spans as unknown[]).length, filter).toBe(1);
      }
    });

    it('answers a trailing LIKE escape in run and logged-model searches the same way', async () => {
      const API = '/api/2.0/mlflow';
      expect((await loupe.call('POST', `${API}/runs/create`, { experiment_id: experimentId, run_name: 'lookup' })).status).toBe(200);
      expect((await loupe.call('POST', `${API}/logged-models`, { experiment_id: experimentId, name: 'lookup' })).status).toBe(200);
      const searches: [string, Record<string, unknown>][] = [
        [`${API}/runs/search`, { experiment_ids: [experimentId], filter: "attributes.run_name LIKE 'look\\\\'" }],
        [`${API}/logged-models/search`, { experiment_ids: [experimentId], filter: "name LIKE 'look\\\\'" }],
      ];
      for (const [url, body] of searches) {
        const res = await loupe.call('POST', url, body);
        expect(res.status === 400, url).toBe(backend.name === 'postgresql');
        if (res.status === 400)
          expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/Invalid pattern in the filter/) });
        else expect(res.status, url).toBe(200);
      }
    });
  });
}
