import type { ProviderMetadata } from './discovery.js';
import type { OidcConfig } from './oidc-config.js';
import { loginRefused, misconfigured, providerUnavailable } from './oidc-errors.js';
import type { ProviderHttp } from './provider-http.js';

/** The tokens of one login. */
export interface LoginTokens {
  idToken: string;
  accessToken: string | undefined;
}

/** Form encoding of a client id or secret before HTTP Basic (RFC 6749 §2.3.1). */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

const errorText = (body: unknown) => {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof b.error === 'string' ? b.error.slice(0, 100) : undefined;
  const description = typeof b.error_description === 'string' ? b.error_description.replace(/\p{Cc}/gu, ' ').slice(0, 300) : undefined;
  return { code, text: code === undefined ? 'no error code' : `${code}${description ? `: ${description}` : ''}` };
};

/**
 * Exchanges an authorization code at the token endpoint (OpenID Connect Core §3.1.3.1) with the
 * PKCE verifier, authenticating as configured: HTTP Basic, the secret in the form body, or the
 * client id alone for a public client.
 *
 * @example
 * const { idToken, accessToken } = await exchangeCode(http, metadata, config, code, pending.codeVerifier);
 */
export async function exchangeCode(
  http: ProviderHttp,
  metadata: ProviderMetadata,
  config: OidcConfig,
  code: string,
  codeVerifier: string,
): Promise<LoginTokens> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: config.redirectUrl, code_verifier: codeVerifier });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const secret = config.clientSecret ?? '';
  if (config.tokenEndpointAuthMethod === 'client_secret_basic') {
    headers.authorization = `Basic ${Buffer.from(`${formEncode(config.clientId)}:${formEncode(secret)}`).toString('base64')}`;
  } else {
    form.set('client_id', config.clientId);
    if (config.tokenEndpointAuthMethod === 'client_secret_post') form.set('client_secret', secret);
  }
  const { status, body } = await http(metadata.token_endpoint, { method: 'POST', headers, body: form.toString() });
  if (status !== 200) {
    const { code: error, text } = errorText(body);
    if (error === 'invalid_grant') {
      throw loginRefused(
        `the identity provider refused the authorization code (${text}); it was already used, has expired or belongs to another login: start the login again.`,
      );
    }
    if (error === 'invalid_client' || error === 'unauthorized_client') {
      throw misconfigured(
        `the identity provider rejected Loupe's client credentials (${text}); check LOUPE_OIDC_CLIENT_ID, LOUPE_OIDC_CLIENT_SECRET and LOUPE_OIDC_TOKEN_AUTH_METHOD.`,
      );
    }
    if (error !== undefined) throw loginRefused(`the token endpoint refused the request (${text}).`);
    throw providerUnavailable(`the token endpoint ${metadata.token_endpoint} answered HTTP ${status}.`);
  }
  const tokens = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof tokens.id_token !== 'string') {
    throw misconfigured("the token endpoint returned no ID token; the client must be allowed the 'openid' scope.");
  }
  const accessToken = typeof tokens.access_token === 'string' ? tokens.access_token : undefined;
  if (accessToken !== undefined && typeof tokens.token_type === 'string' && tokens.token_type.toLowerCase() !== 'bearer') {
    throw misconfigured(`the token endpoint returned a '${tokens.token_type.slice(0, 40)}' access token; Loupe reads userinfo with Bearer tokens only.`);
  }
  return { idToken: tokens.id_token, accessToken };
}

/**
 * Reads the userinfo endpoint's claims with the login's access token (OpenID Connect Core §5.3).
 * Signed or encrypted (application/jwt) answers are not supported: turn userinfo off for such providers.
 *
 * @example
 * const claims = await fetchUserinfo(http, metadata.userinfo_endpoint, accessToken);
 */
export async function fetchUserinfo(http: ProviderHttp, endpoint: string, accessToken: string): Promise<Record<string, unknown>> {
  const { status, body, contentType } = await http(endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
  if (status !== 200) throw providerUnavailable(`the userinfo endpoint ${endpoint} answered HTTP ${status} (${errorText(body).text}).`);
  if (contentType.includes('application/jwt'))
    throw misconfigured('the userinfo endpoint answers with a JWT, which Loupe does not read; set LOUPE_OIDC_USERINFO=false.');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw providerUnavailable(`the userinfo endpoint ${endpoint} did not answer with a JSON object.`);
  return body as Record<string, unknown>;
}
