import { ApiError } from '@loupe/protocol';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../testing/test-clock.js';
import { OidcClient, type PendingLogin } from './oidc-client.js';
import { resolveOidcConfig, type OidcConfigInput } from './oidc-config.js';
import { startOidcTestProvider, type OidcTestProvider, type TestClient } from '../../testing/oidc-test-provider.js';

const REDIRECT = 'http://127.0.0.1:5999/auth/callback';
const ACCOUNTS = {
  alice: { preferred_username: 'alice', email: 'alice@example.com', groups: ['loupe-admins', 'ml'] },
  bob: { email: 'bob@example.com', groups: ['ml'] },
  carol: {},
};

/** A fetch that records the URLs it is asked for (the network itself is real). */
function recordingFetch(replace?: (url: string, body: Record<string, unknown>) => Record<string, unknown>) {
  const urls: string[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    urls.push(url);
    const response = await fetch(input, init);
    if (!replace || !url.endsWith('/token')) return response;
    // Injected failure: the token endpoint's answer altered in transit.
    const body = replace(url, (await response.json()) as Record<string, unknown>);
    return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } });
  };
  return { urls, fetch: fetchFn };
}

async function expectRefusal(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ApiError.is(err), `expected an ApiError, got ${String(err)}`).toBe(true);
  expect((err as ApiError).code).toBe(code);
  expect((err as ApiError).message).toMatch(message);
}

