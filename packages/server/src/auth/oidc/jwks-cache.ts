import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import type { Clock } from '../../clock.js';
import { providerUnavailable } from './oidc-errors.js';
import type { ProviderHttp } from './provider-http.js';

/** Options of {@link JwksCache}. */
export interface JwksCacheOptions {
  /** Keys are fetched again after this long (default 10 minutes). */
  maxAgeMs?: number;
  /**
   * A token signed with a key not in the cached set makes one new fetch (the provider rotated its
   * keys), but not sooner than this after the last one (default 30 s): forged tokens with made-up
   * key ids cannot make Loupe hammer the provider.
   */
  cooldownMs?: number;
}

type KeyLookup = ReturnType<typeof createLocalJWKSet>;

/**
 * The provider's signing keys (its `jwks_uri`), fetched on first use and kept, with key rotation
 * handled: an unknown `kid` triggers one fetch (rate-limited by `cooldownMs`) before the token is
 * refused. Time is the injected clock's monotonic time. Key selection (kid, kty, alg, use) is jose's.
 *
 * @example
 * const keys = new JwksCache(metadata.jwks_uri, http, clock);
 * await jwtVerify(idToken, keys.getKey, { issuer, audience: clientId });
 */
export class JwksCache {
  private keys: KeyLookup | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;

  constructor(
    readonly uri: string,
    private readonly http: ProviderHttp,
    private readonly clock: Clock,
    options: JwksCacheOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60 * 1000;
    this.cooldownMs = options.cooldownMs ?? 30 * 1000;
  }

  /** A jose key lookup (`JWTVerifyGetKey`) over the cached set. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (!this.keys || this.clock.monotonic() - this.fetchedAt >= this.maxAgeMs) await this.refresh();
    try {
      return await this.keys!(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || this.clock.monotonic() - this.fetchedAt < this.cooldownMs) throw err;
      await this.refresh();
      return this.keys!(header, token);
    }
  };

  private refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async load(): Promise<void> {
    const { status, body } = await this.http(this.uri);
    if (status !== 200) throw providerUnavailable(`the provider's signing keys at ${this.uri} answered HTTP ${status}.`);
    let keys: KeyLookup;
    try {
      keys = createLocalJWKSet(body as JSONWebKeySet);
    } catch (err) {
      throw providerUnavailable(`the provider's signing keys at ${this.uri} are not a JSON Web Key Set.`, err);
    }
    this.keys = keys;
    this.fetchedAt = this.clock.monotonic();
  }
}
