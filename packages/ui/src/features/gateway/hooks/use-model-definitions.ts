import type { GatewayModelDefinition } from '@loupe/protocol';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import { GW, gatewayKeys, useGatewayMutation } from './gateway-queries';

/**
 * Every model definition (a provider model with the secret it calls with; admins only), by name.
 *
 * @example
 * const { data: models } = useModelDefinitions();
 */
export function useModelDefinitions(enabled = true) {
  return useQuery({
    queryKey: gatewayKeys.modelDefinitions,
    queryFn: async ({ signal }) =>
      ((await apiRequest<{ model_definitions?: GatewayModelDefinition[] }>('GET', `${GW}/model-definitions/list`, { signal })).model_definitions ?? []).sort(
        (a, b) => a.name.localeCompare(b.name),
      ),
    enabled,
  });
}

/** The body of `CreateGatewayModelDefinition`. */
export interface CreateModelDefinitionBody {
  name: string;
  secret_id: string;
  provider: string;
  model_name: string;
}

/**
 * Creating a model definition.
 *
 * @example
 * create.mutate({ name: 'gpt-4o-mini', secret_id: 's-1', provider: 'openai', model_name: 'gpt-4o-mini' });
 */
export function useCreateModelDefinition() {
  return useGatewayMutation((body: CreateModelDefinitionBody) =>
    apiRequest<{ model_definition: GatewayModelDefinition }>('POST', `${GW}/model-definitions/create`, { body }),
  );
}

/**
 * Deleting a model definition (refused while an endpoint uses it).
 *
 * @example
 * remove.mutate('d-1');
 */
export function useDeleteModelDefinition() {
  return useGatewayMutation((id: string) => apiRequest('DELETE', `${GW}/model-definitions/delete`, { body: { model_definition_id: id } }));
}
