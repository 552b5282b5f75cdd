import type { PermissionName } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiRequestError, apiRequest } from '../../../shared/api/http-client';
import { isMissingRoute } from '../lib/auth-session';
import { permissionApi, type PermissionRow, type ShareTarget } from '../lib/permissions';

/** The permission list of a target, or why there is none: `denied` (no MANAGE), `missing` (no listing route on this server). */
export type PermissionList = { state: 'allowed'; rows: PermissionRow[] } | { state: 'denied' | 'missing' };

const listKey = (target: ShareTarget) => ['auth', 'permissions', target.kind, target.kind === 'experiment' ? target.experimentId : target.name];

/**
 * Who has which permission on an experiment or registered model (Loupe's `permissions/list`, which needs
 * MANAGE): a 403 is `denied` and a 404 without an error code `missing`, so the Share button can decide.
 *
 * @example
 * const { data } = usePermissionList({ kind: 'experiment', experimentId: '3' }, true);
 */
export function usePermissionList(target: ShareTarget, enabled: boolean) {
  return useQuery({
    queryKey: listKey(target),
    queryFn: async ({ signal }): Promise<PermissionList> => {
      const api = permissionApi(target);
      try {
        const res = await apiRequest<{ permissions?: PermissionRow[] }>('GET', api.list, { query: api.key, signal });
        return { state: 'allowed', rows: res.permissions ?? [] };
      } catch (err) {
        if (err instanceof ApiRequestError && err.status === 403) return { state: 'denied' };
        if (isMissingRoute(err)) return { state: 'missing' };
        throw err;
      }
    },
    enabled,
    retry: false,
  });
}

/**
 * Granting, changing and removing one user's permission (MLflow's `permissions/create`, `update`,
 * `delete`). `grant` creates the row and, when the user has one already (a list read before someone
 * else's change), updates it instead.
 *
 * @example
 * const { grant } = usePermissionMutations(target);
 * grant.mutate({ username: 'bo', permission: 'EDIT', call: 'create' });
 */
export function usePermissionMutations(target: ShareTarget) {
  const qc = useQueryClient();
  const api = permissionApi(target);
  const refresh = () => qc.invalidateQueries({ queryKey: listKey(target) });
  return {
    grant: useMutation({
      mutationFn: async ({ username, permission, call }: { username: string; permission: PermissionName; call: 'create' | 'update' }) => {
        const body = { ...api.key, username, permission };
        if (call === 'update') return apiRequest('PATCH', `${api.base}/update`, { body });
        try {
          return await apiRequest('POST', `${api.base}/create`, { body });
        } catch (err) {
          if (err instanceof ApiRequestError && err.errorCode === 'RESOURCE_ALREADY_EXISTS') return apiRequest('PATCH', `${api.base}/update`, { body });
          throw err;
        }
      },
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (username: string) => apiRequest('DELETE', `${api.base}/delete`, { body: { ...api.key, username } }),
      onSettled: refresh,
    }),
  };
}
