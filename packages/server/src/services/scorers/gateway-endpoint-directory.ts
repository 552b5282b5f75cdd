/**
 * The port through which the scorer registry asks the AI gateway whether an endpoint exists (spec
 * §11.2): a judge whose model is `gateway:/<endpoint>` may only be registered, and started, when the
 * endpoint does. The gateway service implements it; the composition root injects it.
 *
 * @example
 * if (!(await gateway.endpointExists('judge-ep'))) throw ApiError.notFound("GatewayEndpoint not found (name='judge-ep')");
 */
export interface GatewayEndpointDirectory {
  /** Whether a gateway endpoint of this name exists. */
  endpointExists(name: string): Promise<boolean>;
}

/**
 * The directory of a server without an AI gateway: no endpoint exists, so gateway judges cannot be
 * registered (RESOURCE_DOES_NOT_EXIST, as MLflow answers for a missing endpoint).
 *
 * @example
 * new ScorerService(store, experiments, NO_GATEWAY_ENDPOINTS, clock, ids);
 */
export const NO_GATEWAY_ENDPOINTS: GatewayEndpointDirectory = { endpointExists: async () => false };

/**
 * A directory holding a fixed set of endpoint names (tests, and servers that configure endpoints by name).
 *
 * @example
 * const gateway = new InMemoryGatewayEndpoints(['judge-ep']);
 * await gateway.endpointExists('judge-ep'); // true
 */
export class InMemoryGatewayEndpoints implements GatewayEndpointDirectory {
  private readonly names: Set<string>;

  constructor(names: Iterable<string> = []) {
    this.names = new Set(names);
  }

  async endpointExists(name: string): Promise<boolean> {
    return this.names.has(name);
  }

  add(name: string): void {
    this.names.add(name);
  }

  remove(name: string): void {
    this.names.delete(name);
  }
}