describe('OidcClient against oidc-provider', () => {
  let idp: OidcTestProvider;
  let clock: TestClock;

  beforeAll(async () => {
    idp = await startOidcTestProvider({ redirectUri: REDIRECT, accounts: ACCOUNTS });
  });
  afterAll(() => idp.close());

  const client = (registered: TestClient, extra: Partial<OidcConfigInput> = {}, options: { fetch?: typeof fetch; pendingLoginTtlMs?: number } = {}) => {
    clock = new TestClock(Date.now());
    const config = resolveOidcConfig({
      issuer: idp.issuer,
      clientId: registered.clientId,
      clientSecret: registered.clientSecret,
      redirectUrl: REDIRECT,
      scopes: ['openid', 'profile', 'email', 'groups'],
      adminGroup: 'loupe-admins',
      ...extra,
    });
    return new OidcClient(config, { clock, ...options });
  };

  const signIn = async (oidc: OidcClient, login: string, returnTo?: string): Promise<{ pending: PendingLogin; callbackUrl: string }> => {
    const { redirectUrl, pending } = await oidc.beginLogin(returnTo === undefined ? {} : { returnTo });
    return { pending, callbackUrl: await idp.signIn(redirectUrl, login) };
  };

  it('logs in with client_secret_basic and maps username, groups and admin', async () => {
    const oidc = client(idp.basicClient);
    const { redirectUrl, pending } = await oidc.beginLogin({ returnTo: '/experiments/1?tab=traces' });
    const params = new URL(redirectUrl).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('code_challenge')).not.toBe(pending.codeVerifier);
    expect(params.get('state')).toBe(pending.state);
    expect(params.get('nonce')).toBe(pending.nonce);
    expect(params.get('scope')).toBe('openid profile email groups');
    expect(pending.returnTo).toBe('/experiments/1?tab=traces');

    const identity = await oidc.completeLogin(await idp.signIn(redirectUrl, 'alice'), pending);
    expect(identity).toEqual({
      subject: 'alice',
      issuer: idp.issuer,
      username: 'alice',
      email: 'alice@example.com',
      groups: ['loupe-admins', 'ml'],
      isAdmin: true,
    });
  });

  it('logs in with client_secret_post; the user name falls back to the email', async () => {
    const oidc = client(idp.postClient);
    const { pending, callbackUrl } = await signIn(oidc, 'bob');
    expect(await oidc.completeLogin(callbackUrl, pending)).toMatchObject({ username: 'bob@example.com', groups: ['ml'], isAdmin: false });
  });

  it('logs in as a public client with PKCE only', async () => {
    const oidc = client(idp.publicClient);
    expect(oidc.config.tokenEndpointAuthMethod).toBe('none');
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    expect(await oidc.completeLogin(callbackUrl, pending)).toMatchObject({ username: 'alice', isAdmin: true });
  });

  it('reads the configured claims, and refuses a user without the username claim', async () => {
    const byEmail = client(idp.basicClient, { usernameClaim: 'email', groupsClaim: 'roles', adminGroup: 'ml' });
    const first = await signIn(byEmail, 'alice');
    expect(await byEmail.completeLogin(first.callbackUrl, first.pending)).toMatchObject({ username: 'alice@example.com', groups: [], isAdmin: false });
    const second = await signIn(byEmail, 'carol');
    await expectRefusal(
      byEmail.completeLogin(second.callbackUrl, second.pending),
      'UNAUTHENTICATED',
      /no 'email' claim to use as the user name.*LOUPE_OIDC_USERNAME_CLAIM/,
    );
  });

  it('without userinfo, uses the ID token claims alone', async () => {
    const oidc = client(idp.basicClient, { fetchUserinfo: false });
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    // oidc-provider puts profile claims in userinfo only when an access token is issued.
    await expectRefusal(oidc.completeLogin(callbackUrl, pending), 'UNAUTHENTICATED', /neither 'preferred_username' nor a verified 'email'/);
  });

  it('refuses a tampered state', async () => {
    const oidc = client(idp.basicClient);
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    const tampered = new URL(callbackUrl);
    tampered.searchParams.set('state', `${pending.state.slice(0, -1)}x`);
    await expectRefusal(oidc.completeLogin(tampered, pending), 'UNAUTHENTICATED', /state mismatch/);
    tampered.searchParams.delete('state');
    await expectRefusal(oidc.completeLogin(tampered, pending), 'UNAUTHENTICATED', /has no state/);
  });

  it('refuses a callback from another issuer (RFC 9207), and relays a provider error', async () => {
    const oidc = client(idp.basicClient);
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    const mixedUp = new URL(callbackUrl);
    mixedUp.searchParams.set('iss', 'https://evil.example');
    await expectRefusal(oidc.completeLogin(mixedUp, pending), 'UNAUTHENTICATED', /from issuer 'https:\/\/evil\.example'/);
    mixedUp.searchParams.delete('iss');
    await expectRefusal(oidc.completeLogin(mixedUp, pending), 'UNAUTHENTICATED', /no iss parameter/);
    const denied = `${REDIRECT}?error=access_denied&error_description=End-User+aborted&state=${pending.state}&iss=${encodeURIComponent(idp.issuer)}`;
    await expectRefusal(oidc.completeLogin(denied, pending), 'UNAUTHENTICATED', /refused the login: access_denied \(End-User aborted\)/);
  });

  it('refuses a replayed authorization code', async () => {
    const oidc = client(idp.basicClient);
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    await oidc.completeLogin(callbackUrl, pending);
    await expectRefusal(oidc.completeLogin(callbackUrl, pending), 'UNAUTHENTICATED', /refused the authorization code \(invalid_grant.*start the login again/);
  });

  it('refuses a code redeemed with another login’s PKCE verifier', async () => {
    const oidc = client(idp.basicClient);
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    const other = await oidc.beginLogin();
    await expectRefusal(oidc.completeLogin(callbackUrl, { ...pending, codeVerifier: other.pending.codeVerifier }), 'UNAUTHENTICATED', /invalid_grant/);
  });

  it('refuses an ID token of another login (nonce mismatch)', async () => {
    const recorded = { idToken: '' };
    const earlier = client(idp.basicClient, {}, { fetch: recordingFetch((_url, body) => ((recorded.idToken = String(body.id_token)), body)).fetch });
    const login1 = await signIn(earlier, 'alice');
    await earlier.completeLogin(login1.callbackUrl, login1.pending);

    const swapping = recordingFetch((_url, body) => ({ ...body, id_token: recorded.idToken }));
    const oidc = client(idp.basicClient, {}, { fetch: swapping.fetch });
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    await expectRefusal(oidc.completeLogin(callbackUrl, pending), 'UNAUTHENTICATED', /belongs to another login \(nonce mismatch\)/);
  });

  it('refuses an ID token issued to another application (wrong audience)', async () => {
    const recorded = { idToken: '' };
    const other = client(idp.otherClient, {}, { fetch: recordingFetch((_url, body) => ((recorded.idToken = String(body.id_token)), body)).fetch });
    const theirs = await signIn(other, 'alice');
    await other.completeLogin(theirs.callbackUrl, theirs.pending);
    expect(decodeJwt(recorded.idToken).aud).toBe('other-app');

    const oidc = client(idp.basicClient, {}, { fetch: recordingFetch((_url, body) => ({ ...body, id_token: recorded.idToken })).fetch });
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    await expectRefusal(
      oidc.completeLogin(callbackUrl, pending),
      'UNAUTHENTICATED',
      /for another application \(aud "other-app"\), not client id 'loupe-basic'/,
    );
  });

  it('refuses a forged signature under the provider’s key id', async () => {
    const attacker = await generateKeyPair('RS256');
    // The real claims (right iss, aud, nonce) re-signed with the attacker's key under the real kid.
    const forge = async (body: Record<string, unknown>) => {
      const real = String(body.id_token);
      return {
        ...body,
        id_token: await new SignJWT(decodeJwt(real)).setProtectedHeader(decodeProtectedHeader(real) as { alg: string }).sign(attacker.privateKey),
      };
    };
    const forger = client(
      idp.basicClient,
      {},
      {
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (!String(input).endsWith('/token')) return response;
          return Response.json(await forge((await response.json()) as Record<string, unknown>));
        },
      },
    );
    const { pending, callbackUrl } = await signIn(forger, 'alice');
    await expectRefusal(forger.completeLogin(callbackUrl, pending), 'UNAUTHENTICATED', /signature is not valid/);
  });

  it('refuses an expired ID token by the injected clock, within a small tolerance', async () => {
    // The provider's ID tokens live 3600 s; the login itself is allowed two hours here.
    const oidc = client(idp.basicClient, {}, { pendingLoginTtlMs: 2 * 3600_000 });
    const late = await signIn(oidc, 'alice');
    clock.advance(3600_000 + 30_000);
    expect((await oidc.completeLogin(late.callbackUrl, late.pending)).username).toBe('alice');

    const expired = await signIn(oidc, 'alice');
    clock.advance(3600_000 + 61_000);
    await expectRefusal(oidc.completeLogin(expired.callbackUrl, expired.pending), 'UNAUTHENTICATED', /ID token expired at .*start the login again/);
  });

  it('refuses an ID token issued in the future (a server clock behind)', async () => {
    const oidc = client(idp.basicClient);
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    clock.setSystemTime(clock.now() - 5 * 60_000);
    await expectRefusal(oidc.completeLogin(callbackUrl, pending), 'UNAUTHENTICATED', /issued in the future.*check the clocks/);
  });

  it('refuses a login started too long ago', async () => {
    const oidc = client(idp.basicClient);
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    clock.advance(10 * 60_000 + 1);
    await expectRefusal(oidc.completeLogin(callbackUrl, pending), 'UNAUTHENTICATED', /more than 10 minutes ago \(expired\)/);
  });

  it('reports a wrong client secret as a settings problem', async () => {
    const oidc = client({ clientId: 'loupe-basic', clientSecret: 'not-the-secret' });
    const { pending, callbackUrl } = await signIn(oidc, 'alice');
    await expectRefusal(
      oidc.completeLogin(callbackUrl, pending),
      'INTERNAL_ERROR',
      /rejected Loupe's client credentials \(invalid_client.*LOUPE_OIDC_CLIENT_SECRET/,
    );
  });

  it('discovers once and checks the issuer the provider states', async () => {
    const recorder = recordingFetch();
    const oidc = client(idp.basicClient, {}, { fetch: recorder.fetch });
    for (let i = 0; i < 2; i++) {
      const { pending, callbackUrl } = await signIn(oidc, 'alice');
      await oidc.completeLogin(callbackUrl, pending);
    }
    expect(recorder.urls.filter((u) => u.endsWith('/.well-known/openid-configuration'))).toHaveLength(1);
    expect(recorder.urls.filter((u) => u.endsWith('/jwks'))).toHaveLength(1);

    const withSlash = resolveOidcConfig({ issuer: `${idp.issuer}/`, clientId: 'loupe-basic', clientSecret: 'x', redirectUrl: REDIRECT });
    await expectRefusal(
      OidcClient.discover(withSlash, { clock }),
      'INTERNAL_ERROR',
      /calls itself 'http:\/\/127\.0\.0\.1:\d+', not 'http:\/\/127\.0\.0\.1:\d+\/'/,
    );
    const nowhere = resolveOidcConfig({ issuer: 'http://127.0.0.1:9', clientId: 'loupe-basic', clientSecret: 'x', redirectUrl: REDIRECT });
    await expectRefusal(
      OidcClient.discover(nowhere, { clock }),
      'TEMPORARILY_UNAVAILABLE',
      /did not answer at http:\/\/127\.0\.0\.1:9\/\.well-known\/openid-configuration/,
    );
  });
});

