import { AsyncLocalStorage } from 'node:async_hooks';
import { loupeOf, observeStream, patchMethod, recordError, recordLlm, runInSpan, traceCall, type IntegrationOptions } from '@loupe/sdk/genai';
import type { Loupe, LoupeSpan } from '@loupe/sdk';
import { bareModel, geminiMessages, geminiTools, geminiUsage, mergeGeminiChunks, normalizeContents, type GeminiResponse } from './gemini-chat.js';

/** Options of {@link traceGemini}. */
export type GeminiTraceOptions = IntegrationOptions;

const PROVIDER = 'gemini';

/** The parts of a `GoogleGenAI` client that are traced, typed loosely so every 2.x version fits. */
interface GeminiClientLike {
  models?: object;
  chats?: object;
}

interface GenerateParams {
  model?: string;
  contents?: unknown;
  config?: Record<string, unknown>;
}

/**
 * What a chat session's `sendMessage` tells the `models.generateContent` call it makes: name the
 * span after the chat method and record the message as the user passed it. One token per message,
 * taken by the first model call under it, so the message is one span (not a chat span around a
 * model span), and model calls the user makes further down (tools) are spans of their own.
 */
interface ChatCall {
  name: string;
  inputs: unknown;
  taken: boolean;
}
const chatCalls = new AsyncLocalStorage<ChatCall>();

function takeChatCall(): ChatCall | undefined {
  const call = chatCalls.getStore();
  if (!call || call.taken) return undefined;
  call.taken = true;
  return call;
}

/**
 * Request config without transport details (headers may carry keys) or live objects: a CallableTool
 * (an MCP client's tools) is recorded by its class name; its declarations go to `mlflow.chat.tools`.
 */
function recordedConfig(config: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!config || typeof config !== 'object') return config;
  const { httpOptions: _http, abortSignal: _signal, ...rest } = config;
  if (Array.isArray(rest.tools) && rest.tools.some(isCallableTool)) {
    rest.tools = rest.tools.map((t) => (isCallableTool(t) ? { callable_tool: (t as object).constructor?.name ?? 'CallableTool' } : t));
  }
  return rest;
}

function recordedParams(params: GenerateParams | undefined): unknown {
  if (!params || typeof params !== 'object') return params;
  const config = recordedConfig(params.config);
  return { ...params, ...(config !== undefined ? { config } : {}) };
}

/** The response as returned, without the HTTP headers the SDK attaches. */
function recordedResponse(response: unknown): unknown {
  if (!response || typeof response !== 'object') return response;
  const { sdkHttpResponse: _http, ...rest } = response as Record<string, unknown>;
  return rest;
}

/** What a call's CallableTools did inside it (automatic function calling). */
interface AfcLoop {
  /** The declarations their `tool()` listed. */
  declared: unknown[];
  /** Each `callTool`: the function calls the model made and the response parts the tool gave. */
  exchanges: { calls: unknown[]; parts: unknown[] }[];
}

const newLoop = (): AfcLoop => ({ declared: [], exchanges: [] });

/**
 * The conversation's contents. With automatic function calling the SDK returns the loop's turns as
 * `automaticFunctionCallingHistory` (the request's contents, then each function call and its
 * results); a stream returns none, so the loop's exchanges are added to the request as the SDK adds
 * them to its own requests.
 */
function conversationContents(params: GenerateParams, response: GeminiResponse, loop: AfcLoop): unknown {
  const history = (response as { automaticFunctionCallingHistory?: unknown[] }).automaticFunctionCallingHistory;
  if (Array.isArray(history) && history.length > 0) return history;
  if (loop.exchanges.length === 0) return params.contents;
  const turns = loop.exchanges.flatMap((e) => [
    { role: 'model', parts: e.calls.map((functionCall) => ({ functionCall })) },
    { role: 'user', parts: e.parts },
  ]);
  return [...normalizeContents(params.contents), ...turns];
}

/** A streamed loop's merged answer holds the function calls too: the answer is what follows them. */
function finalAnswer(response: GeminiResponse, loop: AfcLoop): GeminiResponse {
  const candidate = response.candidates?.[0];
  if (loop.exchanges.length === 0 || !candidate?.content?.parts) return response;
  const parts = candidate.content.parts.filter((p) => !(p as { functionCall?: unknown }).functionCall);
  return { ...response, candidates: [{ ...candidate, content: { ...candidate.content, parts } }] };
}

