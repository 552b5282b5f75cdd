import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { DiscoveryCache, type ProviderMetadata } from './discovery.js';
import { safeEqual, verifyIdToken } from './id-token.js';
import { mapClaimsToIdentity, type OidcIdentity } from './identity.js';
import { JwksCache, type JwksCacheOptions } from './jwks-cache.js';
import type { OidcConfig } from './oidc-config.js';
import { loginRefused, misconfigured } from './oidc-errors.js';
import { createProviderHttp, type ProviderHttp, type ProviderHttpOptions } from './provider-http.js';
import { exchangeCode, fetchUserinfo } from './token-endpoint.js';
import { safeReturnTo } from './return-to.js';

/**
 * What the browser carries between {@link OidcClient.beginLogin} and {@link OidcClient.completeLogin}
 * (in a short-lived sealed cookie, see ../session/pending-login-cookie.ts): the secrets that bind the
 * provider's answer to this browser's login.
 */
export interface PendingLogin {
  /** Sent as `state`; the callback must return it (CSRF on the callback, RFC 6749 §10.12). */
  state: string;
  /** Sent as `nonce`; the ID token must carry it (replay, OpenID Connect Core §15.5.2). */
  nonce: string;
  /** PKCE (RFC 7636): its S256 challenge went to the provider, the verifier goes to the token endpoint. */
  codeVerifier: string;
  /** A path on this server to show after login. */
  returnTo: string;
  /** Wall time the login started, epoch milliseconds. */
  createdAt: number;
}

/** Where to send the browser, and what to remember until it comes back. */
export interface LoginStart {
  redirectUrl: string;
  pending: PendingLogin;
}

/** How an {@link OidcClient} reaches the provider and tells time. */
export interface OidcClientOptions extends ProviderHttpOptions {
  clock: Clock;
  /** Seconds of clock difference with the provider tolerated on token times (default 60). */
  clockToleranceSeconds?: number;
  /** How long a started login stays valid (default 10 minutes). */
  pendingLoginTtlMs?: number;
  jwks?: JwksCacheOptions;
}

export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
const MAX_ERROR_TEXT = 300;

/** 32 random bytes, base64url (43 characters): state, nonce and PKCE verifier alike. */
const randomToken = () => randomBytes(32).toString('base64url');
/** Provider text quoted in a message: short, one line. */
const quoted = (value: string | null) => (value ?? '').replace(/\p{Cc}/gu, ' ').slice(0, MAX_ERROR_TEXT);

/** Signing algorithms accepted for ID tokens: the provider's, less `none` and HMAC (the client secret is not a signing key here). */
function acceptedAlgorithms(metadata: ProviderMetadata): string[] {
  const listed = metadata.id_token_signing_alg_values_supported ?? ['RS256'];
  const accepted = listed.filter((alg) => alg !== 'none' && !alg.startsWith('HS'));
  if (accepted.length === 0)
    throw misconfigured(`the provider signs ID tokens only with ${listed.join(', ')}; Loupe needs an asymmetric algorithm such as RS256 or ES256.`);
  return accepted;
}

/**
 * An OpenID Connect relying party for the UI's login: the authorization code flow with PKCE (S256),
 * `state` and `nonce`, the provider's metadata discovered from its issuer (and cached), the code
 * exchanged at the token endpoint (client_secret_basic, client_secret_post, or a public client),
 * the ID token verified against the provider's keys (rotation handled), userinfo optionally read,
 * and the claims mapped to a Loupe identity. Keeps no per-login state: the caller carries
 * {@link PendingLogin} in the browser, so any of several servers can finish a login.
 *
 * @example
 * const oidc = await OidcClient.discover(resolveOidcConfig({ issuer, clientId, clientSecret, redirectUrl }), { clock: systemClock });
 * const { redirectUrl, pending } = await oidc.beginLogin({ returnTo: '/experiments' });
 * // ... the browser comes back to redirectUrl's callback ...
 * const identity = await oidc.completeLogin(request.url, pending); // { username, groups, isAdmin, ... }
 */
export class OidcClient {
  private readonly http: ProviderHttp;
  private readonly discovery: DiscoveryCache;
  private readonly clock: Clock;
  private readonly toleranceSeconds: number;
  private readonly pendingTtlMs: number;
  private jwks: JwksCache | undefined;

  /** Discovers the provider now, so a wrong issuer or an unreachable provider shows at start-up. */
  static async discover(config: OidcConfig, options: OidcClientOptions): Promise<OidcClient> {
    const client = new OidcClient(config, options);
    await client.metadata();
    return client;
  }

  /** Discovers the provider lazily, on the first login. */
  constructor(
    readonly config: OidcConfig,
    private readonly options: OidcClientOptions,
  ) {
    this.http = createProviderHttp(options);
    this.clock = options.clock;
    this.discovery = new DiscoveryCache(config.issuer, this.http, this.clock);
    this.toleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
    this.pendingTtlMs = options.pendingLoginTtlMs ?? PENDING_LOGIN_TTL_MS;
  }

