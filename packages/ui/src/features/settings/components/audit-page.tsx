import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { Pager } from '../../../shared/components/pager';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { usePageToken } from '../../../shared/hooks/use-page-token';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useAuditEvents } from '../hooks/use-audit';
import { isMissingRoute } from '../lib/auth-session';
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES, auditDetail, auditFiltersFrom, type AuditFilters } from '../lib/audit';
import { MissingRouteNote } from './missing-route-note';

const PAGE_SIZE = 50;

/**
 * The audit log (admins only): who did what to which resource, newest first, filtered by actor, action
 * and resource type (kept in the URL), 50 a page.
 *
 * @example
 * { path: '/settings/audit', element: <AuditPage /> }
 */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = auditFiltersFrom(params);
  const paging = usePageToken();
  const events = useAuditEvents(filters, paging.pageToken, PAGE_SIZE);
  const [actor, setActor] = useState(filters.actor);
  const apply = (next: AuditFilters) => {
    paging.reset();
    setParams(
      (p) => {
        p.delete('page');
        for (const [key, value] of [
          ['actor', next.actor],
          ['action', next.action],
          ['resource_type', next.resourceType],
        ] as const) {
          if (value.trim()) p.set(key, value.trim());
          else p.delete(key);
        }
        return p;
      },
      { replace: true },
    );
  };
  return (
    <section aria-label="Audit log">
      <form
        className="mb-3 flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          apply({ ...filters, actor });
        }}
      >
        <TextInput aria-label="Actor" placeholder="Actor (username)" value={actor} onChange={(e) => setActor(e.target.value)} className="w-48" />
        <select aria-label="Action" className={INPUT_CLASS} value={filters.action} onChange={(e) => apply({ ...filters, actor, action: e.target.value })}>
          <option value="">Any action</option>
          {[...new Set([...AUDIT_ACTIONS, filters.action].filter(Boolean))].map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
        <select
          aria-label="Resource type"
          className={INPUT_CLASS}
          value={filters.resourceType}
          onChange={(e) => apply({ ...filters, actor, resourceType: e.target.value })}
        >
          <option value="">Any resource</option>
          {[...new Set([...AUDIT_RESOURCE_TYPES, filters.resourceType].filter(Boolean))].map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <Button type="submit">Filter</Button>
      </form>
      {isMissingRoute(events.error) ? (
        <MissingRouteNote route="GET /api/2.0/loupe/audit/search" what="The audit log" />
      ) : events.error ? (
        <ErrorBanner error={events.error} />
      ) : events.isPending ? (
        <Spinner label="Loading the audit log" />
      ) : events.data.events.length === 0 ? (
        <EmptyState title="No events" hint={filters.actor || filters.action || filters.resourceType ? 'Nothing matches these filters.' : undefined} />
      ) : (
        <>
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm" aria-label="Audit events">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th className="px-4 py-2 font-medium">Time</th>
                  <th className="px-4 py-2 font-medium">Actor</th>
                  <th className="px-4 py-2 font-medium">Action</th>
                  <th className="px-4 py-2 font-medium">Resource</th>
                  <th className="px-4 py-2 font-medium">Detail</th>
                </tr>
              </thead>
              <tbody>
                {events.data.events.map((e) => (
                  <tr key={e.event_id} className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800/60">
                    <td className="px-4 py-2 whitespace-nowrap text-zinc-600 dark:text-zinc-400" title={formatTimestamp(e.time)}>
                      {formatRelative(e.time)}
                    </td>
                    <td className="px-4 py-2">
                      {e.actor}
                      <span className="ml-1.5 text-xs text-zinc-400">{e.via}</span>
                    </td>
                    <td className="px-4 py-2 font-mono text-xs">{e.action}</td>
                    <td className="px-4 py-2 text-xs">
                      <span className="text-zinc-500">{e.resource_type}</span> <span className="font-mono">{e.resource_id}</span>
                    </td>
                    <td className="max-w-md px-4 py-2 font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">{auditDetail(e.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager paging={paging} nextPageToken={events.data.nextPageToken} />
        </>
      )}
    </section>
  );
}
