import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';
import { createSpanTextTriggers } from './0006-span-text.js';

/** Span columns after the trace key, as migrations 0002 and 0005 made them (types per dialect below). */
const SPAN_COLUMNS = [
  'span_id',
  'parent_span_id',
  'name',
  'type',
  'status',
  'start_time_us',
  'end_time_us',
  'content',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'input_cost',
  'output_cost',
  'total_cost',
  'model_name',
  'model_provider',
] as const;

const SPAN_DDL = `span_id text not null, parent_span_id text, name text not null, type text not null, status text not null,
  start_time_us bigint not null, end_time_us bigint, content text not null,
  input_tokens bigint, output_tokens bigint, total_tokens bigint, cache_read_input_tokens bigint, cache_creation_input_tokens bigint,
  input_cost double precision, output_cost double precision, total_cost double precision, model_name text, model_provider text`;

const TRACE_COLUMNS = [
  'trace_id',
  'experiment_id',
  'client_request_id',
  'request_time_ms',
  'execution_duration_ms',
  'state',
  'request_preview',
  'response_preview',
  'root_span_id',
  'span_count',
  'finalized',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'input_cost',
  'output_cost',
  'total_cost',
  'usage_final',
] as const;

/**
 * Integer trace keys (ADR 0005). Every trace gets `trace_key`, handed out in arrival order, and its
 * spans, tags and metadata are keyed by it instead of the client's random 128-bit trace id: a new
 * trace's rows go to the end of each index instead of to a random page of it, so a commit writes a few
 * pages instead of one per trace per index. The trace id stays unique on `traces` (lookups, and the
 * assessments and links that still reference it).
 *
 * SQLite: `traces` is rebuilt with `trace_key integer primary key autoincrement` (the rowid: no extra index), the
 * three child tables are rebuilt keyed by it, span rowids are kept (the text index of 0006 is keyed by
 * them) and its triggers recreated; all in one transaction with foreign keys off, SQLite's documented
 * way to change a table's shape. PostgreSQL: an identity column on `traces`, child tables rebuilt.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect.name === 'sqlite') await sqliteUp(db);
  else await postgresUp(db);
}

const list = (columns: readonly string[], prefix = '') => sql.raw(columns.map((c) => `${prefix}${c}`).join(', '));

/**
 * Spans, tags and metadata keyed by the trace key. No foreign key: checking one costs more than the
 * rest of a span's insert on PostgreSQL (a trigger query per row); the store deletes children with
 * their trace, and keys are never handed out twice (AUTOINCREMENT, an identity), so a stray row can
 * never attach to another trace.
 */
async function childTables(db: Kysely<unknown>, keyType: string): Promise<void> {
  await sql`create table spans_new (trace_key ${sql.raw(keyType)} not null, ${sql.raw(SPAN_DDL)},
    constraint spans_key_pk primary key (trace_key, span_id))`.execute(db);
  for (const table of ['trace_tags', 'trace_metadata'] as const) {
    await sql`create table ${sql.raw(`${table}_new`)} (trace_key ${sql.raw(keyType)} not null, key text not null, value text not null, constraint ${sql.raw(`${table}_key_pk`)} primary key (trace_key, key))`.execute(
      db,
    );
  }
}

