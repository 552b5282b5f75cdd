import { timingSafeEqual } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { loginRefused, providerUnavailable } from './oidc-errors.js';

/** What an ID token is checked against (OpenID Connect Core §3.1.3.7). */
export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  /** The nonce sent in the authorization request. */
  nonce: string;
  /** Signing algorithms accepted: the provider's `id_token_signing_alg_values_supported`, never `none` or HMAC. */
  algorithms: readonly string[];
  /** Current wall time, epoch milliseconds (from the injected clock). */
  now: number;
  /** Seconds of clock difference tolerated on `exp`, `iat` and `nbf`. */
  clockToleranceSeconds: number;
  /** Oldest `iat` accepted, in seconds: the token was issued moments ago at the token endpoint. */
  maxAgeSeconds: number;
}

/** Constant-time equality of two strings (their lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const when = (epochSeconds: unknown) => (typeof epochSeconds === 'number' ? new Date(epochSeconds * 1000).toISOString() : String(epochSeconds));

/** A clear message for a check jose refused, or undefined when the failure is not the token's fault. */
function describe(err: unknown, token: string, expected: IdTokenExpectations): string | undefined {
  if (err instanceof errors.JWTExpired) {
    if (err.claim === 'iat') return `the ID token was issued at ${when(err.payload.iat)}, too long ago; check the clocks of Loupe and the identity provider.`;
    return `the ID token expired at ${when(err.payload.exp)}; start the login again (if this repeats, check the server clock).`;
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    const { claim, reason, payload } = err;
    if (reason === 'missing') return `the ID token has no '${claim}' claim.`;
    if (claim === 'aud') return `the ID token is for another application (aud ${JSON.stringify(payload.aud)}), not client id '${expected.clientId}'.`;
    if (claim === 'iss') return `the ID token comes from issuer '${String(payload.iss)}', not '${expected.issuer}'.`;
    if (claim === 'iat') return `the ID token was issued in the future (${when(payload.iat)}); check the clocks of Loupe and the identity provider.`;
    if (claim === 'nbf') return `the ID token is not valid before ${when(payload.nbf)}; check the clocks of Loupe and the identity provider.`;
    return `the ID token's '${claim}' claim is not valid (${err.message}).`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the ID token signature is not valid.';
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return `the ID token is signed with an algorithm Loupe does not accept (accepted: ${expected.algorithms.join(', ')}).`;
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    let kid = 'none';
    try {
      kid = String(decodeProtectedHeader(token).kid ?? 'none');
    } catch {
      // Not a JWS at all: reported by the jose error below.
    }
    return `the ID token is signed with a key the identity provider does not publish (kid ${kid}).`;
  }
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid || err instanceof errors.JOSENotSupported)
    return `the ID token is malformed (${err.message}).`;
  return undefined;
}

/**
 * Verifies an ID token from the token endpoint: signature with the provider's keys, `alg` from the
 * accepted list, `iss`, `aud` (and `azp` when there are several audiences), `exp`, `iat` and `nbf`
 * with the given tolerance against the injected time, `sub` present, and the `nonce` of this login.
 * Every failure is a 401 saying which check failed; a key set that cannot be fetched is a 503.
 *
 * @example
 * const claims = await verifyIdToken(tokens.id_token, keys.getKey, { issuer, clientId, nonce: pending.nonce, algorithms: ['RS256'], now: clock.now(), clockToleranceSeconds: 60, maxAgeSeconds: 600 });
 */
export async function verifyIdToken(token: string, getKey: JWTVerifyGetKey, expected: IdTokenExpectations): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: [...expected.algorithms],
      currentDate: new Date(expected.now),
      clockTolerance: expected.clockToleranceSeconds,
      maxTokenAge: expected.maxAgeSeconds,
      requiredClaims: ['sub', 'exp', 'iat'],
    }));
  } catch (err) {
    if (err instanceof Error && err.name === 'ApiError') throw err;
    const message = describe(err, token, expected);
    if (message === undefined) throw providerUnavailable('the ID token could not be checked.', err);
    throw loginRefused(message, err);
  }
  // §3.1.3.7 steps 4-5: with several audiences the token must name Loupe as its authorized party.
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length > 1 && payload.azp === undefined) throw loginRefused(`the ID token has several audiences (${audiences.join(', ')}) and no 'azp' claim.`);
  if (payload.azp !== undefined && payload.azp !== expected.clientId) {
    throw loginRefused(`the ID token was issued to another application (azp '${String(payload.azp)}'), not client id '${expected.clientId}'.`);
  }
  if (typeof payload.nonce !== 'string') throw loginRefused('the ID token has no nonce; the identity provider must echo the nonce of the login request.');
  if (!safeEqual(payload.nonce, expected.nonce)) throw loginRefused('the ID token belongs to another login (nonce mismatch); start the login again.');
  return payload;
}
