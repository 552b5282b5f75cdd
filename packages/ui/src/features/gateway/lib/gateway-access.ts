import type { AuthSession } from '../../settings/lib/auth-session';

/**
 * Whether the session may manage the gateway (API keys, models, endpoints, budgets): with auth off
 * anyone; with it on, admins (the server's rule; everyone signed in may read endpoints).
 *
 * @example
 * canManageGateway({ auth: 'on', username: 'bob', isAdmin: false, csrfToken: 't' }); // false
 */
export function canManageGateway(session: AuthSession): boolean {
  return session.auth === 'none' || (session.auth === 'on' && session.isAdmin);
}
