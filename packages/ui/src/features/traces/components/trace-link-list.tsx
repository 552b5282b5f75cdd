import { TraceTagKey, type TraceInfoV3 } from '@loupe/protocol';
import { Link } from 'react-router';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';

/**
 * A short list of traces, each linking to its page in its experiment, with its name, state and age:
 * the traces that used a prompt version or were made with a model version.
 *
 * @example
 * <TraceLinkList traces={data.traces} />
 */
export function TraceLinkList({ traces }: { traces: TraceInfoV3[] }) {
  return (
    <ul className="flex flex-col divide-y divide-zinc-100 rounded-md border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800">
      {traces.map((t) => {
        const experimentId = t.trace_location.mlflow_experiment?.experiment_id;
        const name = t.tags?.[TraceTagKey.TRACE_NAME];
        return (
          <li key={t.trace_id} className="flex items-center gap-3 px-3 py-1.5">
            {experimentId ? (
              <Link to={`/experiments/${experimentId}/traces/${t.trace_id}`} className="font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400">
                {t.trace_id}
              </Link>
            ) : (
              <span className="font-mono text-xs">{t.trace_id}</span>
            )}
            {name ? <span className="truncate text-xs text-zinc-700 dark:text-zinc-300">{name}</span> : null}
            <span className="text-xs text-zinc-500">{t.state}</span>
            <span className="ml-auto text-xs whitespace-nowrap text-zinc-500" title={formatTimestamp(t.request_time)}>
              {formatRelative(t.request_time)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
