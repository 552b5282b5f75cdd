import {
  CHAT_ATTRIBUTES,
  loupeOf,
  observeStream,
  recordError,
  recordLlm,
  traceCall,
  type IntegrationOptions,
  type LlmDetails,
  type StreamEnd,
} from '@loupe/sdk/genai';
import { SpanAttributeKey, type LoupeSpan, type SpanTypeName } from '@loupe/sdk';
import { converseAnswer, converseRequestMessages, ConverseStreamAccumulator, converseTools, converseUsage } from './converse.js';
import {
  countedUsage,
  decodeBody,
  familyOf,
  invokeDetails,
  invokeRequestMessages,
  InvokeStreamAccumulator,
  invokeSpanType,
  type BodyFamily,
} from './invoke-model.js';
import { jsonSafe } from './json-safe.js';

/** Options of {@link traceBedrock}. */
export type TraceBedrockOptions = IntegrationOptions;

const PROVIDER = 'bedrock';
const MIDDLEWARE_NAME = 'loupeTracingMiddleware';

type Json = Record<string, unknown>;
type Handler = (args: { input: Json }) => Promise<{ output: Json; response?: unknown }>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;

/** What `traceBedrock` needs of a client: the AWS SDK v3 middleware stack every client and command has. */
export interface BedrockClientLike {
  middlewareStack: {
    add(middleware: Middleware, options: { step: 'initialize'; priority: 'high'; name: string; override?: boolean }): void;
    identify?(): string[];
  };
}

