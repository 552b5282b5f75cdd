import pg from 'pg';
import { generateTraces } from './otlp-payloads.mjs';
const contents = [];
generateTraces({ traces: 12800, spansPerTrace: 10, onTrace: (spans) => { for (const s of spans) contents.push(JSON.stringify({ trace_id: Buffer.from(s.spanContext().traceId, 'hex').toString('base64'), span_id: Buffer.from(s.spanContext().spanId, 'hex').toString('base64'), parent_span_id: s.parentSpanContext ? Buffer.from(s.parentSpanContext.spanId, 'hex').toString('base64') : '', name: s.name, start_time_unix_nano: String(BigInt(s.startTime[0]) * 1000000000n + BigInt(s.startTime[1])), attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: { string_value: String(v) } })) })); } });
const CH = Number(process.argv[3] ?? 64);
const rows = [];
let tj = performance.now();
for (let i = 0; i + CH <= contents.length; i += CH) { const s = new Set(); for (let j = i; j < i + CH; j++) { const t = contents[j].toLowerCase(); for (let k = 0; k + 3 <= t.length; k++) s.add((t.charCodeAt(k) << 20) | (t.charCodeAt(k + 1) << 10) | t.charCodeAt(k + 2)); } rows.push([...s]); }
console.log('js grams', ((performance.now() - tj) * 1000 / contents.length).toFixed(1), 'us/span');
const c = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/test' });
await c.connect();
await c.query('drop table if exists gin_t; create table gin_t (id bigint generated always as identity primary key, grams int4[] not null)');
await c.query(`create index gin_t_grams on gin_t using gin (grams) with (fastupdate = ${process.argv[2]}, gin_pending_list_limit = 65536)`);
const t0 = performance.now();
for (let i = 0; i < rows.length; i += 8) { await c.query('insert into gin_t (grams) select string_to_array(x, \',\')::int4[] from unnest($1::text[]) x', [rows.slice(i, i + 8).map((r) => r.join(','))]); }
const t1 = performance.now();
await c.query("select gin_clean_pending_list('gin_t_grams')");
const t2 = performance.now();
const entries = rows.reduce((n, r) => n + r.length, 0);
console.log(`chunks ${rows.length} of ${CH}: insert ${(t1 - t0).toFixed(0)} ms (${((t1 - t0) * 1000 / entries).toFixed(2)} us/entry, ${((t1 - t0) * 1000 / (rows.length * CH)).toFixed(1)} us/span), merge ${(t2 - t1).toFixed(0)} ms`);
const { rows: [sz] } = await c.query("select pg_size_pretty(pg_relation_size('gin_t_grams')) i, pg_size_pretty(pg_total_relation_size('gin_t')) t");
console.log(sz);
await c.end();
