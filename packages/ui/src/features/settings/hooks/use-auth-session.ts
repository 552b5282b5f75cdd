import { useQuery } from '@tanstack/react-query';
import { apiUrl } from '../../../shared/api/http-client';
import { sessionFromUserProbe, sessionFromWire, type AuthSession, type SessionWire } from '../lib/auth-session';

async function readJson(res: Response): Promise<Record<string, unknown> | undefined> {
  try {
    return (await res.json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A name no user has: the probe only needs the check's answer, not a user. */
const PROBE_USERNAME = 'loupe-ui-session-probe';

/**
 * Who is signed in (`GET /auth/session`), read once per page load. On a server without that route the
 * answer of MLflow's `users/get` tells whether auth is on and whether the caller is an admin.
 *
 * @example
 * const { data: session } = useAuthSession();
 * if (session?.auth === 'on' && session.isAdmin) showUsersLink();
 */
export function useAuthSession() {
  return useQuery({
    queryKey: ['auth', 'session'],
    queryFn: async ({ signal }): Promise<AuthSession> => {
      const res = await fetch('/auth/session', { signal, headers: { accept: 'application/json' } });
      const session = sessionFromWire(res.status, res.status === 200 ? ((await readJson(res)) as SessionWire) : undefined);
      if (session) return session;
      const probe = await fetch(apiUrl('2.0/mlflow/users/get', { username: PROBE_USERNAME }), { signal });
      return sessionFromUserProbe(probe.status, await readJson(probe));
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}
