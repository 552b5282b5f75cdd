import type { GatewayEndpoint, GatewayEndpointBinding } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import type { CreateEndpointBody, UpdateEndpointBody } from '../lib/endpoint-config';
import { GW, gatewayKeys, useGatewayMutation } from './gateway-queries';

/**
 * Every gateway endpoint with its models and tags, by name.
 *
 * @example
 * const { data: endpoints } = useGatewayEndpoints();
 */
export function useGatewayEndpoints() {
  return useQuery({
    queryKey: gatewayKeys.endpoints,
    queryFn: async ({ signal }) =>
      ((await apiRequest<{ endpoints?: GatewayEndpoint[] }>('GET', `${GW}/endpoints/list`, { signal })).endpoints ?? []).sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
  });
}

/**
 * One endpoint by name.
 *
 * @example
 * const { data: endpoint } = useGatewayEndpoint('chat');
 */
export function useGatewayEndpoint(name: string) {
  return useQuery({
    queryKey: gatewayKeys.endpoint(name),
    queryFn: async ({ signal }) => (await apiRequest<{ endpoint: GatewayEndpoint }>('GET', `${GW}/endpoints/get`, { query: { name }, signal })).endpoint,
  });
}

/**
 * What an endpoint is bound to (scorers calling it, for instance).
 *
 * @example
 * const { data: bindings } = useEndpointBindings('e-1');
 */
export function useEndpointBindings(endpointId: string) {
  return useQuery({
    queryKey: gatewayKeys.bindings(endpointId),
    queryFn: async ({ signal }) =>
      (await apiRequest<{ bindings?: GatewayEndpointBinding[] }>('GET', `${GW}/endpoints/bindings/list`, { query: { endpoint_id: endpointId }, signal }))
        .bindings ?? [],
  });
}

/**
 * Creating an endpoint (with usage tracking on, the server makes its `gateway/<name>` experiment).
 *
 * @example
 * create.mutate(endpointRequest(values), { onSuccess: (res) => navigate(`/gateway/endpoints/${res.endpoint.name}`) });
 */
export function useCreateEndpoint() {
  return useGatewayMutation((body: CreateEndpointBody) => apiRequest<{ endpoint: GatewayEndpoint }>('POST', `${GW}/endpoints/create`, { body }));
}

/**
 * Changing an endpoint: its models (all replaced), routing and usage tracking.
 *
 * @example
 * update.mutate(endpointUpdateRequest(endpoint, values));
 */
export function useUpdateEndpoint() {
  return useGatewayMutation((body: UpdateEndpointBody) => apiRequest<{ endpoint: GatewayEndpoint }>('POST', `${GW}/endpoints/update`, { body }));
}

/**
 * Deleting an endpoint; the list drops it at once. Its own queries are not read again: the page
 * showing them leaves, and they would answer 404.
 *
 * @example
 * remove.mutate(endpoint, { onSuccess: () => navigate('/gateway') });
 */
export function useDeleteEndpoint() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (endpoint: GatewayEndpoint) => apiRequest('DELETE', `${GW}/endpoints/delete`, { body: { endpoint_id: endpoint.endpoint_id } }),
    onSuccess: (_res, endpoint) => {
      qc.setQueryData<GatewayEndpoint[]>(gatewayKeys.endpoints, (list) => list?.filter((e) => e.endpoint_id !== endpoint.endpoint_id));
      return qc.invalidateQueries({ queryKey: gatewayKeys.all, predicate: (q) => q.queryKey[1] !== 'endpoint' && q.queryKey[1] !== 'bindings' });
    },
  });
}

/**
 * An endpoint's tag writes, for the shared tag editor.
 *
 * @example
 * <TagListEditor tags={tags} mutations={useEndpointTagMutations(endpoint.endpoint_id)} submitLabel="Add tag" />
 */
export function useEndpointTagMutations(endpointId: string) {
  const setTag = useGatewayMutation(({ key, value }: { key: string; value: string }) =>
    apiRequest('POST', `${GW}/endpoints/set-tag`, { body: { endpoint_id: endpointId, key, value } }),
  );
  const deleteTag = useGatewayMutation((key: string) => apiRequest('DELETE', `${GW}/endpoints/delete-tag`, { body: { endpoint_id: endpointId, key } }));
  return { setTag, deleteTag };
}
