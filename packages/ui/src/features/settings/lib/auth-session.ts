import type { SignedIn } from '../../auth/lib/session-api';
import { ApiRequestError } from '../../../shared/api/http-client';

/**
 * Who is signed in, as the settings pages need it: whether auth is on at all, the user's name and
 * whether it is an admin, from the session the session gate read.
 */

/** The signed-in principal, or auth being off. */
export type AuthSession =
  | { auth: 'none' }
  | {
      auth: 'on';
      username: string;
      isAdmin: boolean;
      csrfToken: string;
    }
  /** Nobody is signed in (outside the session gate). */
  | { auth: 'signed-out' };

/**
 * The settings pages' view of the session the session gate read (`GET /auth/session`): auth off, or a
 * signed-in user (the gate shows the login page to everyone else, so undefined means outside the gate).
 *
 * @example
 * authSessionOf({ state: 'signed-in', auth: 'none', username: '', isAdmin: true, csrfToken: '', sso: false }); // { auth: 'none' }
 * authSessionOf(undefined); // { auth: 'signed-out' }
 */
export function authSessionOf(session: SignedIn | undefined): AuthSession {
  if (!session) return { auth: 'signed-out' };
  if (session.auth === 'none') return { auth: 'none' };
  return { auth: 'on', username: session.username, isAdmin: session.isAdmin, csrfToken: session.csrfToken };
}

/** What the signed-in user may open in the settings pages and dialogs. */
export interface SettingsAccess {
  /** Any settings page at all (auth on and signed in). */
  settings: boolean;
  /** Users and the audit log: admins only. */
  users: boolean;
  audit: boolean;
  /** API tokens: anyone signed in (their own); admins also another user's. */
  tokens: boolean;
  otherUsersTokens: boolean;
}

/**
 * What a session may see: nothing with auth off or signed out, tokens when signed in, users and the
 * audit log for admins.
 *
 * @example
 * settingsAccess({ auth: 'none' }).settings; // false
 * settingsAccess({ auth: 'on', username: 'ana', isAdmin: false, csrfToken: '' }).users; // false
 */
export function settingsAccess(session: AuthSession | undefined): SettingsAccess {
  const on = session?.auth === 'on';
  const admin = on && session.isAdmin;
  return { settings: on, users: admin, audit: admin, tokens: on, otherUsersTokens: admin };
}

/**
 * Where the header's Settings link goes: the users page for admins, the user's own tokens otherwise;
 * undefined when there are no settings to show (auth off, signed out, not known yet).
 *
 * @example
 * settingsHome({ auth: 'on', username: 'root', isAdmin: true, csrfToken: '' }); // '/settings/users'
 */
export function settingsHome(session: AuthSession | undefined): string | undefined {
  const access = settingsAccess(session);
  if (!access.settings) return undefined;
  return access.users ? '/settings/users' : '/settings/tokens';
}

/**
 * Whether an error is the bare 404 of a route this server does not have (no `error_code` in the
 * answer), as opposed to a 404 about a resource.
 *
 * @example
 * isMissingRoute(new ApiRequestError(404, 'ENDPOINT_NOT_FOUND', 'HTTP 404')); // true
 */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status === 404 && error.errorCode === 'ENDPOINT_NOT_FOUND';
}

/** A session with someone signed in (what the settings pages get). */
export type SignedInSession = Extract<AuthSession, { auth: 'on' }>;
