/**
 * Who sent a request, as an authenticator proved it. Routes and the authorizer see only this, never
 * the credentials: a bearer-token or session-cookie authenticator yields the same shape.
 */
export interface Principal {
  /** The user's row id; null for the local operator of a server without auth. */
  userId: number | null;
  username: string;
  /** Admins bypass every permission check (MLflow's rule). */
  isAdmin: boolean;
  /** How it was proven: `basic` (HTTP Basic), later `bearer` and `session`; `none` when auth is off. */
  via: 'none' | 'basic' | 'bearer' | 'session';
}

/**
 * The principal of every request when auth is off (`--app-name` unset): the one person at the
 * keyboard of a loopback server, allowed everything.
 *
 * @example
 * app.use('*', (c, next) => { c.set('principal', LOCAL_OPERATOR); return next(); });
 */
export const LOCAL_OPERATOR: Principal = Object.freeze({ userId: null, username: 'local', isAdmin: true, via: 'none' as const });
