/**
 * The server's sign-in routes (`/auth/...`, docs/adr/0013-auth.md §7) as the UI calls them. They are
 * not under `/ajax-api`, and never answer with a Basic challenge, so the browser shows Loupe's login
 * page rather than its own password prompt.
 */
import { sessionHeaders } from '../../../shared/api/http-client';

/** Who is signed in, as `GET /auth/session` answers. */
export interface SignedIn {
  state: 'signed-in';
  username: string;
  isAdmin: boolean;
  csrfToken: string;
  /** `none`: the server runs without auth (one local user): no login, no user menu. */
  auth: 'basic-auth' | 'none';
  sso: boolean;
}

/** Nobody is signed in; `sso`: the server offers "Sign in with SSO". */
export interface SignedOut {
  state: 'signed-out';
  sso: boolean;
}

export type SessionState = SignedIn | SignedOut;

interface SessionBody {
  username?: string;
  is_admin?: boolean;
  csrf_token?: string;
  auth?: 'basic-auth' | 'none';
  sso?: boolean;
  message?: string;
}

async function bodyOf(res: Response): Promise<SessionBody> {
  try {
    return (await res.json()) as SessionBody;
  } catch {
    return {};
  }
}

/**
 * Asks the server who this browser is signed in as.
 *
 * @example
 * const session = await fetchSession(); // { state: 'signed-out', sso: true }
 */
export async function fetchSession(): Promise<SessionState> {
  const res = await fetch('/auth/session', { headers: { accept: 'application/json' } });
  const body = await bodyOf(res);
  if (res.status === 401) return { state: 'signed-out', sso: body.sso === true };
  if (!res.ok) throw new Error(body.message ?? `The server answered ${res.status} to /auth/session`);
  return {
    state: 'signed-in',
    username: body.username ?? '',
    isAdmin: body.is_admin === true,
    csrfToken: body.csrf_token ?? '',
    auth: body.auth === 'none' ? 'none' : 'basic-auth',
    sso: body.sso === true,
  };
}

/**
 * Signs in with a user name and password; throws an Error with the server's message when refused.
 *
 * @example
 * await passwordLogin('alice', 'a long passphrase');
 */
export async function passwordLogin(username: string, password: string): Promise<void> {
  const res = await fetch('/auth/login/password', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.ok) return;
  const body = await bodyOf(res);
  throw new Error(res.status === 401 ? 'Wrong user name or password.' : (body.message ?? `Sign-in failed (HTTP ${res.status}).`));
}

/**
 * Signs out: the server ends the session and clears its cookie.
 *
 * @example
 * await logout();
 */
export async function logout(): Promise<void> {
  await fetch('/auth/logout', { method: 'POST', headers: sessionHeaders('POST') });
}

/**
 * Where "Sign in with SSO" goes: the server's OpenID Connect login, back to `returnTo` afterwards.
 *
 * @example
 * ssoLoginUrl('/experiments/1?tab=runs'); // '/auth/login?return_to=%2Fexperiments%2F1%3Ftab%3Druns'
 */
export function ssoLoginUrl(returnTo: string): string {
  return `/auth/login?${new URLSearchParams({ return_to: returnTo }).toString()}`;
}

/** Sentences for the codes `/auth/callback` sends back in `?login_error=` (never text from the URL itself). */
const LOGIN_ERRORS: Record<string, string> = {
  UNAUTHENTICATED: 'Single sign-on did not complete. Please try again.',
  PERMISSION_DENIED: 'Your single sign-on account cannot be used here: its user name belongs to another Loupe user. Ask an administrator.',
  TEMPORARILY_UNAVAILABLE: 'The identity provider could not be reached. Please try again later.',
  INTERNAL_ERROR: 'Single sign-on is not set up correctly on this server. Ask an administrator.',
};

/**
 * The message for a `?login_error=` code, or undefined when there is none.
 *
 * @example
 * loginErrorMessage('?login_error=PERMISSION_DENIED'); // 'Your single sign-on account cannot be used here: ...'
 */
export function loginErrorMessage(search: string): string | undefined {
  const code = new URLSearchParams(search).get('login_error');
  if (code === null) return undefined;
  return LOGIN_ERRORS[code] ?? 'Single sign-on failed. Please try again.';
}
