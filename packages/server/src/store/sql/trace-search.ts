import { sql, type Kysely } from 'kysely';
import { ApiError } from '@loupe/protocol';
import type { TraceSearch, TraceSearchPage } from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';
import { toDbId } from './sql-ids.js';
import { hydrateTraces } from './trace-hydration.js';
import { compileTraceSearch, equalityMatches, textCandidates, type TraceSearchCursor } from './trace-search-compiler.js';

type Comparison = TraceSearch['filter'][number];

/**
 * Runs a trace search (spec §9.5) and hydrates its page. An equality or `trace.text` pattern that
 * matches fewer than `selectiveMatches` traces drives the search from its index (see
 * {@link selectiveComparisons}); a page token from another search is refused.
 *
 * @example
 * const page = await searchTraces(db, dialect, { experimentIds: ['1'], filter: [], orderBy: [], page: { limit: 100 } }, 5000);
 */
export async function searchTraces(db: Kysely<Database>, dialect: SqlDialect, query: TraceSearch, selectiveMatches: number): Promise<TraceSearchPage> {
  const experimentIds = query.experimentIds.map(toDbId).filter((id): id is number => id !== undefined);
  if (experimentIds.length === 0) return { items: [], hasMore: false };
  const selective = await selectiveComparisons(db, dialect, query.filter, selectiveMatches);
  const { limit, offset, after } = query.page;
  const position = after !== undefined ? { after: after as TraceSearchCursor } : offset !== undefined ? { offset } : {};
  const search = compileTraceSearch(dialect, { ...query, experimentIds, selective }, { limit: limit + 1, ...position });
  // Built, never run, before this check: a cursor from another search is refused, not compared.
  if (after !== undefined && !search.accepts(after)) throw ApiError.invalid('Invalid page token: it belongs to another search (filter or order_by changed).');
  const { rows } = await search.query.execute(db);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  return { items: await hydrateTraces(db, page), hasMore, ...(hasMore && last ? { next: search.cursorOf(last) } : {}) };
}

/**
 * Which tag / metadata / assessment equalities and `trace.text` patterns match few enough traces to drive the search from the (key, value)
 * index: one bounded count each. Neither database can tell at plan time whether `tag.env = 'prod'`
 * (a third of all traces: walk traces newest first) or `tag.customer = 'c-42'` (a hundred: look
 * them up, then sort) is being asked, so Loupe measures it.
 */
async function selectiveComparisons(
  db: Kysely<Database>,
  dialect: SqlDialect,
  filter: TraceSearch['filter'],
  selectiveMatches: number,
): Promise<Set<Comparison>> {
  const out = new Set<Comparison>();
  for (const c of filter) {
    const equalities = equalityMatches(c);
    const matches = equalities ?? textCandidates(dialect, c);
    if (!matches) continue;
    if (!equalities && (await textLooksCommon(db, dialect, c))) continue;
    const limit = selectiveMatches * (equalities ? 1 : (dialect.spanTextIndex?.candidatesPerMatch ?? 1));
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from (${matches} limit ${limit}) m`.execute(db);
    if (Number(rows[0]?.n ?? 0) < limit) out.add(c);
  }
  return out;
}

function textLooksCommon(db: Kysely<Database>, dialect: SqlDialect, c: Comparison): Promise<boolean> {
  const index = dialect.spanTextIndex;
  if (!index?.looksCommon || c.value.kind !== 'string' || (c.op !== 'LIKE' && c.op !== 'ILIKE')) return Promise.resolve(false);
  return index.looksCommon(db, c.value.value, c.op);
}
