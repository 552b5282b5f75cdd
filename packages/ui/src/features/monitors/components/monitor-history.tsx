import type { Monitor } from '@loupe/protocol';
import { Badge } from '../../../shared/components/status-badge';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useMonitorEvents } from '../hooks/use-monitors';
import { formatMonitorValue, stateTone } from '../lib/monitor-form-values';

/**
 * A monitor's state changes (its alert history), newest first: when, from and to which state, and the
 * value against the threshold at that moment.
 *
 * @example
 * <MonitorHistory monitor={monitor} />
 */
export function MonitorHistory({ monitor }: { monitor: Monitor }) {
  const events = useMonitorEvents(monitor.monitor_id);
  return (
    <section aria-label={`History of ${monitor.name}`} className="mt-6">
      <h2 className="mb-2 text-sm font-semibold">
        History: <span className="font-normal">{monitor.name}</span>
      </h2>
      {events.error ? <ErrorBanner error={events.error} /> : null}
      {events.isPending ? (
        <Spinner label="Loading history" />
      ) : events.data && events.data.length === 0 ? (
        <EmptyState title="No state changes yet" hint="Each change between OK, ALERT and NO_DATA is recorded here." />
      ) : (
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full text-sm" aria-label="Monitor history">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
              <tr>
                <th className="px-4 py-2 font-medium">When</th>
                <th className="px-4 py-2 font-medium">Change</th>
                <th className="px-4 py-2 font-medium">Value</th>
                <th className="px-4 py-2 font-medium">Samples</th>
              </tr>
            </thead>
            <tbody>
              {events.data?.map((e) => (
                <tr key={e.event_id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                  <td className="px-4 py-2" title={formatTimestamp(e.timestamp)}>
                    {formatRelative(e.timestamp)}
                  </td>
                  <td className="px-4 py-2">
                    <span className="inline-flex items-center gap-1.5">
                      <Badge tone={stateTone(e.from_state)}>{e.from_state}</Badge>
                      <span aria-hidden>→</span>
                      <Badge tone={stateTone(e.to_state)}>{e.to_state}</Badge>
                    </span>
                  </td>
                  <td className="px-4 py-2 font-mono text-xs">
                    {formatMonitorValue(monitor.metric, e.value)}
                    <span className="text-zinc-500">
                      {' '}
                      (alert {e.comparator} {formatMonitorValue(monitor.metric, e.threshold)})
                    </span>
                  </td>
                  <td className="px-4 py-2 font-mono text-xs">{e.sample_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
