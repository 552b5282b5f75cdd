import { sql, type Kysely } from 'kysely';

/**
 * Assessments (spec §5): feedback and expectations on traces. `value` is the JSON text of the value;
 * `value_text` is what `feedback.<name>` / `expectation.<name>` filters compare (a string value itself,
 * anything else its JSON text), indexed by prefix as trace tags are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assessments')
    .addColumn('assessment_id', 'text', (c) => c.primaryKey())
    .addColumn('trace_id', 'text', (c) => c.notNull().references('traces.trace_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('assessment_type', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('value_text', 'text')
    .addColumn('serialization_format', 'text')
    .addColumn('error', 'text')
    .addColumn('span_id', 'text')
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('create_time_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time_ms', 'bigint', (c) => c.notNull())
    .addColumn('rationale', 'text')
    .addColumn('metadata', 'text')
    .addColumn('overrides', 'text')
    .addColumn('valid', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('run_id', 'text')
    .execute();
  await db.schema.createIndex('assessments_trace').on('assessments').columns(['trace_id', 'create_time_ms']).execute();
  await sql`create index assessments_name_value on assessments (assessment_type, name, substr(value_text, 1, 200), trace_id)`.execute(db);
}
