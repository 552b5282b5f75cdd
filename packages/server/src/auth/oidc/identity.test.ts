import { ApiError } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { mapClaimsToIdentity, type ClaimMapping } from './identity.js';

const mapping: ClaimMapping = { issuer: 'https://id.example.com', usernameClaim: undefined, groupsClaim: 'groups', adminGroup: 'loupe-admins' };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(ApiError.is(err) && err.code).toBe('UNAUTHENTICATED');
    return (err as ApiError).message;
  }
  throw new Error('expected a refusal');
}

describe('mapClaimsToIdentity', () => {
  it('takes preferred_username, then a verified email', () => {
    expect(mapClaimsToIdentity({ sub: '1', preferred_username: 'alice', email: 'a@example.com' }, mapping)).toEqual({
      subject: '1',
      issuer: 'https://id.example.com',
      username: 'alice',
      email: 'a@example.com',
      groups: [],
      isAdmin: false,
    });
    expect(mapClaimsToIdentity({ sub: '1', email: 'a@example.com', email_verified: true }, mapping).username).toBe('a@example.com');
    expect(refusal(() => mapClaimsToIdentity({ sub: '1', email: 'a@example.com', email_verified: false }, mapping))).toMatch(
      /neither 'preferred_username' nor a verified 'email'/,
    );
  });

  it('reads a configured username claim, and names it when missing', () => {
    const byUpn = { ...mapping, usernameClaim: 'upn' };
    expect(mapClaimsToIdentity({ sub: '1', upn: 'alice@corp' }, byUpn).username).toBe('alice@corp');
    expect(refusal(() => mapClaimsToIdentity({ sub: '1', preferred_username: 'alice' }, byUpn))).toMatch(/no 'upn' claim.*it sent: preferred_username, sub/);
  });

  it('reads groups as a list, a single string, or by a dotted path; admin by the admin group', () => {
    expect(mapClaimsToIdentity({ sub: '1', preferred_username: 'a', groups: ['ml', 'loupe-admins', 3] }, mapping)).toMatchObject({
      groups: ['ml', 'loupe-admins'],
      isAdmin: true,
    });
    expect(mapClaimsToIdentity({ sub: '1', preferred_username: 'a', groups: 'loupe-admins' }, mapping)).toMatchObject({
      groups: ['loupe-admins'],
      isAdmin: true,
    });
    const keycloak = { ...mapping, groupsClaim: 'realm_access.roles' };
    expect(mapClaimsToIdentity({ sub: '1', preferred_username: 'a', realm_access: { roles: ['loupe-admins'] } }, keycloak).isAdmin).toBe(true);
    expect(mapClaimsToIdentity({ sub: '1', preferred_username: 'a', groups: ['loupe-admins'] }, { ...mapping, adminGroup: undefined }).isAdmin).toBe(false);
    expect(mapClaimsToIdentity({ sub: '1', preferred_username: 'a', groups: ['Loupe-Admins'] }, mapping).isAdmin).toBe(false);
  });

  it('refuses unusable names and a missing subject', () => {
    expect(refusal(() => mapClaimsToIdentity({ preferred_username: 'a' }, mapping))).toMatch(/no 'sub' claim/);
    expect(refusal(() => mapClaimsToIdentity({ sub: '1', preferred_username: 'a\nb' }, mapping))).toMatch(/not usable/);
    expect(refusal(() => mapClaimsToIdentity({ sub: '1', preferred_username: 'x'.repeat(257) }, mapping))).toMatch(/not usable/);
  });
});
