import { loginRefused } from './oidc-errors.js';

/** Who signed in, as Loupe sees them. */
export interface OidcIdentity {
  /** The provider's stable id of the user (`sub`); with `issuer`, the key to link accounts on. */
  subject: string;
  issuer: string;
  /** The Loupe user name: the configured claim, or `preferred_username`, or a verified `email`. */
  username: string;
  email: string | undefined;
  /** The configured groups claim's values (none when the provider sends no such claim). */
  groups: string[];
  /** Member of the configured admin group. */
  isAdmin: boolean;
}

/** Which claims {@link mapClaimsToIdentity} reads. */
export interface ClaimMapping {
  issuer: string;
  /** Undefined: `preferred_username`, then `email` unless `email_verified` is false. */
  usernameClaim: string | undefined;
  /** A claim name, or a dotted path into objects (`realm_access.roles`). */
  groupsClaim: string;
  adminGroup: string | undefined;
}

/** Longest user name accepted from a provider. */
const MAX_USERNAME = 256;

/** A claim by name, or by dotted path when no claim has the whole name. */
function claim(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function username(claims: Record<string, unknown>, mapping: ClaimMapping): string {
  let name: string | undefined;
  if (mapping.usernameClaim !== undefined) {
    name = text(claim(claims, mapping.usernameClaim));
    if (name === undefined) {
      throw loginRefused(
        `the identity provider sent no '${mapping.usernameClaim}' claim to use as the user name (it sent: ${Object.keys(claims).sort().join(', ')}); set LOUPE_OIDC_USERNAME_CLAIM to one it sends.`,
      );
    }
  } else {
    // An unverified address could be anyone's: it never names a user.
    name = text(claims.preferred_username) ?? (claims.email_verified === false ? undefined : text(claims.email));
    if (name === undefined) {
      throw loginRefused(
        "the identity provider sent neither 'preferred_username' nor a verified 'email' to use as the user name; add the profile or email scope (LOUPE_OIDC_SCOPES) or set LOUPE_OIDC_USERNAME_CLAIM.",
      );
    }
  }
  if (name.length > MAX_USERNAME || /\p{Cc}/u.test(name))
    throw loginRefused(`the user name the identity provider sent is not usable (over ${MAX_USERNAME} characters or with control characters).`);
  return name;
}

function groups(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (!Array.isArray(value)) return [];
  return value.filter((g): g is string => typeof g === 'string' && g !== '');
}

/**
 * Turns verified claims (the ID token's, merged over userinfo's) into a Loupe identity: the user name
 * from the configured claim, the groups from the configured claim (a list, or one string), admin when
 * the admin group is among them. Refuses (401) a login with no usable user name, naming the setting.
 *
 * @example
 * mapClaimsToIdentity({ sub: '42', preferred_username: 'alice', groups: ['loupe-admins'] }, { issuer, usernameClaim: undefined, groupsClaim: 'groups', adminGroup: 'loupe-admins' });
 * // { subject: '42', username: 'alice', groups: ['loupe-admins'], isAdmin: true, ... }
 */
export function mapClaimsToIdentity(claims: Record<string, unknown>, mapping: ClaimMapping): OidcIdentity {
  const subject = text(claims.sub);
  if (subject === undefined) throw loginRefused("the identity provider sent no 'sub' claim.");
  const memberOf = groups(claim(claims, mapping.groupsClaim));
  return {
    subject,
    issuer: mapping.issuer,
    username: username(claims, mapping),
    email: claims.email_verified === false ? undefined : text(claims.email),
    groups: memberOf,
    isAdmin: mapping.adminGroup !== undefined && memberOf.includes(mapping.adminGroup),
  };
}
