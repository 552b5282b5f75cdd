import { isProviderName, type ChatCompletion, type ChatInvocation, type ChatRequest, type ChatUsage, type EndpointModel, type LlmEngine } from '@loupe/llm';
import type { ResolvedEndpoint as LlmEndpoint } from '@loupe/llm';
import type { ResolvedEndpoint } from '../../gateway/gateway-commands.js';

/** A judge model's answer: the completion, with token usage and USD cost when known. */
export interface JudgeModelAnswer {
  completion: ChatCompletion;
  usage?: ChatUsage;
  cost?: ChatInvocation['cost'];
}

/**
 * The port through which online judges call their model: a gateway endpoint by name (the judge's
 * `gateway:/<endpoint>` model). Main wires it to the gateway's endpoints and the `@loupe/llm` engine
 * ({@link GatewayJudgeModelClient}); the gateway's data plane may take its place.
 *
 * @example
 * const { completion, usage, cost } = await client.chat('judge-ep', { messages: [{ role: 'user', content: 'Is this safe?' }] });
 */
export interface JudgeModelClient {
  chat(endpointName: string, request: ChatRequest, signal?: AbortSignal): Promise<JudgeModelAnswer>;
}

/** Where the gateway's endpoints are resolved (the gateway service). */
export interface EndpointResolver {
  resolveEndpoint(name: string): Promise<ResolvedEndpoint>;
}

/**
 * A gateway endpoint in the engine's terms: each model whose secret is readable and whose provider
 * the engine knows, with the secret's values as credentials and its auth config (where `api_base` /
 * `base_url` points an OpenAI-compatible model at its server).
 *
 * @example
 * engine.chat(toLlmEndpoint(await gateway.resolveEndpoint('judge-ep')), request);
 */
export function toLlmEndpoint(endpoint: ResolvedEndpoint): LlmEndpoint {
  const models: EndpointModel[] = [];
  for (const m of endpoint.models) {
    const provider = m.modelDefinition.provider;
    if (!m.secret || !isProviderName(provider)) continue;
    const baseUrl = m.secret.authConfig.api_base ?? m.secret.authConfig.base_url;
    models.push({
      provider,
      modelName: m.modelDefinition.modelName,
      credentials: m.secret.value,
      authConfig: m.secret.authConfig,
      ...(baseUrl ? { baseUrl } : {}),
      linkage: m.linkageType === 'FALLBACK' ? 'FALLBACK' : 'PRIMARY',
      weight: m.weight,
      ...(m.fallbackOrder !== undefined ? { fallbackOrder: m.fallbackOrder } : {}),
    });
  }
  return { name: endpoint.name, models };
}

/**
 * Judge calls straight through the gateway's endpoints and the provider engine (which the composition
 * root gives the SSRF-guarded outbound transport).
 *
 * @example
 * const client = new GatewayJudgeModelClient(gateway, createLlmEngine({ fetch: (u, i) => transport.fetch(u, i), clock }));
 */
export class GatewayJudgeModelClient implements JudgeModelClient {
  constructor(
    private readonly endpoints: EndpointResolver,
    private readonly engine: LlmEngine,
  ) {}

  async chat(endpointName: string, request: ChatRequest, signal?: AbortSignal): Promise<JudgeModelAnswer> {
    const endpoint = toLlmEndpoint(await this.endpoints.resolveEndpoint(endpointName));
    const answer = await this.engine.chat(endpoint, request, signal ? { signal } : {});
    return { completion: answer.completion, usage: answer.usage, ...(answer.cost ? { cost: answer.cost } : {}) };
  }
}
