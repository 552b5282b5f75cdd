/** One audit event as `audit/search` answers it (time in ms since the epoch). */
export interface AuditEvent {
  event_id: string;
  time: number;
  actor: string;
  via: string;
  action: string;
  resource_type: string;
  resource_id: string;
  detail: string;
}

/** The audit page's filters, each empty for "any". */
export interface AuditFilters {
  actor: string;
  action: string;
  resourceType: string;
}

/** The resource types the filter offers (others can be typed into the URL). */
export const AUDIT_RESOURCE_TYPES: readonly string[] = [
  'user',
  'experiment_permission',
  'registered_model_permission',
  'token',
  'experiment',
  'registered_model',
];

/** The actions the filter offers (the contract's examples; the server may log more). */
export const AUDIT_ACTIONS: readonly string[] = [
  'user.create',
  'user.delete',
  'user.update_admin',
  'user.update_password',
  'permission.create',
  'permission.update',
  'permission.delete',
  'token.create',
  'token.revoke',
  'token.use',
  'experiment.delete',
  'registered_model.delete',
];

/**
 * The filters from the page's URL (`?actor=&action=&resource_type=`).
 *
 * @example
 * auditFiltersFrom(new URLSearchParams('actor=root')); // { actor: 'root', action: '', resourceType: '' }
 */
export function auditFiltersFrom(params: URLSearchParams): AuditFilters {
  return { actor: params.get('actor') ?? '', action: params.get('action') ?? '', resourceType: params.get('resource_type') ?? '' };
}

/**
 * The query of `audit/search` for the filters and page: empty filters are left out.
 *
 * @example
 * auditQuery({ actor: ' root ', action: '', resourceType: 'user' }, undefined, 50);
 * // { max_results: 50, actor: 'root', resource_type: 'user' }
 */
export function auditQuery(filters: AuditFilters, pageToken: string | undefined, pageSize: number): Record<string, string | number> {
  const q: Record<string, string | number> = { max_results: pageSize };
  if (pageToken) q.page_token = pageToken;
  if (filters.actor.trim()) q.actor = filters.actor.trim();
  if (filters.action.trim()) q.action = filters.action.trim();
  if (filters.resourceType.trim()) q.resource_type = filters.resourceType.trim();
  return q;
}

/**
 * An event's detail for display: its JSON object as `key=value` pairs, other text as it is.
 *
 * @example
 * auditDetail('{"permission":"EDIT","username":"bo"}'); // 'permission=EDIT username=bo'
 */
export function auditDetail(detail: string): string {
  if (!detail) return '';
  try {
    const parsed: unknown = JSON.parse(detail);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.entries(parsed as Record<string, unknown>)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
    }
    return typeof parsed === 'string' ? parsed : detail;
  } catch {
    return detail;
  }
}
