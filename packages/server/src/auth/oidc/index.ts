/**
 * OpenID Connect login for the UI (a relying party): see README.md beside this file.
 *
 * @example
 * const oidc = await OidcClient.discover(resolveOidcConfig(flags), { clock: systemClock });
 * const { redirectUrl, pending } = await oidc.beginLogin({ returnTo: '/' });
 */
export { OidcClient, PENDING_LOGIN_TTL_MS, type LoginStart, type OidcClientOptions, type PendingLogin } from './oidc-client.js';
export { resolveOidcConfig, DEFAULT_OIDC_SCOPES, type OidcConfig, type OidcConfigInput, type TokenEndpointAuthMethod } from './oidc-config.js';
export { mapClaimsToIdentity, type ClaimMapping, type OidcIdentity } from './identity.js';
export { safeReturnTo } from './return-to.js';
export type { ProviderMetadata } from './discovery.js';
export { createOidcLoginHandlers, type OidcLoginHandlers, type OidcLoginHandlersOptions } from './login-handlers.js';
