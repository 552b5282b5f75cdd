/**
 * Failed logins, kept where every server sees them (docs/adr/0013-auth.md §6), so the throttle's
 * limits hold for the whole deployment, not per server. Keys are the throttle's (a username's, a
 * client address's); times are epoch milliseconds (servers compare them).
 *
 * @example
 * await failures.record(['u:alice', 'a:10.0.0.7'], now, now - windowMs);
 * const at = await failures.nthRecent('u:alice', now - windowMs, 10); // the 10th newest, if there are 10
 */
export interface LoginFailureStore {
  /** Records a failure under each key at `at`; forgets every failure at or before `forgetBefore`. */
  record(keys: readonly string[], at: number, forgetBefore: number): Promise<void>;
  /** When the `nth` newest failure of `key` after `since` happened; undefined when it has fewer. */
  nthRecent(key: string, since: number, nth: number): Promise<number | undefined>;
  /** Forgets the failures of `key` (a successful login). */
  clear(key: string): Promise<void>;
}