/** The model call's record: model, usage, the conversation and the tools (with those CallableTools declared). */
function recordGeneration(span: LoupeSpan, params: GenerateParams, response: GeminiResponse, loop: AfcLoop = newLoop()): void {
  const tools = [...(Array.isArray(params.config?.tools) ? params.config.tools.filter((t) => !isCallableTool(t)) : []), ...loop.declared];
  recordLlm(span, {
    model: bareModel(response.modelVersion) ?? bareModel(params.model),
    provider: PROVIDER,
    usage: geminiUsage(response.usageMetadata),
    messages: geminiMessages(conversationContents(params, response, loop), params.config, finalAnswer(response, loop)),
    // A streamed call lists the CallableTools' declarations more than once: each tool once.
    tools: geminiTools({ tools }).filter((t, i, all) => all.findIndex((o) => o.function.name === t.function.name) === i),
  });
}

/** A tool the SDK runs itself in automatic function calling (`mcpToTool(...)`, your own `CallableTool`). */
interface CallableToolLike {
  tool(): Promise<unknown>;
  callTool(functionCalls: { name?: string }[]): Promise<unknown>;
}

function isCallableTool(tool: unknown): tool is CallableToolLike {
  return typeof tool === 'object' && tool !== null && typeof (tool as { callTool?: unknown }).callTool === 'function';
}

/**
 * The request with its CallableTools traced: each `callTool` the SDK makes is a TOOL span (named after
 * the functions called, their calls in, the response parts out) under the call's span, and `loop`
 * keeps the declarations `tool()` lists and each exchange. A wrapper's prototype is the original tool, so
 * `instanceof` checks still hold, and its methods run on the original, whose state (an MCP client's
 * listed tools) stays its own. Undefined when the request has no CallableTool.
 */
function withTracedCallables(loupe: Loupe, params: GenerateParams, loop: AfcLoop): GenerateParams | undefined {
  const tools = params.config?.tools;
  if (!Array.isArray(tools) || !tools.some(isCallableTool)) return undefined;
  // The call's span, active now: a stream's loop calls its tools while the caller reads, outside it.
  const call = loupe.getCurrentActiveSpan();
  const inCall = <T>(fn: () => T): T => (call ? runInSpan(call, fn) : fn());
  const traced = tools.map((tool) => {
    if (!isCallableTool(tool)) return tool;
    return Object.create(tool, {
      tool: {
        value: async () => {
          const declaration = await tool.tool();
          loop.declared.push(declaration);
          return declaration;
        },
      },
      callTool: {
        value: (calls: { name?: string }[]) => {
          const names = Array.isArray(calls) ? calls.map((c) => c?.name).filter((n) => typeof n === 'string') : [];
          return inCall(() =>
            traceCall(
              loupe,
              { name: names.length > 0 ? names.join(', ') : 'callTool', spanType: 'TOOL', inputs: calls },
              () => tool.callTool(calls),
              (span, parts) => {
                span.setOutputs(parts);
                if (Array.isArray(calls) && Array.isArray(parts)) loop.exchanges.push({ calls, parts });
              },
            ),
          );
        },
      },
    }) as CallableToolLike;
  });
  return { ...params, config: { ...params.config, tools: traced } };
}

