import { Link } from 'react-router';
import { Badge } from '../../../shared/components/status-badge';
import { VirtualHeaderCell, VirtualHeaderRow, VirtualRow, VirtualTable } from '../../../shared/components/virtual-table';
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
  return (
    <VirtualTable
      label="Compared rows"
      rowCount={rows.length}
      rowHeight={ROW_HEIGHT}
      minWidth={minWidth}
      header={
        <VirtualHeaderRow template={template}>
          <VirtualHeaderCell>Inputs</VirtualHeaderCell>
          <VirtualHeaderCell>Change</VirtualHeaderCell>
          {scorers.map((s) => (
            <VirtualHeaderCell key={s} title={`${s}: baseline → candidate`}>
              {s}
            </VirtualHeaderCell>
          ))}
          <VirtualHeaderCell>Traces</VirtualHeaderCell>
        </VirtualHeaderRow>
      }
      renderRow={(item) => {
        const row = rows[item.index]!;
        const inputs = row.before?.inputs ?? row.after?.inputs ?? '';
        const edge = row.regressions ? 'border-l-red-500' : row.improvements ? 'border-l-emerald-500' : 'border-l-transparent';
        return (
          <VirtualRow
            key={row.key}
            item={item}
            template={template}
            height={ROW_HEIGHT}
            data-regressions={row.regressions}
            data-improvements={row.improvements}
            className={`border-l-2 ${edge}`}
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
          </VirtualRow>
        );
      }}
    />
  );
}
