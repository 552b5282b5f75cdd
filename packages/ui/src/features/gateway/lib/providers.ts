import type { GatewaySecretInfo } from '@loupe/protocol';

/**
 * The providers the gateway calls, and what a secret for each holds: the values kept encrypted
 * (`secret_value`, answered masked) and the plain settings beside them (`auth_config`), under the key
 * names the server's provider adapters read (MLflow's names: `api_base`, `aws_region_name`).
 */

/** One field of a secret form. */
export interface ProviderField {
  key: string;
  label: string;
  optional?: boolean;
  placeholder?: string;
}

/** A provider: its id (`provider` on the wire), its name, its secret's fields and an example model. */
export interface ProviderSpec {
  id: string;
  label: string;
  /** Kept encrypted, never shown again (masked in answers). */
  secretFields: readonly ProviderField[];
  /** Stored in clear as `auth_config`. */
  configFields: readonly ProviderField[];
  modelPlaceholder: string;
}

const API_KEY: ProviderField = { key: 'api_key', label: 'API key' };
const baseUrl = (placeholder: string): ProviderField => ({ key: 'api_base', label: 'Base URL', optional: true, placeholder });

/**
 * The providers the gateway has adapters for, in the order the forms offer them.
 *
 * @example
 * GATEWAY_PROVIDERS.map((p) => p.id); // ['openai', 'anthropic', 'bedrock', 'gemini']
 */
export const GATEWAY_PROVIDERS: readonly ProviderSpec[] = [
  {
    id: 'openai',
    label: 'OpenAI',
    secretFields: [API_KEY],
    configFields: [baseUrl('https://api.openai.com/v1'), { key: 'organization', label: 'Organization', optional: true }],
    modelPlaceholder: 'gpt-4o-mini',
  },
  {
    id: 'anthropic',
    label: 'Anthropic',
    secretFields: [API_KEY],
    configFields: [baseUrl('https://api.anthropic.com/v1')],
    modelPlaceholder: 'claude-sonnet-4-5',
  },
  {
    id: 'bedrock',
    label: 'Amazon Bedrock',
    secretFields: [
      { key: 'aws_access_key_id', label: 'Access key id' },
      { key: 'aws_secret_access_key', label: 'Secret access key' },
      { key: 'aws_session_token', label: 'Session token', optional: true },
    ],
    configFields: [
      { key: 'aws_region_name', label: 'Region', optional: true, placeholder: 'us-east-1' },
      baseUrl('https://bedrock-runtime.us-east-1.amazonaws.com'),
    ],
    modelPlaceholder: 'anthropic.claude-3-5-haiku-20241022-v1:0',
  },
  {
    id: 'gemini',
    label: 'Google Gemini',
    secretFields: [API_KEY],
    configFields: [baseUrl('https://generativelanguage.googleapis.com/v1beta')],
    modelPlaceholder: 'gemini-2.5-flash',
  },
];

/**
 * A provider's spec; a provider set through the API that the forms do not know gets one API key.
 *
 * @example
 * providerSpec('bedrock').secretFields.length; // 3
 * providerSpec('mistral').label; // 'mistral'
 */
export function providerSpec(id: string | undefined): ProviderSpec {
  return GATEWAY_PROVIDERS.find((p) => p.id === id) ?? { id: id ?? '', label: id ?? '—', secretFields: [API_KEY], configFields: [], modelPlaceholder: '' };
}

/** What the new-secret form holds: name, provider and every field typed, by key. */
export interface SecretFormValues {
  name: string;
  provider: string;
  values: Record<string, string>;
  config: Record<string, string>;
}

/** The body of `CreateGatewaySecret`. */
export interface CreateSecretBody {
  secret_name: string;
  provider: string;
  secret_value: Record<string, string>;
  auth_config?: Record<string, string>;
}

/** The provider's fields that were typed, trimmed, by key. */
function filled(fields: readonly ProviderField[], typed: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = typed[f.key]?.trim();
    if (v) out[f.key] = v;
  }
  return out;
}

/**
 * Why the new-secret form cannot be sent yet (the first problem), or undefined when it can.
 *
 * @example
 * secretProblem({ name: 'openai', provider: 'openai', values: {}, config: {} }); // 'API key is required.'
 */
export function secretProblem(v: SecretFormValues): string | undefined {
  if (!v.name.trim()) return 'A name is required.';
  const spec = providerSpec(v.provider);
  for (const f of [...spec.secretFields, ...spec.configFields]) {
    const typed = (spec.secretFields.includes(f) ? v.values : v.config)[f.key]?.trim();
    if (!f.optional && !typed) return `${f.label} is required.`;
  }
  return undefined;
}

/**
 * The `CreateGatewaySecret` body of the form: only the provider's fields, blank ones left out.
 *
 * @example
 * secretRequest({ name: 'oa', provider: 'openai', values: { api_key: 'sk-1' }, config: { api_base: '' } });
 * // { secret_name: 'oa', provider: 'openai', secret_value: { api_key: 'sk-1' } }
 */
export function secretRequest(v: SecretFormValues): CreateSecretBody {
  const spec = providerSpec(v.provider);
  const config = filled(spec.configFields, v.config);
  return {
    secret_name: v.name.trim(),
    provider: v.provider,
    secret_value: filled(spec.secretFields, v.values),
    ...(Object.keys(config).length > 0 ? { auth_config: config } : {}),
  };
}

/**
 * The fields a new value of `secret` is typed into: its provider's secret fields, or, for a provider
 * the forms do not know, the keys its masked values show.
 *
 * @example
 * rotationFields({ ...secret, provider: 'openai' }).map((f) => f.key); // ['api_key']
 */
export function rotationFields(secret: GatewaySecretInfo): readonly ProviderField[] {
  if (GATEWAY_PROVIDERS.some((p) => p.id === secret.provider)) return providerSpec(secret.provider).secretFields;
  const keys = Object.keys(secret.masked_values ?? {});
  return keys.length > 0 ? keys.map((key) => ({ key, label: key })) : [API_KEY];
}

/**
 * A new value for `secret` as `UpdateGatewaySecret`'s `secret_value`: the typed fields of
 * {@link rotationFields}, or undefined while a required one is blank. The whole value is replaced, so
 * an optional field left blank is dropped.
 *
 * @example
 * rotatedValue(openaiSecret, { api_key: ' sk-new ' }); // { api_key: 'sk-new' }
 */
export function rotatedValue(secret: GatewaySecretInfo, typed: Record<string, string>): Record<string, string> | undefined {
  const fields = rotationFields(secret);
  if (fields.some((f) => !f.optional && !typed[f.key]?.trim())) return undefined;
  return filled(fields, typed);
}

/**
 * A secret's masked values as one line: `sk-...wxyz`, or `aws_access_key_id AKI...1234 · ...` when it
 * has several.
 *
 * @example
 * maskedSummary({ api_key: 'sk-...wxyz' }); // 'sk-...wxyz'
 */
export function maskedSummary(masked: Record<string, string> | undefined): string {
  const entries = Object.entries(masked ?? {});
  if (entries.length === 0) return '—';
  if (entries.length === 1) return entries[0]![1];
  return entries.map(([k, v]) => `${k} ${v}`).join(' · ');
}