function headerOf(response: unknown, name: string): string | undefined {
  const headers = typeof response === 'object' && response !== null ? (response as { headers?: Record<string, unknown> }).headers : undefined;
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key ? headers[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The output without the SDK's `$metadata` (request id, attempts): the provider's response. */
function responseOf(output: Json): Json {
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

/**
 * Follows an event stream as its reader consumes it; the span ends with the stream, recording
 * what `finish` makes of the events that arrived.
 */
function follow(span: LoupeSpan, stream: AsyncIterable<unknown>, add: (event: unknown) => void, finish: () => { outputs: unknown; details: LlmDetails }): void {
  let chunks = 0;
  observeStream(stream, {
    onChunk(event) {
      if (chunks++ === 0) span.addEvent('loupe.stream.first_chunk');
      add(event);
    },
    onEnd(end: StreamEnd) {
      try {
        const { outputs, details } = finish();
        span.setOutputs(outputs);
        recordLlm(span, details);
        span.setAttribute('loupe.stream.chunks', chunks);
        if (end.kind === 'cancelled') span.setAttribute('loupe.stream.cancelled', true);
        if (end.kind === 'error') recordError(span, end.error);
      } finally {
        span.end();
      }
    },
  });
}

function isStream(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** One traced command: its span at the start, and how its answer is recorded. */
interface CommandTrace {
  name: string;
  spanType: SpanTypeName;
  inputs: unknown;
  attributes: Json;
  record(span: LoupeSpan, output: Json, response: unknown): 'end' | 'open';
}

function converseTrace(name: string, input: Json, streaming: boolean): CommandTrace {
  const model = String(input.modelId ?? '');
  const request = converseRequestMessages(input);
  const tools = converseTools(input);
  const details = (response: unknown): LlmDetails => {
    const answer = converseAnswer(response);
    return { model, provider: PROVIDER, usage: converseUsage((response as Json).usage), messages: [...request, ...(answer ? [answer] : [])], tools };
  };
  return {
    name,
    spanType: 'CHAT_MODEL',
    inputs: jsonSafe(input),
    attributes: { [CHAT_ATTRIBUTES.MESSAGES]: request, ...(tools.length > 0 ? { [CHAT_ATTRIBUTES.TOOLS]: tools } : {}) },
    record(span, output) {
      if (streaming && isStream(output.stream)) {
        const acc = new ConverseStreamAccumulator();
        follow(
          span,
          output.stream,
          (e) => acc.add(e),
          () => ({ outputs: acc.response(), details: details(acc.response()) }),
        );
        return 'open';
      }
      const response = responseOf(output);
      span.setOutputs(jsonSafe(response));
      recordLlm(span, details(response));
      return 'end';
    },
  };
}

function invokeTrace(name: string, input: Json, streaming: boolean): CommandTrace {
  const model = String(input.modelId ?? '');
  const body = decodeBody(input.body);
  const family: BodyFamily = familyOf(model, body);
  const request = invokeRequestMessages(family, body);
  return {
    name,
    spanType: invokeSpanType(model, family),
    inputs: jsonSafe({ ...input, body }),
    attributes: request ? { [CHAT_ATTRIBUTES.MESSAGES]: request } : {},
    record(span, output, response) {
      if (streaming && isStream(output.body)) {
        const acc = new InvokeStreamAccumulator(family);
        follow(
          span,
          output.body,
          (e) => acc.add(e),
          () => {
            const answer = acc.response();
            const details = invokeDetails(model, family, body, family === 'other' ? undefined : answer, undefined);
            return { outputs: answer, details: { ...details, provider: PROVIDER, usage: details.usage ?? acc.metricsUsage() } };
          },
        );
        return 'open';
      }
      const answer = decodeBody(output.body);
      const headerUsage = countedUsage({
        input: headerOf(response, 'x-amzn-bedrock-input-token-count'),
        output: headerOf(response, 'x-amzn-bedrock-output-token-count'),
      });
      span.setOutputs(jsonSafe({ ...responseOf(output), body: answer }));
      recordLlm(span, { ...invokeDetails(model, family, body, answer, headerUsage), provider: PROVIDER });
      return 'end';
    },
  };
}

const COMMANDS: Record<string, (input: Json) => CommandTrace> = {
  ConverseCommand: (input) => converseTrace('Converse', input, false),
  ConverseStreamCommand: (input) => converseTrace('ConverseStream', input, true),
  InvokeModelCommand: (input) => invokeTrace('InvokeModel', input, false),
  InvokeModelWithResponseStreamCommand: (input) => invokeTrace('InvokeModelWithResponseStream', input, true),
};

function tracingMiddleware(options: TraceBedrockOptions | undefined): Middleware {
  return (next, context) => (args) => {
    const make = context.commandName ? COMMANDS[context.commandName] : undefined;
    if (!make) return next(args);
    let command: CommandTrace;
    try {
      command = make(args.input ?? {});
    } catch {
      return next(args);
    }
    const model = typeof args.input?.modelId === 'string' ? args.input.modelId : undefined;
    return traceCall(
      loupeOf(options),
      {
        name: command.name,
        spanType: command.spanType,
        inputs: command.inputs,
        attributes: { [SpanAttributeKey.LLM_PROVIDER]: PROVIDER, ...(model ? { [SpanAttributeKey.LLM_MODEL]: model } : {}), ...command.attributes },
      },
      () => next(args),
      (span, result) => command.record(span, result.output, result.response),
    );
  };
}

/**
 * Traces a Bedrock Runtime client (`BedrockRuntimeClient` or the aggregated `BedrockRuntime`):
 * Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream calls become spans with
 * inputs, outputs, model, chat, token usage and cost. Claude's InvokeModel bodies (Anthropic
 * Messages) and Amazon Nova's give chat and usage; other families their raw bodies and token
 * counts. It adds a middleware to the client's own middleware stack, the AWS SDK's extension
 * point, so every way of sending a command is traced; other commands pass untouched. Returns the
 * same client; calling it twice traces once.
 *
 * @example
 * import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
 * import { traceBedrock } from '@loupe/bedrock';
 *
 * const bedrock = traceBedrock(new BedrockRuntimeClient({ region: 'us-east-1' }));
 * await bedrock.send(new ConverseCommand({ modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0', messages: [{ role: 'user', content: [{ text: 'Hello' }] }] }));
 */
export function traceBedrock<C extends object>(client: C, options?: TraceBedrockOptions): C {
  const stack = (client as Partial<BedrockClientLike>).middlewareStack;
  if (!stack || typeof stack.add !== 'function') return client;
  if (stack.identify?.().some((entry) => entry.startsWith(MIDDLEWARE_NAME))) return client;
  // 'initialize', high priority: the outermost middleware, so the span covers retries, signing and parsing.
  stack.add(tracingMiddleware(options), { step: 'initialize', priority: 'high', name: MIDDLEWARE_NAME });
  return client;
}
