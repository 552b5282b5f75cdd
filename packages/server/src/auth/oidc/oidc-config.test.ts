import { describe, expect, it } from 'vitest';
import { resolveOidcConfig } from './oidc-config.js';
import { safeReturnTo } from './return-to.js';

const base = { issuer: 'https://id.example.com', clientId: 'loupe', redirectUrl: 'https://loupe.example.com/auth/callback' };

describe('resolveOidcConfig', () => {
  it('fills in the defaults', () => {
    expect(resolveOidcConfig({ ...base, clientSecret: 's' })).toEqual({
      ...base,
      clientSecret: 's',
      scopes: ['openid', 'profile', 'email'],
      usernameClaim: undefined,
      groupsClaim: 'groups',
      adminGroup: undefined,
      tokenEndpointAuthMethod: 'client_secret_basic',
      fetchUserinfo: true,
    });
    expect(resolveOidcConfig({ ...base, clientSecret: '' }).tokenEndpointAuthMethod).toBe('none');
    expect(resolveOidcConfig({ ...base, scopes: ['email', 'groups'] }).scopes).toEqual(['openid', 'email', 'groups']);
  });

  it('refuses plain http except on loopback, and names every flag at fault', () => {
    expect(resolveOidcConfig({ ...base, issuer: 'http://localhost:8080/realms/x', redirectUrl: 'http://127.0.0.1:5000/auth/callback' }).issuer).toBe(
      'http://localhost:8080/realms/x',
    );
    expect(() => resolveOidcConfig({ ...base, issuer: 'http://id.example.com', clientId: ' ', tokenEndpointAuthMethod: 'client_secret_post' })).toThrow(
      /--oidc-issuer \(LOUPE_OIDC_ISSUER\) must use https.*--oidc-client-id \(LOUPE_OIDC_CLIENT_ID\) must not be empty.*client_secret_post needs --oidc-client-secret/,
    );
    expect(() => resolveOidcConfig({ ...base, issuer: 'id.example.com' })).toThrow(/must be an absolute URL/);
    expect(() => resolveOidcConfig({ ...base, clientSecret: 's', tokenEndpointAuthMethod: 'none' })).toThrow(/none is for public clients/);
  });
});

describe('safeReturnTo', () => {
  it('keeps paths on this server only', () => {
    expect(safeReturnTo('/experiments/1?tab=traces#x')).toBe('/experiments/1?tab=traces#x');
    for (const bad of [
      undefined,
      '',
      'https://evil.example',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '/\t/evil.example',
      'experiments',
    ]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});
