import { parseTraceFilter } from '@loupe/protocol';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { openSearchPlanFixture, type SearchPlanFixture } from '../../testing/sql-stores.js';
import { SqlAssessmentStore } from './sql-assessment-store.js';
import type { SqlTraceStore } from './sql-trace-store.js';

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'trace search: index-driven and walking plans agree', () => {
    let fixture: SearchPlanFixture;
    let exp: string;
    beforeEach(async () => {
      fixture = await openSearchPlanFixture(backend, 'paths');
      exp = fixture.experimentId;
      const store = fixture.driving;
      for (let i = 0; i < 30; i++) {
        const long = `${'v'.repeat(250)}${i % 2}`;
        await store.upsertTraceInfo({
          traceId: `tr-${String(i).padStart(4, '0')}`,
          experimentId: exp,
          requestTimeMs: 1000 + i,
          state: 'OK',
          tags: { env: ['prod', 'dev', 'staging'][i % 3] as string, long },
          metadata: { 'mlflow.trace.session': `s-${Math.floor(i / 4)}` },
        });
        const assessments = new SqlAssessmentStore(fixture.db);
        const feedback = {
          traceId: `tr-${String(i).padStart(4, '0')}`,
          kind: 'feedback' as const,
          sourceType: 'HUMAN' as const,
          sourceId: 'u',
          createTimeMs: i,
          lastUpdateTimeMs: i,
          metadata: {},
          valid: true,
        };
        await assessments.createAssessment({ ...feedback, assessmentId: `a-${i}`, name: 'rating', value: String(i % 5) });
        await assessments.createAssessment({ ...feedback, assessmentId: `a-long-${i}`, name: 'note', value: JSON.stringify(long) });
        // Every seventh rating is overridden: the original must match no search.
        if (i % 7 === 0) await assessments.createAssessment({ ...feedback, assessmentId: `a-fix-${i}`, name: 'rating', value: '"fixed"', overrides: `a-${i}` });
      }
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    it('returns the same pages whether an equality drives the search or is checked per trace', async () => {
      // Threshold 1: every equality counts as common (walk); 10,000: every one as selective (index first).
      const { walking, driving } = fixture;
      const filters = [
        "tag.env = 'prod'",
        "tag.env = 'prod' AND metadata.`mlflow.trace.session` = 's-3'",
        `tag.long = '${'v'.repeat(250)}1'`,
        "tag.env = 'none'",
        "metadata.`mlflow.trace.session` = 's-0' AND tag.env != 'dev'",
        "feedback.rating = '0'",
        "feedback.rating = 'fixed' AND tag.env = 'prod'",
        `feedback.note = '${'v'.repeat(250)}0'`,
      ];
      for (const filter of filters) {
        const search = (store: SqlTraceStore, offset: number) =>
          store
            .searchTraces({ experimentIds: [exp], filter: parseTraceFilter(filter), orderBy: [], page: { offset, limit: 4 } })
            .then((r) => r.items.map((t) => t.traceId));
        const expected = await search(walking, 0);
        expect(await search(driving, 0), filter).toEqual(expected);
        expect(await search(driving, 4), filter).toEqual(await search(walking, 4));
      }
      const prod = await walking.searchTraces({
        experimentIds: [exp],
        filter: parseTraceFilter("tag.env = 'prod'"),
        orderBy: [],
        page: { offset: 0, limit: 100 },
      });
      expect(prod.items.map((t) => t.traceId)).toEqual(Array.from({ length: 10 }, (_, k) => `tr-${String(27 - 3 * k).padStart(4, '0')}`));
      const long = await driving.searchTraces({
        experimentIds: [exp],
        filter: parseTraceFilter(`tag.long = '${'v'.repeat(250)}1'`),
        orderBy: [],
        page: { offset: 0, limit: 100 },
      });
      expect(long.items).toHaveLength(15);
      // i % 5 == 0 and not overridden (i % 7 != 0): 5, 10, 15, 20, 25.
      const zero = await driving.searchTraces({ experimentIds: [exp], filter: parseTraceFilter("feedback.rating = '0'"), orderBy: [], page: { limit: 100 } });
      expect(zero.items.map((t) => t.traceId)).toEqual([25, 20, 15, 10, 5].map((n) => `tr-${String(n).padStart(4, '0')}`));
    });
  });
}
