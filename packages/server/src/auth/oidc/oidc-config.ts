/** How Loupe authenticates itself at the token endpoint (OpenID Connect Core §9). */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/**
 * The OpenID Connect login settings, as the server's flags give them (README.md beside this file
 * lists the flags and environment variables). Only `issuer`, `clientId` and `redirectUrl` are
 * required; {@link resolveOidcConfig} fills in the rest.
 */
export interface OidcConfigInput {
  /** `--oidc-issuer` / `LOUPE_OIDC_ISSUER`: the provider's issuer URL, e.g. `https://id.example.com/realms/main`. */
  issuer: string;
  /** `--oidc-client-id` / `LOUPE_OIDC_CLIENT_ID`. */
  clientId: string;
  /** `--oidc-client-secret` / `LOUPE_OIDC_CLIENT_SECRET`; absent for a public client (PKCE only). */
  clientSecret?: string | undefined;
  /** `--oidc-redirect-url` / `LOUPE_OIDC_REDIRECT_URL`: Loupe's callback, e.g. `https://loupe.example.com/auth/callback`. */
  redirectUrl: string;
  /** `--oidc-scopes` / `LOUPE_OIDC_SCOPES` (default `openid profile email`); `openid` is always sent. */
  scopes?: readonly string[] | undefined;
  /** `--oidc-username-claim` / `LOUPE_OIDC_USERNAME_CLAIM`; default `preferred_username`, then a verified `email`. */
  usernameClaim?: string | undefined;
  /** `--oidc-groups-claim` / `LOUPE_OIDC_GROUPS_CLAIM` (default `groups`); a dotted path reaches into objects (`realm_access.roles`). */
  groupsClaim?: string | undefined;
  /** `--oidc-admin-group` / `LOUPE_OIDC_ADMIN_GROUP`: members of this group are Loupe administrators. */
  adminGroup?: string | undefined;
  /** `--oidc-token-auth-method` / `LOUPE_OIDC_TOKEN_AUTH_METHOD`; default `client_secret_basic` with a secret, `none` without. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod | undefined;
  /** `--oidc-userinfo` / `LOUPE_OIDC_USERINFO` (default on): also read the claims of the userinfo endpoint. */
  fetchUserinfo?: boolean | undefined;
}

/** {@link OidcConfigInput} with every default applied and checked. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUrl: string;
  scopes: readonly string[];
  /** Undefined: `preferred_username`, then a verified `email`. */
  usernameClaim: string | undefined;
  groupsClaim: string;
  adminGroup: string | undefined;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  fetchUserinfo: boolean;
}

export const DEFAULT_OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email'];
export const DEFAULT_GROUPS_CLAIM = 'groups';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether `url` may be used without TLS: only on this machine's loopback (a development provider).
 * Everywhere else tokens and codes travel over HTTPS only (OpenID Connect Core §16.17).
 */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}

function checkUrl(name: string, raw: string, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name} must be an absolute URL such as https://id.example.com, got '${raw}'`);
    return undefined;
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) problems.push(`${name} must use https (plain http is allowed on localhost only), got '${raw}'`);
  if (url.hash !== '') problems.push(`${name} must not have a #fragment, got '${raw}'`);
  return url;
}

/**
 * Applies the defaults to the OIDC flags and checks them together; throws one Error listing every
 * problem, each naming its flag.
 *
 * @example
 * const config = resolveOidcConfig({ issuer: 'https://id.example.com', clientId: 'loupe', clientSecret: 's3cret', redirectUrl: 'https://loupe.example.com/auth/callback', adminGroup: 'loupe-admins' });
 * config.tokenEndpointAuthMethod; // 'client_secret_basic'
 */
export function resolveOidcConfig(input: OidcConfigInput): OidcConfig {
  const problems: string[] = [];
  const issuer = checkUrl('--oidc-issuer (LOUPE_OIDC_ISSUER)', input.issuer, problems);
  if (issuer && issuer.search !== '') problems.push(`--oidc-issuer (LOUPE_OIDC_ISSUER) must not have a ?query, got '${input.issuer}'`);
  checkUrl('--oidc-redirect-url (LOUPE_OIDC_REDIRECT_URL)', input.redirectUrl, problems);
  if (input.clientId.trim() === '') problems.push('--oidc-client-id (LOUPE_OIDC_CLIENT_ID) must not be empty');
  const secret = input.clientSecret === '' ? undefined : input.clientSecret;
  const method = input.tokenEndpointAuthMethod ?? (secret === undefined ? 'none' : 'client_secret_basic');
  if (method === 'none' && secret !== undefined)
    problems.push('--oidc-token-auth-method none is for public clients: remove --oidc-client-secret (LOUPE_OIDC_CLIENT_SECRET) or choose client_secret_basic');
  if (method !== 'none' && secret === undefined) problems.push(`--oidc-token-auth-method ${method} needs --oidc-client-secret (LOUPE_OIDC_CLIENT_SECRET)`);
  const scopes = [...new Set(['openid', ...(input.scopes ?? DEFAULT_OIDC_SCOPES)].map((s) => s.trim()).filter((s) => s !== ''))];
  if (scopes.some((s) => /[\s"\\]/.test(s))) problems.push(`--oidc-scopes (LOUPE_OIDC_SCOPES) entries are single words, got ${JSON.stringify(input.scopes)}`);
  if (problems.length > 0) throw new Error(`OpenID Connect settings: ${problems.join('; ')}`);
  return {
    issuer: input.issuer,
    clientId: input.clientId.trim(),
    clientSecret: secret,
    redirectUrl: input.redirectUrl,
    scopes,
    usernameClaim: input.usernameClaim?.trim() || undefined,
    groupsClaim: input.groupsClaim?.trim() || DEFAULT_GROUPS_CLAIM,
    adminGroup: input.adminGroup?.trim() || undefined,
    tokenEndpointAuthMethod: method,
    fetchUserinfo: input.fetchUserinfo ?? true,
  };
}
