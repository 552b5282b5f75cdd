import { z } from 'zod';
import {
  GatewayBudgetPolicyJson,
  GatewayBudgetWindowJson,
  GatewayEndpointBindingJson,
  GatewayEndpointJson,
  GatewayEndpointModelMappingJson,
  GatewayModelDefinitionJson,
  GatewaySecretInfoJson,
} from '../entities/gateway.js';

/** Reply schemas of the AI gateway control plane, as they go on the wire. */

export const GatewaySecret = z.strictObject({ secret: GatewaySecretInfoJson });
export const ListGatewaySecretInfos = z.strictObject({ secrets: z.array(GatewaySecretInfoJson).optional() });
export const GetSecretsConfig = z.strictObject({ secrets_available: z.boolean().optional(), using_default_passphrase: z.boolean().optional() });
export const GatewayModelDefinition = z.strictObject({ model_definition: GatewayModelDefinitionJson });
export const ListGatewayModelDefinitions = z.strictObject({ model_definitions: z.array(GatewayModelDefinitionJson).optional() });
export const GatewayEndpoint = z.strictObject({ endpoint: GatewayEndpointJson });
export const ListGatewayEndpoints = z.strictObject({ endpoints: z.array(GatewayEndpointJson).optional() });
export const AttachModelToGatewayEndpoint = z.strictObject({ mapping: GatewayEndpointModelMappingJson });
export const CreateGatewayEndpointBinding = z.strictObject({ binding: GatewayEndpointBindingJson });
export const ListGatewayEndpointBindings = z.strictObject({ bindings: z.array(GatewayEndpointBindingJson).optional() });
export const GatewayBudgetPolicy = z.strictObject({ budget_policy: GatewayBudgetPolicyJson });
export const ListGatewayBudgetPolicies = z.strictObject({
  budget_policies: z.array(GatewayBudgetPolicyJson).optional(),
  next_page_token: z.string().optional(),
});
export const ListGatewayBudgetWindows = z.strictObject({ windows: z.array(GatewayBudgetWindowJson).optional() });
