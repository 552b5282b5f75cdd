import { parseTraceFilter } from '@loupe/protocol';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { openSearchPlanFixture, type SearchPlanFixture } from '../../testing/sql-stores.js';
import { compileEndedTraceScan } from './trace-end-scan.js';

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'online scoring scan by end time', () => {
    let f: SearchPlanFixture;
    beforeEach(async () => {
      f = await openSearchPlanFixture(backend, 'end-scan');
    });
    afterEach(async () => {
      await f.dispose();
    });

    it('seeks on the end-time index instead of sorting the experiment', async () => {
      const query = compileEndedTraceScan(f.dialect, {
        experimentId: f.experimentId,
        filter: parseTraceFilter("tag.env = 'prod'"),
        endedBy: 5000,
        after: [1000, 900, 'tr-x'],
        limit: 500,
      })!;
      let plan: string;
      if (backend.name === 'sqlite') {
        plan = JSON.stringify((await sql`explain query plan ${query}`.execute(f.db)).rows);
      } else {
        // A nearly empty table: make the planner show the index it can use rather than a scan it prefers.
        plan = await f.db.connection().execute(async (c) => {
          await sql`set enable_seqscan = off`.execute(c);
          await sql`set enable_sort = off`.execute(c);
          return JSON.stringify((await sql`explain ${query}`.execute(c)).rows);
        });
      }
      expect(plan).toContain('traces_experiment_end');
      expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY|Sort Key/i);
    });
  });
}
