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
