import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { Link } from 'react-router';
import type { EvalRow, ScoreSort } from '../lib/eval-rows';
import { ScoreChip } from './score-chip';

const ROW_HEIGHT = 44;
const SCORER_WIDTH = 130;

/**
 * The next order when a scorer's header is clicked: lowest first, then highest first, then none.
 *
 * @example
 * nextSort(undefined, 'correctness'); // { scorer: 'correctness', descending: false }
 */
export function nextSort(current: ScoreSort | undefined, scorer: string): ScoreSort | undefined {
  if (current?.scorer !== scorer) return { scorer, descending: false };
  return current.descending ? undefined : { scorer, descending: true };
}

/**
 * The virtualized rows of an evaluation run: inputs, outputs, expectations, a column per scorer
 * (click its header to sort), and a link to the trace. Clicking a row opens its details.
 *
 * @example
 * <EvalRowsTable experimentId="1" rows={rows} scorers={['correctness']} sort={sort} onSort={setSort} selected={id} onSelect={setId} />
 */
export function EvalRowsTable({
  experimentId,
  rows,
  scorers,
  sort,
  onSort,
  selected,
  onSelect,
}: {
  experimentId: string;
  rows: readonly EvalRow[];
  scorers: readonly string[];
  sort: ScoreSort | undefined;
  onSort: (sort: ScoreSort | undefined) => void;
  selected: string | undefined;
  onSelect: (traceId: string) => void;
}) {
  const template = `minmax(220px, 1.2fr) minmax(220px, 1.2fr) minmax(160px, 0.8fr) ${scorers.map(() => `${SCORER_WIDTH}px`).join(' ')} 72px`;
  const minWidth = 220 + 220 + 160 + scorers.length * SCORER_WIDTH + 72;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const header = 'truncate px-3 py-2 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400';
  return (
    <div
      ref={scroller}
      role="table"
      aria-label="Evaluation rows"
      aria-rowcount={rows.length + 1}
      className="min-h-0 flex-1 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div role="rowgroup" style={{ minWidth }} className="sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        <div role="row" className="grid" style={{ gridTemplateColumns: template }}>
          <div role="columnheader" className={header}>
            Inputs
          </div>
          <div role="columnheader" className={header}>
            Outputs
          </div>
          <div role="columnheader" className={header}>
            Expectations
          </div>
          {scorers.map((s) => {
            const active = sort?.scorer === s;
            return (
              <div role="columnheader" key={s} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined} className={header}>
                <button
                  type="button"
                  title={`Sort by ${s}`}
                  onClick={() => onSort(nextSort(sort, s))}
                  className="inline-flex max-w-full items-center gap-1 hover:text-zinc-900 dark:hover:text-white"
                >
                  <span className="truncate">{s}</span>
                  <span aria-hidden className={active ? '' : 'opacity-30'}>
                    {active && sort.descending ? '▼' : '▲'}
                  </span>
                </button>
              </div>
            );
          })}
          <div role="columnheader" className={header}>
            Trace
          </div>
        </div>
      </div>
      <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize(), minWidth }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const isSelected = row.traceId === selected;
          return (
            <div
              role="row"
              key={row.traceId}
              aria-rowindex={item.index + 2}
              aria-selected={isSelected}
              onClick={(e) => {
                if (!(e.target as HTMLElement).closest('a,button')) onSelect(row.traceId);
              }}
              className={`absolute right-0 left-0 grid cursor-pointer items-center border-b border-zinc-100 text-[13px] dark:border-zinc-800/70 ${isSelected ? 'bg-indigo-50/70 dark:bg-indigo-500/10' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/40'}`}
              style={{ gridTemplateColumns: template, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
            >
              <div role="cell" className="truncate px-3" title={row.inputs}>
                {row.inputs || <span className="text-zinc-400">–</span>}
              </div>
              <div role="cell" className="truncate px-3 text-zinc-600 dark:text-zinc-300" title={row.outputs}>
                {row.outputs || <span className="text-zinc-400">–</span>}
              </div>
              <div role="cell" className="truncate px-3 text-xs text-zinc-500" title={row.expectations.map((e) => `${e.name}: ${e.value}`).join('\n')}>
                {row.expectations.length ? row.expectations.map((e) => e.value).join(' · ') : <span className="text-zinc-300 dark:text-zinc-600">–</span>}
              </div>
              {scorers.map((s) => (
                <div role="cell" key={s} className="flex min-w-0 px-3">
                  <ScoreChip scorer={s} cell={row.scores[s]} />
                </div>
              ))}
              <div role="cell" className="px-3">
                <Link
                  to={`/experiments/${experimentId}/traces/${encodeURIComponent(row.traceId)}`}
                  className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
                  aria-label={`Open trace ${row.traceId}`}
                >
                  Trace ↗
                </Link>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
