import type { GatewayEndpoint, GatewayEndpointModelMapping, GatewayLinkageType } from '@loupe/protocol';

/**
 * An endpoint's models as the forms and the detail page see them, and the requests that create or
 * change one. Routing follows the server (MLflow's gateway): without `REQUEST_BASED_TRAFFIC_SPLIT`
 * only the first PRIMARY model answers; with it PRIMARY models share requests by weight. FALLBACK
 * models are tried in `fallback_order`, at most `fallback_config.max_attempts` of them.
 */

/** One model row of the new-endpoint form. */
export interface EndpointModelRow {
  modelDefinitionId: string;
  weight: number;
}

/** What the new-endpoint form holds. */
export interface EndpointFormValues {
  name: string;
  primary: EndpointModelRow[];
  /** Tried in this order when the primary answer fails. */
  fallback: EndpointModelRow[];
  usageTracking: boolean;
}

/** The body of `CreateGatewayEndpoint`. */
export interface CreateEndpointBody {
  name: string;
  model_configs: { model_definition_id: string; linkage_type: GatewayLinkageType; weight: number; fallback_order?: number }[];
  routing_strategy?: 'REQUEST_BASED_TRAFFIC_SPLIT';
  fallback_config?: { strategy: 'SEQUENTIAL'; max_attempts: number };
  usage_tracking: boolean;
}

/** MLflow's `is_valid_endpoint_name`. */
const ENDPOINT_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Why the new-endpoint form cannot be sent yet, or undefined when it can.
 *
 * @example
 * endpointProblem({ name: 'chat bot', primary: [], fallback: [], usageTracking: true });
 * // 'Names may hold letters, digits, _, - and . only.'
 */
export function endpointProblem(v: EndpointFormValues): string | undefined {
  const name = v.name.trim();
  if (!name) return 'A name is required.';
  if (!ENDPOINT_NAME.test(name)) return 'Names may hold letters, digits, _, - and . only.';
  const rows = [...v.primary, ...v.fallback];
  if (v.primary.filter((r) => r.modelDefinitionId).length === 0) return 'Choose at least one primary model.';
  if (rows.some((r) => !r.modelDefinitionId)) return 'Choose a model in every row, or remove the row.';
  if (new Set(rows.map((r) => r.modelDefinitionId)).size !== rows.length) return 'Each model can be used once per endpoint.';
  if (v.primary.some((r) => !Number.isFinite(r.weight) || r.weight < 0)) return 'Weights are numbers of 0 or more.';
  if (v.primary.length > 1 && v.primary.every((r) => r.weight === 0)) return 'At least one primary model needs a weight above 0.';
  return undefined;
}

/**
 * The `CreateGatewayEndpoint` body of the form: several primary models share traffic by weight,
 * fallbacks are tried in the form's order, all of them.
 *
 * @example
 * endpointRequest({ name: 'chat', primary: [{ modelDefinitionId: 'd-1', weight: 1 }], fallback: [{ modelDefinitionId: 'd-2', weight: 1 }], usageTracking: true });
 * // { name: 'chat', model_configs: [{ ..., linkage_type: 'PRIMARY' }, { ..., linkage_type: 'FALLBACK', fallback_order: 0 }],
 * //   fallback_config: { strategy: 'SEQUENTIAL', max_attempts: 1 }, usage_tracking: true }
 */
export function endpointRequest(v: EndpointFormValues): CreateEndpointBody {
  return {
    name: v.name.trim(),
    model_configs: [
      ...v.primary.map((r) => ({ model_definition_id: r.modelDefinitionId, linkage_type: 'PRIMARY' as const, weight: r.weight })),
      ...v.fallback.map((r, i) => ({ model_definition_id: r.modelDefinitionId, linkage_type: 'FALLBACK' as const, weight: 1, fallback_order: i })),
    ],
    ...(v.primary.length > 1 ? { routing_strategy: 'REQUEST_BASED_TRAFFIC_SPLIT' as const } : {}),
    ...(v.fallback.length > 0 ? { fallback_config: { strategy: 'SEQUENTIAL' as const, max_attempts: v.fallback.length } } : {}),
    usage_tracking: v.usageTracking,
  };
}

/** The body of `UpdateGatewayEndpoint` as the edit form sends it: every model replaced, the name kept. */
export type UpdateEndpointBody = Omit<CreateEndpointBody, 'name'> & { endpoint_id: string };

/**
 * The `UpdateGatewayEndpoint` body that gives `endpoint` the form's models and usage tracking. Its
 * `model_configs` replaces every model; a routing strategy once set stays (the API cannot unset it),
 * which changes nothing while one primary model is left.
 *
 * @example
 * endpointUpdateRequest(endpoint, { ...endpointFormValuesOf(endpoint), usageTracking: false });
 */
