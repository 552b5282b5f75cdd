import { useSession } from '../../auth/hooks/use-session';
import { authSessionOf, type AuthSession } from '../lib/auth-session';

/**
 * Who is signed in, from the session the session gate read once per page load (one source: the gate
 * shows the login page until there is one).
 *
 * @example
 * const session = useAuthSession();
 * if (session.auth === 'on' && session.isAdmin) showUsersLink();
 */
export function useAuthSession(): AuthSession {
  return authSessionOf(useSession());
}
