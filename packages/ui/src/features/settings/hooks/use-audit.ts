import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import { auditQuery, type AuditEvent, type AuditFilters } from '../lib/audit';

/**
 * One page of the audit log (`audit/search`, admins only), newest first.
 *
 * @example
 * const { data } = useAuditEvents({ actor: '', action: '', resourceType: '' }, undefined, 50);
 */
export function useAuditEvents(filters: AuditFilters, pageToken: string | undefined, pageSize: number, enabled = true) {
  return useQuery({
    queryKey: ['auth', 'audit', filters, pageToken ?? '', pageSize],
    queryFn: async ({ signal }) => {
      const res = await apiRequest<{ events?: AuditEvent[]; next_page_token?: string }>('GET', '2.0/loupe/audit/search', {
        query: auditQuery(filters, pageToken, pageSize),
        signal,
      });
      return { events: res.events ?? [], nextPageToken: res.next_page_token || undefined };
    },
    placeholderData: keepPreviousData,
    enabled,
    retry: false,
  });
}
