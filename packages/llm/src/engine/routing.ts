import type { ProviderModel } from '../providers/provider-adapter.js';
import type { RateLimit } from './rate-limiter.js';

/**
 * One model of an endpoint: a PRIMARY model answers a share of the traffic by `weight`; FALLBACK
 * models are tried in `fallbackOrder` when the one before failed with a retryable error.
 *
 * @example
 * const model: EndpointModel = { provider: 'openai', modelName: 'gpt-4o-mini', credentials: { api_key: key }, linkage: 'PRIMARY', weight: 1 };
 */
export interface EndpointModel extends ProviderModel {
  linkage: 'PRIMARY' | 'FALLBACK';
  weight: number;
  fallbackOrder?: number | null;
}

/**
 * An endpoint as the gateway resolved it (secrets decrypted), ready to call.
 *
 * @example
 * const endpoint: ResolvedEndpoint = { name: 'chat', models: [primary, fallback], rateLimit: { calls: 100, renewalPeriodMs: 60_000 } };
 */
export interface ResolvedEndpoint {
  name: string;
  /** How PRIMARY models share traffic; only weighted random choice (the default) exists. */
  routingStrategy?: string;
  models: EndpointModel[];
  rateLimit?: RateLimit;
}

/**
 * The models to try for one request, in order: one PRIMARY chosen at random by weight (a model
 * with weight w among total W answers w/W of requests; all weights 0 or less share equally), then
 * the FALLBACK models by `fallbackOrder` (those without one last, in their listed order).
 *
 * @example
 * routeOrder(endpoint, Math.random); // [primaryB, fallback1, fallback2]
 */
export function routeOrder(endpoint: ResolvedEndpoint, random: () => number): EndpointModel[] {
  const primaries = endpoint.models.filter((m) => m.linkage === 'PRIMARY');
  const fallbacks = endpoint.models
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m.linkage === 'FALLBACK')
    .sort((a, b) => (a.m.fallbackOrder ?? Infinity) - (b.m.fallbackOrder ?? Infinity) || a.i - b.i)
    .map(({ m }) => m);
  const chosen = pickWeighted(primaries, random);
  return chosen ? [chosen, ...fallbacks] : fallbacks;
}

function pickWeighted(models: EndpointModel[], random: () => number): EndpointModel | undefined {
  if (models.length === 0) return undefined;
  const weights = models.map((m) => (Number.isFinite(m.weight) && m.weight > 0 ? m.weight : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return models[Math.min(models.length - 1, Math.floor(random() * models.length))];
  let r = random() * total;
  for (let i = 0; i < models.length; i++) {
    r -= weights[i]!;
    if (r < 0 && weights[i]! > 0) return models[i];
  }
  // random() near 1 with rounding: the last model with weight.
  return models[weights.findLastIndex((w) => w > 0)];
}
