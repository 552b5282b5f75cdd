import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import type { UserRow } from '../lib/permissions';

/**
 * Every user (Loupe's `users/list`, admins only), or undefined while loading.
 *
 * @example
 * const { data: users } = useUsers();
 */
export function useUsers(enabled = true) {
  return useQuery({
    queryKey: ['auth', 'users'],
    queryFn: async ({ signal }) => (await apiRequest<{ users?: UserRow[] }>('GET', '2.0/loupe/users/list', { signal })).users ?? [],
    enabled,
    retry: false,
  });
}

/**
 * The user-management calls of MLflow's API (`users/create`, `update-admin`, `update-password`,
 * `delete`); each reads the users list again when it succeeds.
 *
 * @example
 * const { create } = useUserMutations();
 * create.mutate({ username: 'bo', password: 'twelve chars!' });
 */
export function useUserMutations() {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['auth'] });
  return {
    create: useMutation({
      mutationFn: (u: { username: string; password: string }) => apiRequest('POST', '2.0/mlflow/users/create', { body: u }),
      onSuccess: refresh,
    }),
    setAdmin: useMutation({
      mutationFn: (u: { username: string; is_admin: boolean }) => apiRequest('PATCH', '2.0/mlflow/users/update-admin', { body: u }),
      onSuccess: refresh,
    }),
    setPassword: useMutation({
      mutationFn: (u: { username: string; password: string }) => apiRequest('PATCH', '2.0/mlflow/users/update-password', { body: u }),
    }),
    remove: useMutation({
      mutationFn: (username: string) => apiRequest('DELETE', '2.0/mlflow/users/delete', { body: { username } }),
      onSuccess: refresh,
    }),
  };
}
