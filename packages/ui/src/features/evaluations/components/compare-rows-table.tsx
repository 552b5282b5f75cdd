import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../shared/components/status-badge';
import type { ComparedRow } from '../lib/eval-compare';
import { ChangeMark, ScoreChip } from './score-chip';

const ROW_HEIGHT = 44;
const SCORER_WIDTH = 190;

function Verdict({ row }: { row: ComparedRow }) {
  if (!row.before) return <Badge tone="blue">Only in candidate</Badge>;
  if (!row.after) return <Badge tone="zinc">Only in baseline</Badge>;
  if (row.regressions && row.improvements) return <Badge tone="amber">Mixed</Badge>;
  if (row.regressions) return <Badge tone="red">Regression</Badge>;
  if (row.improvements) return <Badge tone="green">Improvement</Badge>;
  return <span className="text-xs text-zinc-400">Same</span>;
}

function TraceLink({ experimentId, traceId, label }: { experimentId: string; traceId: string | undefined; label: string }) {
  if (!traceId) return <span className="text-xs text-zinc-300 dark:text-zinc-600">–</span>;
  return (
    <Link
      to={`/experiments/${experimentId}/traces/${encodeURIComponent(traceId)}`}
      className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
      aria-label={`Open ${label} trace ${traceId}`}
    >
      {label} ↗
    </Link>
  );
}

/**
 * Two evaluation runs row by row (virtualized): the example's inputs, what changed, then per scorer
 * the baseline verdict, the candidate verdict and an arrow (▼ regression, ▲ improvement), and both traces.
 *
 * @example
 * <CompareRowsTable experimentId="1" rows={compared} scorers={['correctness']} />
 */
export function CompareRowsTable({ experimentId, rows, scorers }: { experimentId: string; rows: readonly ComparedRow[]; scorers: readonly string[] }) {
  const template = `minmax(260px, 1fr) 120px ${scorers.map(() => `${SCORER_WIDTH}px`).join(' ')} 180px`;
  const minWidth = 260 + 120 + scorers.length * SCORER_WIDTH + 180;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const header = 'truncate px-3 py-2 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400';
  return (
    <div
      ref={scroller}
      role="table"
      aria-label="Compared rows"
      aria-rowcount={rows.length + 1}
      className="min-h-0 flex-1 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div role="rowgroup" style={{ minWidth }} className="sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        <div role="row" className="grid" style={{ gridTemplateColumns: template }}>
          <div role="columnheader" className={header}>
            Inputs
          </div>
          <div role="columnheader" className={header}>
            Change
          </div>
          {scorers.map((s) => (
            <div role="columnheader" key={s} className={header} title={`${s}: baseline → candidate`}>
              {s}
            </div>
          ))}
          <div role="columnheader" className={header}>
            Traces
          </div>
        </div>
      </div>
      <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize(), minWidth }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const inputs = row.before?.inputs ?? row.after?.inputs ?? '';
          const edge = row.regressions ? 'border-l-red-500' : row.improvements ? 'border-l-emerald-500' : 'border-l-transparent';
          return (
            <div
              role="row"
              key={row.key}
              aria-rowindex={item.index + 2}
              data-regressions={row.regressions}
              data-improvements={row.improvements}
              className={`absolute right-0 left-0 grid items-center border-b border-l-2 border-zinc-100 text-[13px] dark:border-zinc-800/70 ${edge}`}
              style={{ gridTemplateColumns: template, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
            >
              <div role="cell" className="truncate px-3" title={inputs}>
                {inputs || <span className="text-zinc-400">–</span>}
              </div>
              <div role="cell" className="px-3">
                <Verdict row={row} />
              </div>
              {scorers.map((s) => (
                <div role="cell" key={s} className="flex min-w-0 items-center gap-1 px-3">
                  <span className="min-w-0 shrink">
                    <ScoreChip scorer={s} cell={row.before?.scores[s]} />
                  </span>
                  <span className="text-zinc-300 dark:text-zinc-600">→</span>
                  <span className="min-w-0 shrink">
                    <ScoreChip scorer={s} cell={row.after?.scores[s]} />
                  </span>
                  <ChangeMark change={row.changes[s]} />
                </div>
              ))}
              <div role="cell" className="flex gap-3 px-3 whitespace-nowrap">
                <TraceLink experimentId={experimentId} traceId={row.before?.traceId} label="baseline" />
                <TraceLink experimentId={experimentId} traceId={row.after?.traceId} label="candidate" />
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
