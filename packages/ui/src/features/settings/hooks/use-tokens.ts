import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import type { TokenInfo } from '../lib/tokens';

/**
 * A user's API tokens (`tokens/list`): the caller's own without `username`; admins may name anyone.
 *
 * @example
 * const { data: tokens } = useTokens(undefined);
 */
export function useTokens(username: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['auth', 'tokens', username ?? ''],
    queryFn: async ({ signal }) =>
      (await apiRequest<{ tokens?: TokenInfo[] }>('GET', '2.0/loupe/tokens/list', { query: { username: username || undefined }, signal })).tokens ?? [],
    enabled,
    retry: false,
  });
}

/**
 * Creating a token (the answer holds its secret, shown once) and revoking one; both read the list again.
 *
 * @example
 * const { create } = useTokenMutations();
 * create.mutate({ name: 'ci', expires_in_days: 30 }, { onSuccess: (r) => show(r.secret) });
 */
export function useTokenMutations() {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['auth', 'tokens'] });
  return {
    create: useMutation({
      mutationFn: (body: Record<string, unknown>) => apiRequest<{ token: TokenInfo; secret: string }>('POST', '2.0/loupe/tokens/create', { body }),
      onSuccess: refresh,
    }),
    revoke: useMutation({
      mutationFn: (tokenId: string) => apiRequest('POST', '2.0/loupe/tokens/revoke', { body: { token_id: tokenId } }),
      onSuccess: refresh,
    }),
  };
}
