import { QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from '../shared/api/http-client';

/**
 * The UI's TanStack Query client: short freshness (tracking data moves), no retry of client
 * mistakes (a 4xx will not fix itself), one retry of anything else.
 *
 * @example
 * <QueryClientProvider client={createQueryClient()}>...</QueryClientProvider>
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !(error instanceof ApiRequestError && error.status >= 400 && error.status < 500) && count < 1,
      },
    },
  });
}
