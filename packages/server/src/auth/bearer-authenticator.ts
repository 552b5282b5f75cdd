import type { Clock } from '../clock.js';
import type { ApiTokenStore } from '../store/api-token-store.js';
import { hashTokenSecret } from './api-token-service.js';
import type { AuditLog } from './audit-log.js';
import type { AuthFreshness } from './auth-freshness.js';
import type { AuthOutcome, AuthRequest, Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';

/** `Authorization: Bearer <secret>`: the secret, `malformed` for a Bearer header without one, undefined for other schemes. */
export function parseBearer(header: string | undefined): string | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
  if (!match) return /^bearer\b/i.test(header) ? 'malformed' : undefined;
  return match[1] as string;
}

/** Tokens remembered at once; a full cache starts over. */
const MAX_VERIFIED = 10_000;

/** A token proven once: whose it is, until when, and when this server last recorded a use. */
interface VerifiedToken {
  principal: Principal;
  tokenId: string;
  expiresAt: number | undefined;
  lastUsedAt: number | undefined;
}

/** Options of {@link BearerAuthenticator}. */
export interface BearerOptions {
  /** A use is written (last_used_at and a `token.use` event) at most this often per token; default one minute. */
  useIntervalMs?: number;
}

/**
 * API tokens (docs/adr/0013-auth.md §7): `Authorization: Bearer <secret>`, what MLflow's clients send
 * for MLFLOW_TRACKING_TOKEN and the Loupe SDK for LOUPE_TRACKING_TOKEN. The secret's SHA-256 is the
 * lookup key, in the database and in a cache kept fresh as the password cache is (a revoke, a deleted
 * user or any other auth write clears it at once here and within the TTL elsewhere). Unknown,
 * revoked and expired tokens, and tokens of deleted users, are refused (401). A use is written at
 * most once a minute per token, not once per request.
 *
 * @example
 * const bearer = new BearerAuthenticator(tokenStore, freshness, clock, auditLog);
 * const chain = new AuthenticatorChain([basic, bearer]);
 */
export class BearerAuthenticator implements Authenticator {
  private readonly verified = new Map<string, VerifiedToken>();
  private readonly useIntervalMs: number;

  constructor(
    private readonly tokens: ApiTokenStore,
    private readonly freshness: AuthFreshness,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    options: BearerOptions = {},
  ) {
    this.useIntervalMs = options.useIntervalMs ?? 60_000;
    freshness.track(this.verified);
  }

  async authenticate(request: AuthRequest): Promise<AuthOutcome> {
    const secret = parseBearer(request.header('authorization'));
    if (secret === undefined) return { outcome: 'not-mine' };
    if (secret === 'malformed') return { outcome: 'refused' };
    const hash = hashTokenSecret(secret);
    const token = this.verified.get(hash) ?? (await this.load(hash));
    if (!token) return { outcome: 'refused' };
    const now = this.clock.now();
    if (token.expiresAt !== undefined && now >= token.expiresAt) {
      this.verified.delete(hash);
      return { outcome: 'refused' };
    }
    await this.noteUse(token, now);
    return { outcome: 'proven', principal: token.principal };
  }

  /** A live token from the store, cached unless the caches were cleared while it loaded. */
  private async load(hash: string): Promise<VerifiedToken | undefined> {
    const epoch = this.freshness.epoch;
    const found = await this.tokens.tokenBySecretHash(hash);
    if (!found || found.token.revokedAt !== undefined) return undefined;
    const { token, user } = found;
    const verified: VerifiedToken = {
      principal: Object.freeze({ userId: user.id, username: user.username, isAdmin: user.isAdmin, via: 'bearer' as const }),
      tokenId: token.id,
      expiresAt: token.expiresAt,
      lastUsedAt: token.lastUsedAt,
    };
    if (this.freshness.isCurrent(epoch)) {
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(hash, verified);
    }
    return verified;
  }

  /** Writes a use when the last one is a minute old (the store's condition makes it once per minute across servers too). */
  private async noteUse(token: VerifiedToken, now: number): Promise<void> {
    if (token.lastUsedAt !== undefined && now - token.lastUsedAt < this.useIntervalMs) return;
    const previous = token.lastUsedAt;
    // Set first: concurrent requests of this token do not all write.
    token.lastUsedAt = now;
    const audit = this.audit.entry(token.principal, { action: 'token.use', resourceType: 'token', resourceId: token.tokenId });
    try {
      await this.tokens.touchToken(token.tokenId, now, this.useIntervalMs, audit);
    } catch {
      // Recording a use must not refuse a valid token (a busy database): the next request tries again.
      token.lastUsedAt = previous;
    }
  }
}
