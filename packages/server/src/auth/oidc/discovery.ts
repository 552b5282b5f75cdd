import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { isLoopbackHttp } from './oidc-config.js';
import { misconfigured, providerUnavailable } from './oidc-errors.js';
import type { ProviderHttp } from './provider-http.js';

const endpoint = z.url();

/** The parts of the provider's metadata (OpenID Connect Discovery 1.0 §3) the login uses. */
const providerMetadataSchema = z.looseObject({
  issuer: z.string(),
  authorization_endpoint: endpoint,
  token_endpoint: endpoint,
  jwks_uri: endpoint,
  userinfo_endpoint: endpoint.optional(),
  end_session_endpoint: endpoint.optional(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
});

/** The provider's metadata, as discovered and checked. */
export type ProviderMetadata = z.infer<typeof providerMetadataSchema>;

/** The discovery document's URL: the issuer without a trailing slash, then the well-known path (Discovery §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/**
 * Fetches and checks the provider's metadata: the `issuer` it states must be exactly the configured
 * one (Discovery §4.3, against mix-up and impersonation), endpoints use https unless the issuer is a
 * loopback development provider, and a provider that lists its PKCE methods must list S256.
 *
 * @example
 * const metadata = await fetchProviderMetadata('https://id.example.com', createProviderHttp());
 */
export async function fetchProviderMetadata(issuer: string, http: ProviderHttp): Promise<ProviderMetadata> {
  const url = discoveryUrl(issuer);
  const { status, body } = await http(url);
  if (status !== 200) throw providerUnavailable(`the discovery document ${url} answered HTTP ${status}; check LOUPE_OIDC_ISSUER.`);
  const parsed = providerMetadataSchema.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(document)').join(', ');
    throw providerUnavailable(`the discovery document ${url} is not valid OpenID Connect metadata (${fields}).`, parsed.error);
  }
  const metadata = parsed.data;
  if (metadata.issuer !== issuer) {
    throw misconfigured(`the provider at ${url} calls itself '${metadata.issuer}', not '${issuer}': set LOUPE_OIDC_ISSUER to exactly its issuer.`);
  }
  const insecureAllowed = isLoopbackHttp(new URL(issuer));
  for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint'] as const) {
    const value = metadata[key];
    if (value !== undefined && new URL(value).protocol !== 'https:' && !insecureAllowed) {
      throw misconfigured(`the provider's ${key} ${value} does not use https.`);
    }
  }
  if (metadata.code_challenge_methods_supported && !metadata.code_challenge_methods_supported.includes('S256')) {
    throw misconfigured(`the provider does not support PKCE with S256 (it lists ${metadata.code_challenge_methods_supported.join(', ')}).`);
  }
  return metadata;
}

/** Metadata is fetched again after this long, so a provider's changed endpoints are picked up. */
export const METADATA_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * The provider's metadata, fetched on first use and kept for {@link METADATA_MAX_AGE_MS} (monotonic
 * time from the injected clock). Callers at the same moment share one fetch; a failed fetch is not
 * kept, so the next login tries again.
 *
 * @example
 * const discovery = new DiscoveryCache('https://id.example.com', http, systemClock);
 * const { token_endpoint } = await discovery.get();
 */
export class DiscoveryCache {
  private cached: { metadata: Promise<ProviderMetadata>; at: number } | undefined;

  constructor(
    private readonly issuer: string,
    private readonly http: ProviderHttp,
    private readonly clock: Clock,
  ) {}

  get(): Promise<ProviderMetadata> {
    const now = this.clock.monotonic();
    if (this.cached && now - this.cached.at < METADATA_MAX_AGE_MS) return this.cached.metadata;
    const entry = { metadata: fetchProviderMetadata(this.issuer, this.http), at: now };
    this.cached = entry;
    entry.metadata.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return entry.metadata;
  }
}