function callSpec(method: string, params: GenerateParams) {
  const chat = takeChatCall();
  return { name: chat?.name ?? method, spanType: 'CHAT_MODEL' as const, inputs: chat ? chat.inputs : recordedParams(params) };
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** The call's arguments with its CallableTools traced (see {@link withTracedCallables}). */
function tracedArgs(loupe: Loupe, args: unknown[], loop: AfcLoop): unknown[] {
  try {
    const traced = withTracedCallables(loupe, (args[0] ?? {}) as GenerateParams, loop);
    return traced ? [traced, ...args.slice(1)] : args;
  } catch (err) {
    loupe.config.diagnostics.warn('@loupe/gemini: tracing CallableTools failed', err);
    return args;
  }
}

function traceGenerate(loupe: Loupe, original: AnyFn): AnyFn {
  return function (this: unknown, ...args: unknown[]) {
    const params = (args[0] ?? {}) as GenerateParams;
    const loop = newLoop();
    return traceCall(
      loupe,
      callSpec('generateContent', params),
      () => original.apply(this, tracedArgs(loupe, args, loop)),
      (span, response) => {
        span.setOutputs(recordedResponse(response));
        recordGeneration(span, params, response as GeminiResponse, loop);
      },
    );
  };
}

function traceGenerateStream(loupe: Loupe, original: AnyFn): AnyFn {
  return function (this: unknown, ...args: unknown[]) {
    const params = (args[0] ?? {}) as GenerateParams;
    const loop = newLoop();
    return traceCall(
      loupe,
      callSpec('generateContentStream', params),
      () => original.apply(this, tracedArgs(loupe, args, loop)),
      (span, stream) => {
        if (!stream || typeof (stream as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return 'end';
        const chunks: GeminiResponse[] = [];
        observeStream(stream as AsyncIterable<GeminiResponse>, {
          onChunk(chunk) {
            if (chunks.length === 0) span.addEvent('loupe.stream.first_chunk');
            chunks.push(chunk);
          },
          onEnd(end) {
            const merged = mergeGeminiChunks(chunks);
            span.setOutputs(merged);
            span.setAttribute('loupe.stream.chunks', chunks.length);
            recordGeneration(span, params, merged, loop);
            if (end.kind === 'error') recordError(span, end.error);
            if (end.kind === 'cancelled') span.setAttribute('loupe.stream.cancelled', true);
            span.end();
          },
        });
        return 'open';
      },
    );
  };
}

function traceEmbed(loupe: Loupe, original: AnyFn): AnyFn {
  return function (this: unknown, ...args: unknown[]) {
    const params = (args[0] ?? {}) as GenerateParams;
    return traceCall(
      loupe,
      { name: 'embedContent', spanType: 'EMBEDDING', inputs: recordedParams(params) },
      () => original.apply(this, args),
      (span, response) => {
        span.setOutputs(recordedResponse(response));
        // The Gemini Developer API reports no token counts for embeddings (so no cost either).
        recordLlm(span, { model: bareModel(params.model), provider: PROVIDER });
      },
    );
  };
}

function traceChatMethod(name: string, original: AnyFn): AnyFn {
  return function (this: unknown, ...args: unknown[]) {
    const { config, ...rest } = (args[0] ?? {}) as { config?: Record<string, unknown> };
    const inputs = { ...rest, ...(config !== undefined ? { config: recordedConfig(config) } : {}) };
    return chatCalls.run({ name, inputs, taken: false }, () => original.apply(this, args));
  };
}

/**
 * Traces a `GoogleGenAI` client (the Gemini Developer API or Vertex AI) in place and returns it:
 * `models.generateContent` and `generateContentStream` become CHAT_MODEL spans with the
 * conversation in Loupe's chat format, function declarations as tools, model, token usage and so
 * cost; `models.embedContent` an EMBEDDING span; each message of a chat session
 * (`chats.create(...).sendMessage` / `sendMessageStream`) one CHAT_MODEL span holding the whole
 * history. With automatic function calling (`mcpToTool(...)` or your own `CallableTool`), each
 * `callTool` the SDK makes is a TOOL span under the call's span. Calling it twice traces once.
 *
 * @example
 * import { GoogleGenAI } from '@google/genai';
 * import { traceGemini } from '@loupe/gemini';
 *
 * const ai = traceGemini(new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY }));
 * const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Why is the sky blue?' });
 */
export function traceGemini<C extends object>(client: C, options?: GeminiTraceOptions): C {
  const loupe = () => loupeOf(options);
  const { models, chats } = client as GeminiClientLike;
  // The instance is looked up at each call, so a client traced before `init()` records into it.
  const lazy = (make: (l: Loupe, original: AnyFn) => AnyFn) => (original: AnyFn) =>
    function (this: unknown, ...args: unknown[]) {
      return make(loupe(), original).apply(this, args);
    };
  if (models) {
    patchMethod(models, 'generateContent', lazy(traceGenerate));
    patchMethod(models, 'generateContentStream', lazy(traceGenerateStream));
    patchMethod(models, 'embedContent', lazy(traceEmbed));
  }
  if (chats) {
    patchMethod(
      chats,
      'create',
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const chat = original.apply(this, args) as object | undefined;
          if (chat && typeof chat === 'object') {
            patchMethod(chat, 'sendMessage', (send) => traceChatMethod('Chat.sendMessage', send));
            patchMethod(chat, 'sendMessageStream', (send) => traceChatMethod('Chat.sendMessageStream', send));
          }
          return chat;
        },
    );
  }
  return client;
}
