import { Link } from 'react-router';
import { JsonView } from '../../traces/components/json-view';
import type { EvalRow } from '../lib/eval-rows';
import { ScoreChip } from './score-chip';

const H = 'mb-1 text-xs font-semibold text-zinc-500 uppercase';

/**
 * One evaluation row in full: every scorer's verdict with its rationale (or error) and source, the
 * expectations, the request and response, and a link to the trace.
 *
 * @example
 * <EvalRowDetails experimentId="1" row={row} scorers={scorers} onClose={() => setSelected(undefined)} />
 */
export function EvalRowDetails({
  experimentId,
  row,
  scorers,
  onClose,
}: {
  experimentId: string;
  row: EvalRow;
  scorers: readonly string[];
  onClose: () => void;
}) {
  return (
    <aside
      aria-label="Row details"
      className="flex w-[440px] shrink-0 flex-col gap-4 overflow-auto rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex items-center gap-2">
        <Link
          to={`/experiments/${experimentId}/traces/${encodeURIComponent(row.traceId)}`}
          className="truncate font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400"
        >
          {row.traceId} ↗
        </Link>
        <button
          type="button"
          onClick={onClose}
          className="ml-auto text-xs text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
          aria-label="Close details"
        >
          Close
        </button>
      </div>
      <section aria-label="Scores">
        <h3 className={H}>Scores</h3>
        <ul className="flex flex-col gap-2">
          {scorers.map((s) => {
            const cell = row.scores[s];
            return (
              <li key={s} className="rounded-md border border-zinc-200 px-3 py-2 dark:border-zinc-800">
                <div className="flex items-center gap-2 text-sm">
                  <span className="font-medium">{s}</span>
                  <ScoreChip scorer={s} cell={cell} />
                  {cell?.source ? <span className="ml-auto truncate text-[11px] text-zinc-400">{cell.source}</span> : null}
                </div>
                {cell?.score.kind === 'error' ? <p className="mt-1 text-[13px] text-amber-800 dark:text-amber-300">{cell.score.message}</p> : null}
                {cell?.rationale ? (
                  <p
                    className={`mt-1 text-[13px] whitespace-pre-wrap text-zinc-600 dark:text-zinc-300 ${cell.score.kind === 'error' ? 'max-h-40 overflow-auto font-mono text-[11px]' : ''}`}
                  >
                    {cell.rationale}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
      {row.expectations.length ? (
        <section aria-label="Expectations">
          <h3 className={H}>Expectations</h3>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-[13px]">
            {row.expectations.map((e) => (
              <div key={e.name} className="contents">
                <dt className="text-zinc-500">{e.name}</dt>
                <dd className="break-words whitespace-pre-wrap">{e.value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      <div>
        <h3 className={H}>Request</h3>
        <JsonView label="Request" value={row.request} />
      </div>
      <div>
        <h3 className={H}>Response</h3>
        <JsonView label="Response" value={row.response} />
      </div>
    </aside>
  );
}
