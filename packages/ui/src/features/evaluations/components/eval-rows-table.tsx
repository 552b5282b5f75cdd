import { Link } from 'react-router';
import { VirtualHeaderCell, VirtualHeaderRow, VirtualRow, VirtualTable } from '../../../shared/components/virtual-table';
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
  return (
    <VirtualTable
      label="Evaluation rows"
      rowCount={rows.length}
      rowHeight={ROW_HEIGHT}
      minWidth={minWidth}
      header={
        <VirtualHeaderRow template={template}>
          <VirtualHeaderCell>Inputs</VirtualHeaderCell>
          <VirtualHeaderCell>Outputs</VirtualHeaderCell>
          <VirtualHeaderCell>Expectations</VirtualHeaderCell>
          {scorers.map((s) => {
            const active = sort?.scorer === s;
            return (
              <VirtualHeaderCell key={s} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined}>
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
              </VirtualHeaderCell>
            );
          })}
          <VirtualHeaderCell>Trace</VirtualHeaderCell>
        </VirtualHeaderRow>
      }
      renderRow={(item) => {
        const row = rows[item.index]!;
        const isSelected = row.traceId === selected;
        return (
          <VirtualRow
            key={row.traceId}
            item={item}
            template={template}
            height={ROW_HEIGHT}
            aria-selected={isSelected}
            onClick={(e) => {
              if (!(e.target as HTMLElement).closest('a,button')) onSelect(row.traceId);
            }}
            className={`cursor-pointer ${isSelected ? 'bg-indigo-50/70 dark:bg-indigo-500/10' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/40'}`}
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
          </VirtualRow>
        );
      }}
    />
  );
}
