import { createContext, useContext } from 'react';
import type { SignedIn } from '../lib/session-api';

/** The signed-in session, for the pages under the session gate (the header's user menu). */
export const SessionContext = createContext<SignedIn | undefined>(undefined);

/**
 * Who is signed in; undefined outside the session gate (component tests render pages without it).
 *
 * @example
 * const session = useSession();
 * if (session?.auth === 'basic-auth') return <UserMenu />;
 */
export function useSession(): SignedIn | undefined {
  return useContext(SessionContext);
}
