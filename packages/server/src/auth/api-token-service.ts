import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '@loupe/protocol';
import type { Clock, IdGenerator } from '../clock.js';
import type { ApiTokenRecord, ApiTokenStore } from '../store/api-token-store.js';
import type { AuthStore, UserRecord } from '../store/auth-store.js';
import type { AuditLog } from './audit-log.js';
import type { AuthFreshness } from './auth-freshness.js';
import { permissionDenied } from './authorizer.js';
import type { Principal } from './principal.js';

/** What every secret starts with, so a leaked one is recognizable (secret scanners, logs). */
export const TOKEN_SECRET_PREFIX = 'lpt_';

/** Characters of the secret kept in the clear to tell tokens apart (`lpt_` and 4 random ones). */
export const TOKEN_PREFIX_LENGTH = 8;

const DAY_MS = 86_400_000;

/**
 * A new secret: `lpt_` and 256 random bits, base64url (43 characters).
 *
 * @example
 * const secret = newTokenSecret(); // 'lpt_3q2-7w...'
 */
export function newTokenSecret(): string {
  return TOKEN_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The stored form of a secret: SHA-256, hex. A fast hash is right here (docs/adr/0013-auth.md §7):
 * the secret has 256 random bits, so nothing is gained by the slow, salted hashes passwords need.
 *
 * @example
 * await tokens.tokenBySecretHash(hashTokenSecret(secret));
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** What a token is created with (the contract's `tokens/create`). */
export interface NewTokenRequest {
  name: string;
  expiresInDays?: number;
  /** Another user's token (admins only); the caller's when absent. */
  username?: string;
}

/**
 * API tokens as use cases (docs/adr/0013-auth.md §7): create (the secret is returned once, stored
 * hashed), list, revoke. Creating and revoking are audited in their own transaction and clear this
 * server's caches at once (a revoked token stops working before the reply).
 *
 * @example
 * const { token, secret } = await apiTokens.create(principal, { name: 'ci', expiresInDays: 90 });
 */
export class ApiTokenService {
  constructor(
    private readonly tokens: ApiTokenStore,
    private readonly users: AuthStore,
    private readonly freshness: AuthFreshness,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(actor: Principal, request: NewTokenRequest): Promise<{ token: ApiTokenRecord; secret: string }> {
    const owner = await this.ownerOrThrow(actor, request.username);
    const secret = newTokenSecret();
    const now = this.clock.now();
    const id = this.ids.hex32();
    const token = await this.tokens.createToken(
      {
        id,
        userId: owner.id,
        name: request.name,
        secretHash: hashTokenSecret(secret),
        tokenPrefix: secret.slice(0, TOKEN_PREFIX_LENGTH),
        createdAt: now,
        ...(request.expiresInDays !== undefined ? { expiresAt: now + request.expiresInDays * DAY_MS } : {}),
      },
      this.audit.entry(actor, {
        action: 'token.create',
        resourceType: 'token',
        resourceId: id,
        detail: { name: request.name, username: owner.username, ...(request.expiresInDays !== undefined ? { expires_in_days: request.expiresInDays } : {}) },
      }),
    );
    this.freshness.changed();
    return { token, secret };
  }

  async list(actor: Principal, username?: string): Promise<ApiTokenRecord[]> {
    return this.tokens.listTokens((await this.ownerOrThrow(actor, username)).id);
  }

  /** Revokes a token of the caller (any token, for an admin); revoking it again changes nothing. */
  async revoke(actor: Principal, tokenId: string): Promise<void> {
    const token = await this.tokens.getToken(tokenId);
    if (!token) throw ApiError.notFound(`API token '${tokenId}' not found`);
    if (!actor.isAdmin && token.userId !== actor.userId) throw permissionDenied();
    if (token.revokedAt !== undefined) return;
    const audit = this.audit.entry(actor, {
      action: 'token.revoke',
      resourceType: 'token',
      resourceId: tokenId,
      detail: { name: token.name, username: token.username },
    });
    await this.tokens.revokeToken(tokenId, this.clock.now(), audit);
    this.freshness.changed();
  }

  /** The user a request names (the caller when none); another user only for admins (the route's declaration checks it first). */
  private async ownerOrThrow(actor: Principal, username: string | undefined): Promise<UserRecord> {
    const name = username ?? actor.username;
    if (name !== actor.username && !actor.isAdmin) throw permissionDenied();
    const user = await this.users.getUser(name);
    if (!user) throw ApiError.notFound(`User with username=${name} not found`);
    return user;
  }
}
