import {
  anthropicAnswerMessage,
  AnthropicMessageAccumulator,
  anthropicRequestMessages,
  anthropicTools,
  anthropicUsage,
  CHAT_ATTRIBUTES,
  type ChatMessage,
  type IntegrationOptions,
  loupeOf,
  observeStream,
  patchMethod,
  recordError,
  recordLlm,
  type StreamEnd,
  traceCall,
} from '@loupe/sdk/genai';
import { SpanAttributeKey, type Loupe, type LoupeSpan } from '@loupe/sdk';

/** Options of {@link traceAnthropic}. */
export type TraceAnthropicOptions = IntegrationOptions;

const PROVIDER = 'anthropic';

type Params = Record<string, unknown> & { model?: unknown; stream?: unknown };
type MessagesResource = { create?: (...args: unknown[]) => unknown };

/** What a request says before the call, so a failed call still shows model, conversation and tools. */
function requestAttributes(params: Params): Record<string, unknown> {
  try {
    const attributes: Record<string, unknown> = { [SpanAttributeKey.LLM_PROVIDER]: PROVIDER };
    if (typeof params.model === 'string') attributes[SpanAttributeKey.LLM_MODEL] = params.model;
    attributes[CHAT_ATTRIBUTES.MESSAGES] = anthropicRequestMessages(params);
    const tools = anthropicTools(params);
    if (tools.length > 0) attributes[CHAT_ATTRIBUTES.TOOLS] = tools;
    return attributes;
  } catch {
    return { [SpanAttributeKey.LLM_PROVIDER]: PROVIDER };
  }
}

/** Records a Messages response (or one re-assembled from a stream) on the span. */
function recordMessage(span: LoupeSpan, params: Params, message: Record<string, unknown> | undefined): void {
  span.setOutputs(message ?? null);
  const answer = anthropicAnswerMessage(message);
  const messages: ChatMessage[] = [...anthropicRequestMessages(params), ...(answer ? [answer] : [])];
  const model = typeof message?.model === 'string' ? message.model : typeof params.model === 'string' ? params.model : undefined;
  recordLlm(span, { model, provider: PROVIDER, usage: anthropicUsage(message?.usage), messages, tools: anthropicTools(params) });
}

function isEventStream(value: unknown): value is AsyncIterable<unknown> & { controller?: AbortController } {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/**
 * Follows a `stream: true` answer as its reader consumes it: the span ends when the stream does,
 * with the message re-assembled from the events as its outputs.
 */
function followStream(span: LoupeSpan, params: Params, stream: AsyncIterable<unknown> & { controller?: AbortController }): void {
  const accumulator = new AnthropicMessageAccumulator();
  let chunks = 0;
  observeStream(stream, {
    onChunk(event) {
      if (chunks++ === 0) span.addEvent('loupe.stream.first_chunk');
      accumulator.add(event);
    },
    onEnd(end: StreamEnd) {
      try {
        recordMessage(span, params, accumulator.message());
        span.setAttribute('loupe.stream.chunks', chunks);
        // `stream.controller.abort()` (or MessageStream's `abort()`) ends the iteration quietly: a cancel too.
        if (end.kind === 'cancelled' || (end.kind === 'done' && stream.controller?.signal?.aborted)) span.setAttribute('loupe.stream.cancelled', true);
        if (end.kind === 'error') recordError(span, end.error);
      } finally {
        span.end();
      }
    },
  });
}

function traceCreate(messages: MessagesResource, options: TraceAnthropicOptions | undefined): void {
  patchMethod(
    messages,
    'create',
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const loupe: Loupe = loupeOf(options);
        const params = (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as Params;
        return traceCall(
          loupe,
          { name: 'Messages', spanType: 'CHAT_MODEL', inputs: params, attributes: requestAttributes(params) },
          () => original.apply(this, args),
          (span, value) => {
            if (params.stream === true && isEventStream(value)) {
              followStream(span, params, value);
              return 'open';
            }
            recordMessage(span, params, value as Record<string, unknown>);
            return 'end';
          },
        );
      },
  );
}

/**
 * Traces an Anthropic client: every `messages.create` call (streaming or not) becomes a
 * CHAT_MODEL span `Messages` with the request as inputs, the message as outputs, the conversation
 * in the chat format, token usage (cache reads and writes included) and cost. `messages.stream()`
 * and `messages.parse()` go through `create`, so they are traced too, as are `beta.messages`.
 * Returns the same client; calling it twice traces once.
 *
 * @example
 * import Anthropic from '@anthropic-ai/sdk';
 * import { traceAnthropic } from '@loupe/anthropic';
 *
 * const anthropic = traceAnthropic(new Anthropic());
 * const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });
 */
export function traceAnthropic<C extends object>(client: C, options?: TraceAnthropicOptions): C {
  const c = client as { messages?: MessagesResource; beta?: { messages?: MessagesResource } };
  if (c.messages && typeof c.messages === 'object') traceCreate(c.messages, options);
  if (c.beta?.messages && typeof c.beta.messages === 'object') traceCreate(c.beta.messages, options);
  return client;
}
