import type { Kysely } from 'kysely';
import type { AssessmentPatch, AssessmentRecord, AssessmentStore, CreateAssessmentOutcome } from '../assessment-store.js';
import { assessmentRow, numericValue, searchableValue, toAssessmentRecord } from './assessment-rows.js';
import type { AssessmentsTable, Database } from './schema.js';

/**
 * Assessments on SQLite or PostgreSQL. Each write is one transaction, so an override and the
 * invalidation of what it overrides commit together.
 *
 * @example
 * const store = new SqlAssessmentStore(db);
 * await store.createAssessment(record);
 */
export class SqlAssessmentStore implements AssessmentStore {
  constructor(private readonly db: Kysely<Database>) {}

  createAssessment(record: AssessmentRecord): Promise<CreateAssessmentOutcome> {
    return this.db.transaction().execute(async (tx): Promise<CreateAssessmentOutcome> => {
      const trace = await tx.selectFrom('traces').select('trace_id').where('trace_id', '=', record.traceId).executeTakeFirst();
      if (!trace) return { ok: false, reason: 'trace-not-found' };
      if (record.overrides !== undefined) {
        const result = await tx
          .updateTable('assessments')
          .set({ valid: 0 })
          .where('trace_id', '=', record.traceId)
          .where('assessment_id', '=', record.overrides)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return { ok: false, reason: 'overridden-not-found' };
      }
      await tx.insertInto('assessments').values(assessmentRow(record)).execute();
      return { ok: true, assessment: record };
    });
  }

  async getAssessment(traceId: string, assessmentId: string): Promise<AssessmentRecord | undefined> {
    const row = await this.db
      .selectFrom('assessments')
      .selectAll()
      .where('trace_id', '=', traceId)
      .where('assessment_id', '=', assessmentId)
      .executeTakeFirst();
    return row ? toAssessmentRecord(row) : undefined;
  }

  updateAssessment(traceId: string, assessmentId: string, patch: AssessmentPatch): Promise<AssessmentRecord | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('assessments').selectAll().where('trace_id', '=', traceId).where('assessment_id', '=', assessmentId).executeTakeFirst();
      if (!row) return undefined;
      const set: Partial<AssessmentsTable> = { last_update_time_ms: patch.lastUpdateTimeMs };
      if (patch.name !== undefined) set.name = patch.name;
      if ('value' in patch || 'serializationFormat' in patch) {
        set.value = patch.value ?? null;
        set.serialization_format = patch.serializationFormat ?? null;
        set.value_text = searchableValue(patch.value, patch.serializationFormat !== undefined);
        set.value_number = numericValue(patch.value, patch.serializationFormat !== undefined);
      }
      if ('error' in patch) set.error = patch.error ?? null;
      if (patch.rationale !== undefined) set.rationale = patch.rationale;
      if (patch.metadata !== undefined) set.metadata = Object.keys(patch.metadata).length > 0 ? JSON.stringify(patch.metadata) : null;
      if (patch.runId !== undefined) set.run_id = patch.runId;
      if (patch.valid !== undefined) set.valid = patch.valid ? 1 : 0;
      await tx.updateTable('assessments').set(set).where('assessment_id', '=', assessmentId).execute();
      return toAssessmentRecord({ ...row, ...set });
    });
  }

  deleteAssessment(traceId: string, assessmentId: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('assessments')
        .select('overrides')
        .where('trace_id', '=', traceId)
        .where('assessment_id', '=', assessmentId)
        .executeTakeFirst();
      if (!row) return false;
      await tx.deleteFrom('assessments').where('assessment_id', '=', assessmentId).execute();
      // What it overrode is current again.
      if (row.overrides !== null)
        await tx.updateTable('assessments').set({ valid: 1 }).where('trace_id', '=', traceId).where('assessment_id', '=', row.overrides).execute();
      return true;
    });
  }
}
