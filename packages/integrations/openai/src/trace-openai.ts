import {
  type ChatMessage,
  type IntegrationOptions,
  isObject,
  loupeOf,
  openAIChatCompletionMessages,
  openAIResponsesMessages,
  openAITools,
  openAIUsage,
  patchMethod,
  recordLlm,
} from '@loupe/sdk/genai';
import { completionMessages } from './completion-messages.js';
import { ChatStreamAssembler, CompletionStreamAssembler, ResponsesStreamAssembler, type StreamAssembler } from './stream-assembly.js';
import { withTracedTools } from './run-tools.js';
import { traceApiPromise, type Endpoint } from './traced-api-promise.js';

/** Options of {@link traceOpenAI}. */
export type TraceOpenAIOptions = IntegrationOptions;

const modelOf = (params: unknown, response: unknown): string | undefined => {
  const fromResponse = isObject(response) && typeof response.model === 'string' && response.model ? response.model : undefined;
  return fromResponse ?? (isObject(params) && typeof params.model === 'string' ? params.model : undefined);
};

/** A model endpoint's record: the response as outputs, then model, usage, chat and (for chat APIs) tools. */
function modelEndpoint(
  provider: string,
  name: string,
  spanType: Endpoint['spanType'],
  assembler: () => StreamAssembler,
  messagesOf: (params: unknown, response: unknown) => ChatMessage[],
  withTools: boolean,
): Endpoint {
  return {
    name,
    spanType,
    assembler,
    record(span, params, response) {
      span.setOutputs(response);
      recordLlm(span, {
        model: modelOf(params, response),
        provider,
        usage: openAIUsage(isObject(response) ? response.usage : undefined),
        messages: messagesOf(params, response),
        ...(withTools ? { tools: openAITools(isObject(params) ? params.tools : undefined) } : {}),
      });
    },
  };
}

function endpoints(provider: string): Record<'chat' | 'responses' | 'embeddings' | 'completions', Endpoint> {
  return {
    chat: modelEndpoint(provider, 'Completions', 'CHAT_MODEL', () => new ChatStreamAssembler(), openAIChatCompletionMessages, true),
    responses: modelEndpoint(provider, 'Responses', 'CHAT_MODEL', () => new ResponsesStreamAssembler(), openAIResponsesMessages, true),
    embeddings: {
      name: 'Embeddings',
      spanType: 'EMBEDDING',
      record(span, params, response) {
        span.setOutputs(response);
        const usage = isObject(response) && isObject(response.usage) ? response.usage : {};
        const input = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : undefined;
        recordLlm(span, { model: modelOf(params, response), provider, ...(input !== undefined ? { usage: { input_tokens: input, output_tokens: 0 } } : {}) });
      },
    },
    completions: modelEndpoint(provider, 'Completions', 'LLM', () => new CompletionStreamAssembler(), completionMessages, false),
  };
}

/** The helper that made the call (`chat.completions.parse`, `stream`, `runTools`), from the header openai sets. */
function helperOf(options: unknown): Record<string, unknown> | undefined {
  const headers = isObject(options) && isObject(options.headers) ? options.headers : undefined;
  const helper = headers?.['X-Stainless-Helper-Method'];
  return typeof helper === 'string' ? { 'loupe.openai.helper': helper } : undefined;
}

/**
 * Traces an OpenAI client (also `AzureOpenAI`): every `chat.completions.create`,
 * `responses.create`, `embeddings.create` and legacy `completions.create` becomes a span with
 * inputs, outputs, model, token usage (so cost) and the conversation in Loupe's chat format,
 * streamed or not. The helpers built on them (`chat.completions.parse` / `.stream()` /
 * `.runTools()`, `responses.parse` / `.stream()`) call `create` on the same client, so each of
 * their requests is one span; the functions `runTools()` calls are TOOL spans. Returns the same
 * client; tracing it twice changes nothing.
 *
 * @example
 * import OpenAI from 'openai';
 * import { traceOpenAI } from '@loupe/openai';
 * const client = traceOpenAI(new OpenAI());
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
 */
export function traceOpenAI<C extends object>(client: C, options?: TraceOpenAIOptions): C {
  const c = client as { apiVersion?: unknown; chat?: { completions?: object }; responses?: object; embeddings?: object; completions?: object };
  // AzureOpenAI is the OpenAI client plus an api-version; its calls are priced by the model it answers with.
  const ep = endpoints(typeof c.apiVersion === 'string' ? 'azure' : 'openai');
  const targets: [object | undefined, Endpoint][] = [
    [c.chat?.completions, ep.chat],
    [c.responses, ep.responses],
    [c.embeddings, ep.embeddings],
    [c.completions, ep.completions],
  ];
  for (const [resource, endpoint] of targets) {
    if (!resource) continue;
    patchMethod(
      resource,
      'create',
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          return traceApiPromise(loupeOf(options), endpoint, args[0], () => original.apply(this, args), helperOf(args[1]));
        },
    );
  }
  // runTools() runs the caller's tool functions between its requests: each call becomes a TOOL span.
  const completions = c.chat?.completions;
  if (completions) {
    patchMethod(
      completions,
      'runTools',
      (original) =>
        function (this: unknown, body: unknown, ...rest: unknown[]) {
          return original.call(this, withTracedTools(loupeOf(options), body), ...rest);
        },
    );
  }
  return client;
}
