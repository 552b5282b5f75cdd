/**
 * `@loupe/protocol/pricing`: the model price catalog and token-usage rules shared by the SDK (which
 * prices its own LLM spans) and the server (which prices spans from other producers at ingest).
 * Loads neither zod nor the rest of the protocol.
 */
export {
  DEFAULT_PRICES_AS_OF,
  normalizeModelName,
  PriceCatalog,
  pricingOptionsFromJson,
  type LlmCost,
  type ModelPrice,
  type PricingOptions,
} from './pricing.js';
export { completeTokenUsage, type TokenUsage } from './token-usage.js';