describe('OidcClient and the provider’s key rotation', () => {
  let idp: OidcTestProvider;
  beforeAll(async () => {
    idp = await startOidcTestProvider({ redirectUri: REDIRECT, accounts: ACCOUNTS });
  });
  afterAll(() => idp.close());

  it('fetches the keys again for an unknown key id, at most once per cooldown', async () => {
    const clock = new TestClock(Date.now());
    const recorder = recordingFetch();
    const config = resolveOidcConfig({
      issuer: idp.issuer,
      clientId: 'loupe-basic',
      clientSecret: 'basic-secret-0123456789',
      redirectUrl: REDIRECT,
      scopes: ['openid', 'profile'],
    });
    const oidc = new OidcClient(config, { clock, fetch: recorder.fetch });
    const login = async () => {
      const { redirectUrl, pending } = await oidc.beginLogin();
      return oidc.completeLogin(await idp.signIn(redirectUrl, 'alice'), pending);
    };
    const jwksFetches = () => recorder.urls.filter((u) => u.endsWith('/jwks')).length;

    await login();
    expect(jwksFetches()).toBe(1);

    await idp.rotateKeys(true);
    clock.advance(10_000);
    // Within the cooldown an unknown kid is refused without asking the provider again.
    await expectRefusal(login(), 'UNAUTHENTICATED', /signed with a key the identity provider does not publish \(kid k-/);
    expect(jwksFetches()).toBe(1);

    clock.advance(30_000);
    expect((await login()).username).toBe('alice');
    expect(jwksFetches()).toBe(2);

    // A provider that dropped the old key altogether: the new set is fetched once the cooldown is over.
    await idp.rotateKeys(false);
    clock.advance(30_000);
    expect((await login()).username).toBe('alice');
    expect(jwksFetches()).toBe(3);
  });
});
