import type { ChatCompletion, ChatInvocation, ChatRequest, ChatUsage } from '@loupe/llm';

/** A judge model's answer: the completion, with token usage and USD cost when known. */
export interface JudgeModelAnswer {
  completion: ChatCompletion;
  usage?: ChatUsage;
  cost?: ChatInvocation['cost'];
}

/**
 * The port through which online judges call their model: a gateway endpoint by name (the judge's
 * `gateway:/<endpoint>` model). Main wires it to the gateway's invoker, so judge calls get the
 * endpoint's routing and fallbacks, budgets, spend records and usage traces like any gateway call.
 *
 * @example
 * const { completion, usage, cost } = await client.chat('judge-ep', { messages: [{ role: 'user', content: 'Is this safe?' }] });
 */
export interface JudgeModelClient {
  chat(endpointName: string, request: ChatRequest, signal?: AbortSignal): Promise<JudgeModelAnswer>;
}
