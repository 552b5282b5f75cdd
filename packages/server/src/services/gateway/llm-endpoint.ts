import { isProviderName, type EndpointModel, type ResolvedEndpoint as LlmEndpoint } from '@loupe/llm';
import type { ResolvedEndpoint, ResolvedModel } from './gateway-commands.js';

/** MLflow's `auth_config` keys for a provider's base URL (`api_base`), and a few other spellings. */
const BASE_URL_KEYS = ['api_base', 'base_url', 'endpoint_url', 'openai_api_base'] as const;

function firstOf(config: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const key of keys) if (config[key]) return config[key];
  return undefined;
}

/**
 * The engine's credentials and settings of one stored model: the secret's decrypted value as
 * credentials; its `auth_config` as settings, with MLflow's names read too (`aws_region_name` is
 * Bedrock's region, `version` Anthropic's API version, `api_base` the base URL).
 */
function llmModel(model: ResolvedModel): EndpointModel | undefined {
  const provider = model.modelDefinition.provider;
  if (!isProviderName(provider)) return undefined;
  const authConfig: Record<string, string> = { ...model.secret?.authConfig };
  if (authConfig.aws_region_name && !authConfig.aws_region) authConfig.aws_region = authConfig.aws_region_name;
  if (authConfig.version && !authConfig.anthropic_version) authConfig.anthropic_version = authConfig.version;
  const baseUrl = firstOf(authConfig, BASE_URL_KEYS);
  return {
    provider,
    modelName: model.modelDefinition.modelName,
    credentials: { ...model.secret?.value },
    authConfig,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    linkage: model.linkageType,
    weight: model.weight,
    ...(model.fallbackOrder !== undefined ? { fallbackOrder: model.fallbackOrder } : {}),
  };
}

/**
 * The stored endpoint as `@loupe/llm` calls it, following MLflow's gateway (`gateway_api.py`): without
 * `REQUEST_BASED_TRAFFIC_SPLIT` only the first PRIMARY model answers (with it, PRIMARY models share
 * traffic by weight); FALLBACK models are tried in `fallback_order`, at most `fallback_config.max_attempts`
 * of them. Models of a provider the engine has no adapter for are left out (`unsupported` names them).
 *
 * @example
 * const { endpoint } = toLlmEndpoint(await gateway.resolveEndpoint('chat'));
 * await engine.chat(endpoint, { messages });
 */
export function toLlmEndpoint(resolved: ResolvedEndpoint): { endpoint: LlmEndpoint; unsupported: string[] } {
  const unsupported: string[] = [];
  const models: EndpointModel[] = [];
  for (const model of resolved.models) {
    const converted = llmModel(model);
    if (converted) models.push(converted);
    else unsupported.push(`${model.modelDefinition.provider}/${model.modelDefinition.modelName}`);
  }
  const primaries = models.filter((m) => m.linkage === 'PRIMARY');
  const fallbacks = models
    .filter((m) => m.linkage === 'FALLBACK')
    .sort((a, b) => (a.fallbackOrder ?? Infinity) - (b.fallbackOrder ?? Infinity))
    .slice(0, resolved.fallbackConfig?.maxAttempts ?? Infinity);
  const split = resolved.routingStrategy === 'REQUEST_BASED_TRAFFIC_SPLIT';
  return {
    endpoint: {
      name: resolved.name,
      ...(resolved.routingStrategy !== undefined ? { routingStrategy: resolved.routingStrategy } : {}),
      models: [...(split ? primaries : primaries.slice(0, 1)), ...fallbacks],
    },
    unsupported,
  };
}