async function copyAndSwap(db: Kysely<unknown>, sqlite: boolean): Promise<void> {
  // SQLite keeps each span's rowid: the text index (0006) refers to spans by it.
  const rowid = sqlite ? sql.raw('rowid, ') : sql.raw('');
  const srcRowid = sqlite ? sql.raw('s.rowid, ') : sql.raw('');
  await sql`insert into spans_new (${rowid}trace_key, ${list(SPAN_COLUMNS)})
    select ${srcRowid}t.trace_key, ${list(SPAN_COLUMNS, 's.')} from spans s join traces t on t.trace_id = s.trace_id`.execute(db);
  for (const table of ['trace_tags', 'trace_metadata'] as const) {
    await sql`insert into ${sql.raw(`${table}_new`)} (trace_key, key, value)
      select t.trace_key, x.key, x.value from ${sql.raw(table)} x join traces t on t.trace_id = x.trace_id`.execute(db);
  }
  for (const table of ['spans', 'trace_tags', 'trace_metadata'] as const) {
    await sql`drop table ${sql.raw(table)}`.execute(db);
    await sql`alter table ${sql.raw(`${table}_new`)} rename to ${sql.raw(table)}`.execute(db);
  }
  await sql`create index spans_trace_time on spans (trace_key, start_time_us, span_id)`.execute(db);
  await sql`create index spans_trace_parent on spans (trace_key, parent_span_id, start_time_us)`.execute(db);
  for (const table of ['trace_tags', 'trace_metadata'] as const) {
    // Values reach 8,000 characters, past PostgreSQL's btree row limit: index a prefix, re-check the value.
    await sql`create index ${sql.raw(`${table}_key_value`)} on ${sql.raw(table)} (key, substr(value, 1, 200), trace_key)`.execute(db);
  }
}

async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  // Foreign keys must be off while `traces` is replaced (dropping it would otherwise cascade to every
  // child row); the pragma only takes effect outside a transaction. Kysely runs SQLite migrations
  // without one, so this one makes its own.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql`create table traces_new (trace_key integer primary key autoincrement, trace_id text not null unique,
        experiment_id integer not null references experiments (experiment_id) on delete cascade,
        client_request_id text, request_time_ms bigint not null, execution_duration_ms bigint, state text not null,
        request_preview text, response_preview text, root_span_id text, span_count integer not null default 0,
        finalized integer not null default 0, input_tokens bigint, output_tokens bigint, total_tokens bigint,
        cache_read_input_tokens bigint, cache_creation_input_tokens bigint, input_cost double precision,
        output_cost double precision, total_cost double precision, usage_final integer not null default 0)`.execute(db);
      // Existing traces get keys in time order, as new ones will.
      await sql`insert into traces_new (${list(TRACE_COLUMNS)}) select ${list(TRACE_COLUMNS)} from traces order by request_time_ms, trace_id`.execute(db);
      await sql`drop table traces`.execute(db);
      await sql`alter table traces_new rename to traces`.execute(db);
      await sql`create index traces_experiment_time on traces (experiment_id, request_time_ms, trace_id)`.execute(db);
      await sql`create index traces_experiment_state_time on traces (experiment_id, state, request_time_ms)`.execute(db);
      await sql`create index traces_client_request_id on traces (client_request_id)`.execute(db);
      await childTables(db, 'integer');
      await copyAndSwap(db, true);
      // Dropping `spans` dropped the text index triggers of 0006: the same ones, on the new table.
      await createSpanTextTriggers(db);
      const { rows: broken } = await sql`pragma foreign_key_check`.execute(db);
      if (broken.length > 0) throw new Error(`trace key migration left ${broken.length} rows without their parent`);
      await sql`commit`.execute(db);
    } catch (err) {
      await sql`rollback`.execute(db);
      throw err;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  // Kysely runs PostgreSQL migrations in a transaction: all of this commits or none of it.
  // Existing traces get keys in time order, as new ones will; new keys continue after the last.
  await sql`alter table traces add column trace_key bigint`.execute(db);
  await sql`update traces set trace_key = n.k from (select trace_id, row_number() over (order by request_time_ms, trace_id) as k from traces) n
    where n.trace_id = traces.trace_id`.execute(db);
  await sql`alter table traces alter column trace_key set not null`.execute(db);
  await sql`alter table traces alter column trace_key add generated by default as identity`.execute(db);
  await sql`select setval(pg_get_serial_sequence('traces', 'trace_key'), coalesce(max(trace_key), 0) + 1, false) from traces`.execute(db);
  await sql`alter table traces add constraint traces_trace_key unique (trace_key)`.execute(db);
  await childTables(db, 'bigint');
  await copyAndSwap(db, false);
}