export function endpointUpdateRequest(endpoint: GatewayEndpoint, v: EndpointFormValues): UpdateEndpointBody {
  const { model_configs, routing_strategy, fallback_config, usage_tracking } = endpointRequest(v);
  return {
    endpoint_id: endpoint.endpoint_id,
    model_configs,
    ...(routing_strategy ? { routing_strategy } : {}),
    ...(fallback_config ? { fallback_config } : {}),
    usage_tracking,
  };
}

/**
 * The edit form's start: the endpoint's primary models with their weights and its fallbacks in turn.
 *
 * @example
 * const [values, setValues] = useState(endpointFormValuesOf(endpoint));
 */
export function endpointFormValuesOf(endpoint: GatewayEndpoint): EndpointFormValues {
  const mappings = endpoint.model_mappings ?? [];
  const row = (m: GatewayEndpointModelMapping): EndpointModelRow => ({ modelDefinitionId: m.model_definition_id, weight: m.weight ?? 1 });
  return {
    name: endpoint.name,
    primary: mappings.filter((m) => m.linkage_type === 'PRIMARY').map(row),
    fallback: mappings
      .filter((m) => m.linkage_type === 'FALLBACK')
      .sort((a, b) => (a.fallback_order ?? Infinity) - (b.fallback_order ?? Infinity))
      .map(row),
    usageTracking: endpoint.usage_tracking ?? false,
  };
}

/** A model of an endpoint with what it does there: its share of requests, or its turn as a fallback. */
export interface EndpointModelRole {
  mapping: GatewayEndpointModelMapping;
  /** PRIMARY models: the share of requests they answer (0..1); 0 for primaries the routing never picks. */
  share?: number;
  /** FALLBACK models: 1 for the first tried; undefined when past `max_attempts` (never tried). */
  turn?: number;
}

/**
 * An endpoint's models in the order the gateway uses them (primaries, then fallbacks by
 * `fallback_order`), each with its share of traffic or its fallback turn.
 *
 * @example
 * endpointModelRoles(endpoint).map((r) => r.share ?? r.turn); // [0.75, 0.25, 1]
 */
export function endpointModelRoles(endpoint: GatewayEndpoint): EndpointModelRole[] {
  const mappings = endpoint.model_mappings ?? [];
  const primaries = mappings.filter((m) => m.linkage_type === 'PRIMARY');
  const fallbacks = mappings.filter((m) => m.linkage_type === 'FALLBACK').sort((a, b) => (a.fallback_order ?? Infinity) - (b.fallback_order ?? Infinity));
  const split = endpoint.routing_strategy === 'REQUEST_BASED_TRAFFIC_SPLIT';
  const total = primaries.reduce((sum, m) => sum + (m.weight ?? 1), 0);
  const maxAttempts = endpoint.fallback_config?.max_attempts ?? Infinity;
  return [
    ...primaries.map((mapping, i) => ({ mapping, share: split ? (total > 0 ? (mapping.weight ?? 1) / total : 0) : i === 0 ? 1 : 0 })),
    ...fallbacks.map((mapping, i) => (i < maxAttempts ? { mapping, turn: i + 1 } : { mapping })),
  ];
}

/**
 * How an endpoint routes, in a few words.
 *
 * @example
 * routingSummary({ ...endpoint, routing_strategy: 'REQUEST_BASED_TRAFFIC_SPLIT' }); // 'Traffic split by weight'
 */
export function routingSummary(endpoint: GatewayEndpoint): string {
  if (endpoint.routing_strategy === 'REQUEST_BASED_TRAFFIC_SPLIT') return 'Traffic split by weight';
  return 'First primary model';
}

/**
 * How an endpoint falls back, in a few words; undefined without fallback models.
 *
 * @example
 * fallbackSummary(endpoint); // 'Sequential, up to 2 attempts'
 */
export function fallbackSummary(endpoint: GatewayEndpoint): string | undefined {
  const count = (endpoint.model_mappings ?? []).filter((m) => m.linkage_type === 'FALLBACK').length;
  if (count === 0) return undefined;
  const attempts = Math.min(count, endpoint.fallback_config?.max_attempts ?? count);
  return `Sequential, up to ${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

/**
 * A model of an endpoint as `provider/model`, or its definition's id when it came without one.
 *
 * @example
 * modelLabel(endpoint.model_mappings[0]); // 'openai/gpt-4o-mini'
 */
export function modelLabel(mapping: GatewayEndpointModelMapping): string {
  const d = mapping.model_definition;
  return d ? `${d.provider}/${d.model_name}` : mapping.model_definition_id;
}
