import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { configureSession } from '../../../shared/api/http-client';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { SessionContext } from '../hooks/use-session';
import { fetchSession } from '../lib/session-api';
import { LoginPage } from './login-page';

const SESSION_KEY = ['auth', 'session'] as const;

/**
 * Asks the server who this browser is (`GET /auth/session`) before anything else renders: signed in
 * (or auth off), the app; signed out, the login page, at the URL that was asked for, so the page
 * shows once signed in. A 401 from any later API call (the session ended) asks again.
 *
 * @example
 * <SessionGate><AppRouter /></SessionGate>
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const session = useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: Infinity, retry: 1 });
  const data = session.data;
  // Before the pages render, so their first write carries the token (idempotent: safe on every render).
  configureSession({
    csrfToken: data?.state === 'signed-in' ? data.csrfToken : '',
    onSignedOut: () => void client.invalidateQueries({ queryKey: SESSION_KEY }),
  });

  if (session.error) {
    return (
      <div className="p-8">
        <ErrorBanner error={session.error} title="Cannot reach the Loupe server" />
      </div>
    );
  }
  if (!data) return null;
  if (data.state === 'signed-out') {
    return <LoginPage sso={data.sso} onSignedIn={() => client.resetQueries()} />;
  }
  return <SessionContext.Provider value={data}>{children}</SessionContext.Provider>;
}