  /** The provider's metadata (cached; fetched again after an hour). */
  metadata(): Promise<ProviderMetadata> {
    return this.discovery.get();
  }

  /**
   * Starts a login: fresh `state`, `nonce` and PKCE verifier, and the provider's authorization URL
   * to redirect the browser to. `returnTo` is kept only when it is a path on this server.
   */
  async beginLogin(options: { returnTo?: string } = {}): Promise<LoginStart> {
    const metadata = await this.metadata();
    const methods = metadata.token_endpoint_auth_methods_supported;
    if (methods && !methods.includes(this.config.tokenEndpointAuthMethod)) {
      throw misconfigured(
        `the provider does not accept token endpoint authentication '${this.config.tokenEndpointAuthMethod}' (it lists ${methods.join(', ')}); set LOUPE_OIDC_TOKEN_AUTH_METHOD.`,
      );
    }
    const pending: PendingLogin = {
      state: randomToken(),
      nonce: randomToken(),
      codeVerifier: randomToken(),
      returnTo: safeReturnTo(options.returnTo),
      createdAt: this.clock.now(),
    };
    const url = new URL(metadata.authorization_endpoint);
    const params = {
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.config.redirectUrl,
      scope: this.config.scopes.join(' '),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return { redirectUrl: url.href, pending };
  }

  /**
   * Finishes a login from the URL the provider sent the browser back to: checks it belongs to
   * `pending` (age, `state`, RFC 9207 `iss`), exchanges the code, verifies the ID token, reads
   * userinfo when configured, and maps the claims. Every refusal is a 401 ApiError saying which check
   * failed; an unreachable provider is a 503, a settings mismatch a 500.
   */
  async completeLogin(callbackUrl: string | URL, pending: PendingLogin): Promise<OidcIdentity> {
    const now = this.clock.now();
    if (now - pending.createdAt > this.pendingTtlMs) {
      throw loginRefused(`the login was started more than ${Math.round(this.pendingTtlMs / 60_000)} minutes ago (expired); start it again.`);
    }
    const params = new URL(callbackUrl).searchParams;
    const state = params.get('state');
    if (state === null) throw loginRefused('the response from the identity provider has no state; start the login again.');
    if (!safeEqual(state, pending.state)) throw loginRefused("the response does not belong to this browser's login (state mismatch); start the login again.");
    const metadata = await this.metadata();
    const iss = params.get('iss');
    // RFC 9207: a provider that announces `iss` must send it, and it must be ours (mix-up attacks).
    if (iss === null && metadata.authorization_response_iss_parameter_supported)
      throw loginRefused('the response has no iss parameter though the provider announces one.');
    if (iss !== null && iss !== this.config.issuer) throw loginRefused(`the response comes from issuer '${quoted(iss)}', not '${this.config.issuer}'.`);
    const error = params.get('error');
    if (error !== null) {
      const description = params.get('error_description');
      throw loginRefused(`the identity provider refused the login: ${quoted(error)}${description ? ` (${quoted(description)})` : ''}.`);
    }
    const code = params.get('code');
    if (!code) throw loginRefused('the response from the identity provider has no authorization code.');

    const tokens = await exchangeCode(this.http, metadata, this.config, code, pending.codeVerifier);
    const idClaims = await verifyIdToken(tokens.idToken, this.keys(metadata).getKey, {
      issuer: this.config.issuer,
      clientId: this.config.clientId,
      nonce: pending.nonce,
      algorithms: acceptedAlgorithms(metadata),
      now: this.clock.now(),
      clockToleranceSeconds: this.toleranceSeconds,
      maxAgeSeconds: Math.ceil(this.pendingTtlMs / 1000),
    });
    let claims: Record<string, unknown> = idClaims;
    if (this.config.fetchUserinfo && metadata.userinfo_endpoint !== undefined && tokens.accessToken !== undefined) {
      const userinfo = await fetchUserinfo(this.http, metadata.userinfo_endpoint, tokens.accessToken);
      // OpenID Connect Core §5.3.4: userinfo about another user must not be used.
      if (userinfo.sub !== idClaims.sub) throw loginRefused(`the userinfo endpoint describes another user (sub '${quoted(String(userinfo.sub))}').`);
      claims = { ...userinfo, ...idClaims };
    }
    return mapClaimsToIdentity(claims, {
      issuer: this.config.issuer,
      usernameClaim: this.config.usernameClaim,
      groupsClaim: this.config.groupsClaim,
      adminGroup: this.config.adminGroup,
    });
  }

  /** The key cache for the current `jwks_uri` (a new one when discovery moved it). */
  private keys(metadata: ProviderMetadata): JwksCache {
    if (this.jwks?.uri !== metadata.jwks_uri) this.jwks = new JwksCache(metadata.jwks_uri, this.http, this.clock, this.options.jwks);
    return this.jwks;
  }
}
