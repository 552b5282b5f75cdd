import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

/** A user of the test provider: their id (the `sub` and the login name typed in) and claims. */
export interface TestAccount {
  preferred_username?: string;
  email?: string;
  groups?: string[];
  name?: string;
}

/** What {@link startOidcTestProvider} is told. */
export interface OidcTestProviderOptions {
  /** Where the provider sends the browser back (the relying party's callback). */
  redirectUri: string;
  /** Accounts by login name; any other login name signs in with no claims but `sub`. */
  accounts?: Record<string, TestAccount>;
  /** Seconds an ID token lives (default 3600). */
  idTokenTtl?: number;
}

/** A registered client of the test provider. */
export interface TestClient {
  clientId: string;
  clientSecret?: string;
}

/** A running `oidc-provider`, with the clients it knows and a browser to sign in with. */
export interface OidcTestProvider extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  issuer: string;
  /** Confidential client authenticating with HTTP Basic (client_secret_basic). */
  basicClient: TestClient;
  /** Confidential client sending its secret in the form body (client_secret_post). */
  postClient: TestClient;
  /** Public client (no secret, PKCE only). */
  publicClient: TestClient;
  /** Another application registered at the same provider (same redirect URI), for wrong-audience tests. */
  otherClient: TestClient;
  /**
   * Signs `login` in as a browser would: follows the provider's redirects from `authorizationUrl`
   * with a cookie jar, submits the login and consent forms, and returns the URL the provider sends
   * the browser back to (the relying party's callback, with `code`, `state` and `iss`).
   */
  signIn(authorizationUrl: string, login: string): Promise<string>;
  /**
   * Publishes a new signing key (new tokens are signed with it); `keepOld` keeps the old public key
   * in the JWKS too, as a provider does while tokens signed with it are still alive.
   */
  rotateKeys(keepOld: boolean): Promise<void>;
  close(): Promise<void>;
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `k-${Math.random().toString(36).slice(2, 10)}`, alg: 'RS256', use: 'sig' };
}

/** A jar for one host: cookies by name, sent when the request path is under the cookie's path. */
class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attr = new Map(attributes.map((a) => [a.split('=')[0]!.trim().toLowerCase(), a.split('=').slice(1).join('=').trim()]));
      const expires = attr.get('expires');
      if (value === '' || attr.get('max-age') === '0' || (expires !== undefined && Date.parse(expires) <= Date.now())) this.cookies.delete(name);
      else this.cookies.set(name, { value, path: attr.get('path') ?? '/' });
    }
  }

  header(url: URL): string {
    return [...this.cookies]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }
}

/**
 * Starts `oidc-provider` (the certified OpenID Provider) on a loopback port, with four clients
 * registered for the authorization code flow with PKCE, and its development interactions (login and
 * consent forms) driven over real HTTP by {@link OidcTestProvider.signIn}. Time is the provider's
 * own (the real clock): a relying party under test uses a test clock starting at `Date.now()`.
 *
 * @example
 * await using idp = await startOidcTestProvider({ redirectUri: 'http://127.0.0.1/auth/callback', accounts: { alice: { groups: ['admins'] } } });
 * const callbackUrl = await idp.signIn(redirectUrl, 'alice');
 */
export async function startOidcTestProvider(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
  const accounts = options.accounts ?? {};
  const registered: ClientMetadata[] = [
    { client_id: 'loupe-basic', client_secret: 'basic-secret-0123456789', token_endpoint_auth_method: 'client_secret_basic' },
    { client_id: 'loupe-post', client_secret: 'post-secret-0123456789', token_endpoint_auth_method: 'client_secret_post' },
    { client_id: 'loupe-public', token_endpoint_auth_method: 'none' },
    { client_id: 'other-app', client_secret: 'other-secret-0123456789', token_endpoint_auth_method: 'client_secret_basic' },
  ];
  const clients = registered.map((c): ClientMetadata => ({
    ...c,
    redirect_uris: [options.redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }));

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const build = (keys: JWK[]) =>
    new Provider(issuer, {
      clients,
      jwks: { keys: keys as never },
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...accounts[id] }) }),
      claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'], groups: ['groups'] },
      scopes: ['openid', 'profile', 'email', 'groups'],
      features: { devInteractions: { enabled: true } },
      pkce: { required: () => true },
      cookies: { keys: ['test-provider-cookie-key'] },
      ttl: { IdToken: options.idTokenTtl ?? 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
    });
  let keys = [await newSigningKey()];
  let provider = build(keys);
  server.on('request', (req, res) => provider.callback()(req, res));

  const signIn = async (authorizationUrl: string, login: string): Promise<string> => {
    const jar = new CookieJar();
    let url = new URL(authorizationUrl);
    for (let step = 0; step < 20; step++) {
      if (url.href.startsWith(options.redirectUri)) return url.href;
      let response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
      jar.store(response);
      if (url.pathname.startsWith('/interaction/') && response.status === 200) {
        const prompt = /name="prompt" value="(\w+)"/.exec(await response.text())?.[1];
        const body = prompt === 'login' ? new URLSearchParams({ prompt, login, password: 'any' }) : new URLSearchParams({ prompt: prompt ?? '' });
        response = await fetch(url, { method: 'POST', redirect: 'manual', body, headers: { cookie: jar.header(url) } });
        jar.store(response);
      }
      const location = response.headers.get('location');
      if (!location) throw new Error(`The test provider answered ${url.pathname} with ${response.status} and no redirect: ${await response.text()}`);
      url = new URL(location, url);
    }
    throw new Error('The test provider redirected more than 20 times');
  };

  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  };
  return {
    issuer,
    basicClient: { clientId: 'loupe-basic', clientSecret: 'basic-secret-0123456789' },
    postClient: { clientId: 'loupe-post', clientSecret: 'post-secret-0123456789' },
    publicClient: { clientId: 'loupe-public' },
    otherClient: { clientId: 'other-app', clientSecret: 'other-secret-0123456789' },
    signIn,
    rotateKeys: async (keepOld) => {
      keys = [await newSigningKey(), ...(keepOld ? keys : [])];
      // Sessions, codes and grants live in the provider's memory adapter: a restart with new keys, as a deploy would.
      provider = build(keys);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
