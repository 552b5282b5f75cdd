// RLIKE on SQLite: the REGEXP function the server registers (RE2 through re2js, from the built
// server) against JavaScript's RegExp (what it used before issue 15), over the same rows in one
// in-memory SQLite database, so the per-row cost includes SQLite calling into JavaScript, as a trace
// search does. Runs alternate between the two; the median of each is reported, with their ratio.
// Usage: node bench/regexp.mjs [--rows 100000] [--iterations 7]
import { createRequire } from 'node:module';
import { flags, percentile, report } from './lib.mjs';

const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const Database = require('better-sqlite3');
const { SqliteRegexps } = await import(new URL('../packages/server/dist/store/sql/dialects/sqlite/sqlite-regexp.js', import.meta.url).href);

const opts = flags();
const ROWS = Number(opts.rows ?? 100_000);
const ITERATIONS = Number(opts.iterations ?? 7);

const NAMES = ['ChatOpenAI', 'Retriever', 'support-agent', 'order-lookup', 'rag answer step', 'classifier', 'TOOL call weather', 'parse output json'];
const MODELS = ['gpt-4o-mini', 'text-embedding-3-small', 'claude-3-5-sonnet', 'gemini-2.0-flash'];
const WORDS = ['order', 'refund', 'shipping', 'invoice', 'delivery', 'account', 'password', 'warranty'];

const db = new Database(':memory:');
db.exec('create table spans (name text, model text, inputs text)');
const insert = db.prepare('insert into spans values (?, ?, ?)');
db.transaction(() => {
  for (let i = 0; i < ROWS; i++) {
    const question = Array.from({ length: 40 }, (_, k) => WORDS[(i + k * 7) % WORDS.length]).join(' ');
    insert.run(
      `${NAMES[i % NAMES.length]} ${i}`,
      JSON.stringify(MODELS[i % MODELS.length]),
      JSON.stringify({ messages: [{ role: 'user', content: question }] }),
    );
  }
})();

const re2 = new SqliteRegexps();
db.function('regexp', { deterministic: true }, (pattern, value) => re2.matches(pattern, value));
// The function the server registered before: JavaScript's backtracking RegExp, compiled once per pattern.
const jsCache = new Map();
db.function('regexp_js', { deterministic: true }, (pattern, value) => {
  let re = jsCache.get(pattern);
  if (!re) jsCache.set(pattern, (re = new RegExp(pattern)));
  return value === null ? 0 : re.test(String(value)) ? 1 : 0;
});

// [column, pattern for RE2, the same for JavaScript (which has no inline flags)]
const CASES = [
  ['name', '^Ret.*r', '^Ret.*r'],
  ['name', '(?i)chat', 'chat|Chat|CHAT'],
  ['name', 'weather \\d+$', 'weather \\d+$'],
  ['name', '^(support|order)-\\w+', '^(support|order)-\\w+'],
  ['model', 'embedding-[0-9]', 'embedding-[0-9]'],
  ['inputs', 'warranty.*refund', 'warranty.*refund'],
  ['inputs', 'passw(or|ro)d [a-z]+ \\w+$', 'passw(or|ro)d [a-z]+ \\w+$'],
];

function time(sqlText, pattern) {
  const stmt = db.prepare(sqlText);
  const t = process.hrtime.bigint();
  const { n } = stmt.get(pattern);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, n };
}

for (const [column, pattern, jsPattern] of CASES) {
  const newMs = [];
  const oldMs = [];
  let counts;
  for (let i = 0; i < ITERATIONS + 1; i++) {
    const fresh = time(`select count(*) as n from spans where ${column} regexp ?`, pattern);
    const old = time(`select count(*) as n from spans where regexp_js(?, ${column})`, jsPattern);
    if (i === 0) continue; // warm-up: compile, JIT
    newMs.push(fresh.ms);
    oldMs.push(old.ms);
    counts = `${fresh.n}/${old.n}`;
  }
  const re2Median = percentile(newMs, 50);
  const jsMedian = percentile(oldMs, 50);
  report(`regexp ${column} '${pattern}'`, { rows: ROWS, matches: counts, re2_ms: re2Median, regexp_ms: jsMedian, ratio: re2Median / jsMedian });
}

// What the change is for: the pattern that took JavaScript's RegExp 47 s on one 31-character name.
db.exec('delete from spans');
db.transaction(() => {
  for (let i = 0; i < ROWS; i++) insert.run(`${'a'.repeat(30)}!`, null, null);
})();
const evil = [];
for (let i = 0; i < ITERATIONS; i++) evil.push(time('select count(*) as n from spans where name regexp ?', '^(a+)+$').ms);
report(`regexp name '^(a+)+$' over 'a' x 30 + '!'`, { rows: ROWS, re2_ms: percentile(evil, 50), regexp_ms: 'not run (47,000 ms for one row in issue 15)' });
db.close();
