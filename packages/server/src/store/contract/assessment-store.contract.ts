import { parseTraceFilter } from '@loupe/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssessmentRecord, AssessmentStore } from '../assessment-store.js';
import type { TraceStore } from '../trace-store.js';
import type { ExperimentStore } from '../tracking-store.js';

/** The stores the assessment contract needs, on one fresh database. */
export interface AssessmentStores {
  experiments: ExperimentStore;
  traces: TraceStore;
  assessments: AssessmentStore;
  dispose(): Promise<void>;
}

let seq = 0;

/**
 * The behaviour every AssessmentStore must have (spec §5): CRUD, overrides and validity, embedding in
 * trace reads, cascade with the trace, and the `feedback.*` / `expectation.*` trace filters.
 *
 * @example
 * assessmentStoreContract(() => openSqlStores(backend));
 */
export function assessmentStoreContract(factory: () => Promise<AssessmentStores>): void {
  describe('AssessmentStore contract', () => {
    let s: AssessmentStores;
    let exp: string;
    const traceIds: string[] = [];
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: `assessments-${++seq}`, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: 1 });
      traceIds.length = 0;
      for (let i = 0; i < 3; i++) {
        const traceId = `tr-${(++seq).toString(16).padStart(32, '0')}`;
        traceIds.push(traceId);
        await s.traces.upsertTraceInfo({ traceId, experimentId: exp, requestTimeMs: 1000 + i, state: 'OK', tags: {}, metadata: {} });
      }
    });
    afterEach(async () => {
      await s.dispose();
    });

    let ids = 0;
    const record = (over: Partial<AssessmentRecord> = {}): AssessmentRecord => ({
      assessmentId: `a-${(++ids).toString().padStart(4, '0')}`,
      traceId: traceIds[0] as string,
      name: 'rating',
      kind: 'feedback',
      value: '5',
      sourceType: 'HUMAN',
      sourceId: 'alice',
      createTimeMs: 10 + ids,
      lastUpdateTimeMs: 10 + ids,
      metadata: {},
      valid: true,
      ...over,
    });
    const search = async (filter: string) =>
      (await s.traces.searchTraces({ experimentIds: [exp], filter: parseTraceFilter(filter), orderBy: [], page: { limit: 50 } })).items
        .map((t) => t.traceId)
        .sort();

    it('creates and reads back every field', async () => {
      const full = record({
        spanId: 'abc',
        rationale: 'because',
        metadata: { 'mlflow.assessment.sourceRunId': 'r1', k: 'v' },
        runId: 'r1',
        error: '{"error_code":"E"}',
      });
      expect(await s.assessments.createAssessment(full)).toEqual({ ok: true, assessment: full });
      expect(await s.assessments.getAssessment(full.traceId, full.assessmentId)).toEqual(full);
      const serialized = record({ kind: 'expectation', value: '{"a": 1}', serializationFormat: 'JSON_FORMAT' });
      await s.assessments.createAssessment(serialized);
      expect(await s.assessments.getAssessment(serialized.traceId, serialized.assessmentId)).toEqual(serialized);
      expect(await s.assessments.getAssessment(traceIds[1] as string, full.assessmentId)).toBeUndefined();
    });

    it('refuses a trace that does not exist, and an override of an unknown assessment, writing nothing', async () => {
      expect(await s.assessments.createAssessment(record({ traceId: 'tr-missing' }))).toEqual({ ok: false, reason: 'trace-not-found' });
      const orphan = record({ overrides: 'a-nope' });
      expect(await s.assessments.createAssessment(orphan)).toEqual({ ok: false, reason: 'overridden-not-found' });
      expect(await s.assessments.getAssessment(orphan.traceId, orphan.assessmentId)).toBeUndefined();
    });

    it('an override invalidates the original; deleting the override makes it valid again', async () => {
      const original = record({ sourceType: 'LLM_JUDGE', value: '2' });
      await s.assessments.createAssessment(original);
      const fix = record({ overrides: original.assessmentId, value: '4' });
      await s.assessments.createAssessment(fix);
      expect((await s.assessments.getAssessment(original.traceId, original.assessmentId))?.valid).toBe(false);
      expect(await search("feedback.rating = '2'")).toEqual([]);
      expect(await search("feedback.rating = '4'")).toEqual([traceIds[0]]);
      expect(await s.assessments.deleteAssessment(fix.traceId, fix.assessmentId)).toBe(true);
      expect(await s.assessments.deleteAssessment(fix.traceId, fix.assessmentId)).toBe(false);
      expect((await s.assessments.getAssessment(original.traceId, original.assessmentId))?.valid).toBe(true);
      expect(await search("feedback.rating = '2'")).toEqual([traceIds[0]]);
    });

    it('updates the patched fields only and keeps the search value in step', async () => {
      const a = record({ value: '"meh"', rationale: 'first' });
      await s.assessments.createAssessment(a);
      const updated = await s.assessments.updateAssessment(a.traceId, a.assessmentId, {
        name: 'tone',
        value: '"polite"',
        error: undefined,
        lastUpdateTimeMs: 99,
      });
      expect(updated).toEqual({ ...a, name: 'tone', value: '"polite"', lastUpdateTimeMs: 99 });
      expect(await s.assessments.getAssessment(a.traceId, a.assessmentId)).toEqual(updated);
      expect(await search("feedback.tone = 'polite'")).toEqual([traceIds[0]]);
      expect(await search("feedback.rating = 'meh'")).toEqual([]);
      expect(await s.assessments.updateAssessment(a.traceId, 'a-none', { lastUpdateTimeMs: 1 })).toBeUndefined();
    });

    it('embeds assessments, oldest first, in trace reads and searches', async () => {
      const first = record({ createTimeMs: 1 });
      const second = record({ kind: 'expectation', name: 'answer', value: '"Paris"', createTimeMs: 2 });
      await s.assessments.createAssessment(second);
      await s.assessments.createAssessment(first);
      expect((await s.traces.getTrace(traceIds[0] as string))?.assessments).toEqual([first, second]);
      expect((await s.traces.getTrace(traceIds[1] as string))?.assessments).toEqual([]);
      const [hit] = (
        await s.traces.searchTraces({ experimentIds: [exp], filter: parseTraceFilter("expectation.answer = 'Paris'"), orderBy: [], page: { limit: 5 } })
      ).items;
      expect(hit?.assessments).toEqual([first, second]);
    });

    it('filters on feedback and expectation values with every string comparator', async () => {
      const [t0, t1, t2] = traceIds as [string, string, string];
      await s.assessments.createAssessment(record({ traceId: t0, name: 'correct', value: 'true' }));
      await s.assessments.createAssessment(record({ traceId: t1, name: 'correct', value: 'false' }));
      await s.assessments.createAssessment(record({ traceId: t2, name: 'tone', value: '"Polite and calm"' }));
      await s.assessments.createAssessment(record({ traceId: t2, kind: 'expectation', name: 'correct', value: 'true' }));
      await s.assessments.createAssessment(record({ traceId: t1, name: 'broken', error: '{"error_code":"TIMEOUT"}', value: undefined }));
      expect(await search("feedback.correct = 'true'")).toEqual([t0]);
      expect(await search("expectation.correct = 'true'")).toEqual([t2]);
      expect(await search("feedback.correct != 'true'")).toEqual([t1]);
      expect(await search("feedback.tone LIKE 'Polite%'")).toEqual([t2]);
      expect(await search("feedback.tone ILIKE '%CALM'")).toEqual([t2]);
      expect(await search("feedback.tone RLIKE '^Pol'")).toEqual([t2]);
      expect(await search("feedback.correct = 'true' AND expectation.correct = 'true'")).toEqual([]);
      expect(await search("feedback.broken = 'TIMEOUT'")).toEqual([]);
      expect(await search("feedback.`correct` = 'false'")).toEqual([t1]);
    });

    it('goes with its trace', async () => {
      const a = record();
      await s.assessments.createAssessment(a);
      expect(await s.traces.deleteTraces(exp, { traceIds: [a.traceId] })).toBe(1);
      expect(await s.assessments.getAssessment(a.traceId, a.assessmentId)).toBeUndefined();
    });
  });
}
