import type { GatewaySecretInfo } from '@loupe/protocol';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import type { CreateSecretBody } from '../lib/providers';
import { GW, gatewayKeys, useGatewayMutation } from './gateway-queries';

/**
 * Whether this server can store secrets (`GetSecretsConfig`: it was started with a secret key).
 *
 * @example
 * const { data } = useSecretsConfig(); // { secrets_available: true }
 */
export function useSecretsConfig() {
  return useQuery({
    queryKey: gatewayKeys.secretsConfig,
    queryFn: ({ signal }) => apiRequest<{ secrets_available?: boolean }>('GET', `${GW}/secrets/config`, { signal }),
  });
}

/**
 * Every gateway secret, masked (admins only), by name.
 *
 * @example
 * const { data: secrets } = useGatewaySecrets();
 */
export function useGatewaySecrets(enabled = true) {
  return useQuery({
    queryKey: gatewayKeys.secrets,
    queryFn: async ({ signal }) =>
      ((await apiRequest<{ secrets?: GatewaySecretInfo[] }>('GET', `${GW}/secrets/list`, { signal })).secrets ?? []).sort((a, b) =>
        a.secret_name.localeCompare(b.secret_name),
      ),
    enabled,
  });
}

/**
 * Creating a secret (its value is encrypted by the server and never read back).
 *
 * @example
 * create.mutate({ secret_name: 'openai', provider: 'openai', secret_value: { api_key: 'sk-...' } });
 */
export function useCreateSecret() {
  return useGatewayMutation((body: CreateSecretBody) => apiRequest<{ secret: GatewaySecretInfo }>('POST', `${GW}/secrets/create`, { body }));
}

/**
 * Replacing a secret's value (rotation); the models using it call with the new value at once.
 *
 * @example
 * rotate.mutate({ secretId: 's-1', value: { api_key: 'sk-new' } });
 */
export function useRotateSecret() {
  return useGatewayMutation(({ secretId, value }: { secretId: string; value: Record<string, string> }) =>
    apiRequest<{ secret: GatewaySecretInfo }>('POST', `${GW}/secrets/update`, { body: { secret_id: secretId, secret_value: value } }),
  );
}

/**
 * Deleting a secret; model definitions using it keep existing, without credentials.
 *
 * @example
 * remove.mutate('s-1');
 */
export function useDeleteSecret() {
  return useGatewayMutation((secretId: string) => apiRequest('DELETE', `${GW}/secrets/delete`, { body: { secret_id: secretId } }));
}
