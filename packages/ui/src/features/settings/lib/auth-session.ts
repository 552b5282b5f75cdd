import { ApiRequestError } from '../../../shared/api/http-client';

/**
 * Who is signed in, as the UI needs it: whether auth is on at all, the user's name and whether it is an
 * admin. Read from `GET /auth/session` (the browser-session route, which the login page uses too); servers
 * without that route are probed through MLflow's `users/get` (see {@link sessionFromUserProbe}).
 */

/** The signed-in principal, or auth being off. */
export type AuthSession =
  | { auth: 'none' }
  | {
      auth: 'on';
      /** Unknown only on a server without `/auth/session` (the probe cannot tell the name). */
      username: string | undefined;
      isAdmin: boolean;
      csrfToken: string | undefined;
    }
  /** Auth is on and nobody is signed in (`/auth/session` answered 401). */
  | { auth: 'signed-out' };

/** `GET /auth/session`'s 200 answer. */
export interface SessionWire {
  username?: string;
  is_admin?: boolean;
  csrf_token?: string;
  auth?: string;
  sso?: boolean;
}

/**
 * The session from the answer of `GET /auth/session`: null when the server has no such route (a 404),
 * so the caller probes instead.
 *
 * @example
 * sessionFromWire(200, { auth: 'none' }); // { auth: 'none' }
 * sessionFromWire(200, { auth: 'basic-auth', username: 'ana', is_admin: false, csrf_token: 't' });
 * // { auth: 'on', username: 'ana', isAdmin: false, csrfToken: 't' }
 */
export function sessionFromWire(status: number, body: SessionWire | undefined): AuthSession | null {
  if (status === 401) return { auth: 'signed-out' };
  if (status === 404) return null;
  if (status !== 200 || !body) throw new Error(`GET /auth/session answered ${status}`);
  if (body.auth === 'none') return { auth: 'none' };
  return { auth: 'on', username: body.username, isAdmin: body.is_admin === true, csrfToken: body.csrf_token };
}

/**
 * The session told from MLflow's `GET users/get?username=<a name nobody has>`, for servers without
 * `/auth/session`: with auth off the user routes are not mounted (a bare 404 without `error_code`); with
 * auth on an admin passes the self-or-admin check and gets the store's 404 (or the user), anyone else 403.
 *
 * @example
 * sessionFromUserProbe(404, {}); // { auth: 'none' }
 * sessionFromUserProbe(404, { error_code: 'RESOURCE_DOES_NOT_EXIST' }); // admin
 * sessionFromUserProbe(403, { error_code: 'PERMISSION_DENIED' }); // signed in, not an admin
 */
export function sessionFromUserProbe(status: number, body: { error_code?: unknown } | undefined): AuthSession {
  const signedIn = (isAdmin: boolean): AuthSession => ({ auth: 'on', username: undefined, isAdmin, csrfToken: undefined });
  if (status === 401) return { auth: 'signed-out' };
  if (status === 403) return signedIn(false);
  if (status === 200 || (status === 404 && typeof body?.error_code === 'string')) return signedIn(true);
  return { auth: 'none' };
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
 * settingsAccess({ auth: 'on', username: 'ana', isAdmin: false, csrfToken: undefined }).users; // false
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
 * settingsHome({ auth: 'on', username: 'root', isAdmin: true, csrfToken: undefined }); // '/settings/users'
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
