/** An API token as `tokens/list` and `tokens/create` answer (times in ms since the epoch). */
export interface TokenInfo {
  token_id: string;
  name: string;
  username: string;
  token_prefix: string;
  created_at: number;
  last_used_at?: number;
  expires_at?: number;
  revoked_at?: number;
}

/** Whether a token still authenticates. */
export type TokenState = 'active' | 'expired' | 'revoked';

/**
 * A token's state at `now`: revoked wins over expired.
 *
 * @example
 * tokenState({ ...t, expires_at: 1000 }, 2000); // 'expired'
 */
export function tokenState(token: TokenInfo, now: number): TokenState {
  if (token.revoked_at !== undefined) return 'revoked';
  if (token.expires_at !== undefined && token.expires_at <= now) return 'expired';
  return 'active';
}

/**
 * Tokens for the list: active ones first, then newest first.
 *
 * @example
 * sortTokens(tokens, Date.now());
 */
export function sortTokens(tokens: readonly TokenInfo[], now: number): TokenInfo[] {
  const rank = (t: TokenInfo) => (tokenState(t, now) === 'active' ? 0 : 1);
  return [...tokens].sort((a, b) => rank(a) - rank(b) || b.created_at - a.created_at);
}

/** The expiry choices of the create form, in days; `undefined` never expires. */
export const EXPIRY_CHOICES: readonly { label: string; days: number | undefined }[] = [
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
  { label: 'No expiry', days: undefined },
];

/**
 * Why a token name would be refused (the server takes 1-100 characters), or undefined.
 *
 * @example
 * tokenNameProblem(''); // 'Name the token (what uses it).'
 */
export function tokenNameProblem(name: string): string | undefined {
  const n = name.trim();
  if (!n) return 'Name the token (what uses it).';
  if (n.length > 100) return 'At most 100 characters.';
  return undefined;
}

/**
 * The body of `tokens/create`: the trimmed name, the expiry when there is one, and the user only when
 * it is someone else (admins making a token for another user).
 *
 * @example
 * createTokenBody('ci', 30, 'bo', 'root'); // { name: 'ci', expires_in_days: 30, username: 'bo' }
 */
export function createTokenBody(name: string, days: number | undefined, forUser: string | undefined, self: string | undefined): Record<string, unknown> {
  return {
    name: name.trim(),
    ...(days !== undefined ? { expires_in_days: days } : {}),
    ...(forUser && forUser !== self ? { username: forUser } : {}),
  };
}

/**
 * When a token expires, from `now`: `in 30d`, `in 5h`, `in <1h` ahead; undefined once it has passed
 * (the caller shows the past time as any other).
 *
 * @example
 * expiresIn(Date.UTC(2026, 0, 31), Date.UTC(2026, 0, 1)); // 'in 30d'
 */
export function expiresIn(expiresAt: number, now: number): string | undefined {
  const ms = expiresAt - now;
  if (ms <= 0) return undefined;
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 24) return `in ${Math.floor(hours / 24)}d`;
  return hours >= 1 ? `in ${hours}h` : 'in <1h';
}
