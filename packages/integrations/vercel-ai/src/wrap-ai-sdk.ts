import type { Loupe } from '@loupe/sdk';
import { loupeOf, observeStream, type IntegrationOptions } from '@loupe/sdk/genai';
import { AiSdkSpan, LoupeAiTracer } from './loupe-ai-tracer.js';

/** Options of {@link wrapAISDK} and {@link loupeTelemetry}. */
export type AISDKTraceOptions = IntegrationOptions;

/**
 * The AI SDK functions {@link wrapAISDK} wraps (those that take `experimental_telemetry`).
 *
 * @example
 * TRACED_FUNCTIONS.includes('streamText'); // true
 */
export const TRACED_FUNCTIONS = ['generateText', 'streamText', 'generateObject', 'streamObject', 'embed', 'embedMany', 'rerank'] as const;
type TracedName = (typeof TRACED_FUNCTIONS)[number];

/** The wrapped functions and `ToolLoopAgent`, typed exactly as the `ai` module you passed types them. */
export type WrappedAISDK<T> = Pick<T, Extract<keyof T, TracedName | 'ToolLoopAgent'>>;

/**
 * The `experimental_telemetry` settings that record an AI SDK call into Loupe, for calls you make
 * without {@link wrapAISDK} (an `Agent`, a `ToolLoopAgent`, a function Loupe does not wrap). Add
 * `functionId` or `metadata` as you like.
 *
 * @example
 * import { generateText } from 'ai';
 * await generateText({ model, prompt: 'Hi', experimental_telemetry: { ...loupeTelemetry(), functionId: 'greet' } });
 */
export function loupeTelemetry(options?: AISDKTraceOptions): { isEnabled: true; tracer: LoupeAiTracer } {
  return { isEnabled: true, tracer: new LoupeAiTracer(() => loupeOf(options)) };
}

type AnyFn = (...args: unknown[]) => unknown;

/** The AI SDK span the model is called in (the model wrapper's calls run inside it). */
function activeAiSpan(options: AISDKTraceOptions | undefined): AiSdkSpan | undefined {
  const active = loupeOf(options).getCurrentActiveSpan()?.otelSpan;
  return active instanceof AiSdkSpan ? active : undefined;
}

/** The model's stream read through, telling the span about chunks, errors and an early cancel. */
function observeModelStream(stream: ReadableStream<unknown>, span: AiSdkSpan | undefined): ReadableStream<unknown> {
  if (!span || typeof stream?.getReader !== 'function') return stream;
  const reader = stream.getReader();
  return new ReadableStream<unknown>({
    async pull(controller) {
      let step: { done: boolean; value?: unknown };
      try {
        step = await reader.read();
      } catch (error) {
        span.noteError(error);
        controller.error(error);
        return;
      }
      if (step.done) {
        controller.close();
        return;
      }
      const part = step.value as { type?: string; error?: unknown } | undefined;
      if (part?.type === 'error') span.noteError(part.error);
      else {
        if (part?.type === 'finish') span.noteUsage((part as { usage?: unknown }).usage);
        if (part?.type !== 'stream-start' && part?.type !== 'raw') span.noteChunk();
      }
      controller.enqueue(step.value);
    },
    cancel(reason) {
      span.noteCancelled();
      return reader.cancel(reason);
    },
  });
}

const tracedModels = new WeakMap<object, object>();

/**
 * The model object with its `doGenerate` / `doStream` / `doEmbed` observed from the inside: the AI
 * SDK's telemetry records a failure's name and message only, and no stream chunk counts. Every
 * other property reads through to the model itself, so the AI SDK sees the same model.
 */
function traceModel(model: unknown, options: AISDKTraceOptions | undefined): unknown {
  if (!model || typeof model !== 'object') return model;
  const cached = tracedModels.get(model);
  if (cached) return cached;
  const call =
    (fn: AnyFn) =>
    async (...args: unknown[]) => {
      const span = activeAiSpan(options);
      try {
        const result = await fn(...args);
        span?.noteUsage((result as { usage?: unknown } | undefined)?.usage);
        return result;
      } catch (error) {
        span?.noteError(error);
        throw error;
      }
    };
  const stream =
    (fn: AnyFn) =>
    async (...args: unknown[]) => {
      const span = activeAiSpan(options);
      let result: { stream?: ReadableStream<unknown> };
      try {
        result = (await fn(...args)) as { stream?: ReadableStream<unknown> };
      } catch (error) {
        span?.noteError(error);
        throw error;
      }
      return result && result.stream ? { ...result, stream: observeModelStream(result.stream, span) } : result;
    };
  const bound = new Map<PropertyKey, unknown>();
  const proxy = new Proxy(model, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      if (!bound.has(key)) {
        const fn = (value as AnyFn).bind(target);
        bound.set(key, key === 'doGenerate' || key === 'doEmbed' ? call(fn) : key === 'doStream' ? stream(fn) : fn);
      }
      return bound.get(key);
    },
  });
  tracedModels.set(model, proxy);
  return proxy;
}

/** The call's parameters with Loupe's telemetry (unless the caller turned telemetry off). */
function withLoupe(params: unknown, tracer: LoupeAiTracer, options: AISDKTraceOptions | undefined): unknown {
  if (!params || typeof params !== 'object') return params;
  const p = params as { model?: unknown; experimental_telemetry?: { isEnabled?: boolean } };
  if (p.experimental_telemetry?.isEnabled === false) return params;
  return {
    ...p,
    model: traceModel(p.model, options),
    experimental_telemetry: { recordInputs: true, recordOutputs: true, ...p.experimental_telemetry, isEnabled: true, tracer },
  };
}

/** The streams of a `streamText` / `streamObject` result that a reader may stop early. */
const RESULT_STREAMS = ['textStream', 'fullStream', 'partialOutputStream', 'experimental_partialOutputStream', 'elementStream', 'partialObjectStream'];

function getterOf(target: object, key: string): (() => unknown) | undefined {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d.get;
  }
  return undefined;
}

/**
 * Watches the result's streams in place (same object, same streams): when a reader stops one early
 * (`break`), the call's spans still open are ended as cancelled, since the AI SDK keeps them open
 * while the rest of its stream waits to be read.
 */
function endOnCancel(result: unknown, open: Set<AiSdkSpan>): void {
  if (!result || typeof result !== 'object') return;
  for (const key of RESULT_STREAMS) {
    const get = getterOf(result, key);
    if (!get) continue;
    Object.defineProperty(result, key, {
      configurable: true,
      enumerable: false,
      get() {
        const stream = get.call(result) as AsyncIterable<unknown> | undefined;
        if (!stream || typeof stream[Symbol.asyncIterator] !== 'function') return stream;
        return observeStream(stream, {
          onChunk() {},
          onEnd(end) {
            if (end.kind !== 'cancelled') return;
            // Children first, so each parent ends after the spans it holds.
            for (const span of [...open].reverse()) span.cancel();
          },
        });
      },
    });
  }
}

interface AgentSettings {
  id?: string;
  model?: unknown;
  experimental_telemetry?: { isEnabled?: boolean; functionId?: string };
}
interface AgentLike {
  settings: AgentSettings;
  generate(options: Record<string, unknown>): Promise<unknown>;
  stream(options: Record<string, unknown>): Promise<unknown>;
}
type AgentClass = new (settings: AgentSettings) => AgentLike;

/**
 * `ToolLoopAgent` recording into Loupe: each `generate` / `stream` is an AGENT span (named after the
 * agent's `id`) over its model calls and tool executions, as the wrapped functions record theirs.
 * The agent passes call options over its settings to `generateText` / `streamText`, so each call
 * gets its own tracer and the traced model there; telemetry turned off in the settings or the call
 * is left off.
 */
function tracedAgentClass(Base: AgentClass, loupe: () => Loupe, options: AISDKTraceOptions | undefined): AgentClass {
  const withTracing = (agent: AgentLike, call: Record<string, unknown>, open: Set<AiSdkSpan>) => {
    try {
      const settings = agent.settings ?? {};
      const telemetry: { isEnabled?: boolean } = {
        ...(settings.id ? { functionId: settings.id } : {}),
        ...settings.experimental_telemetry,
        ...(call.experimental_telemetry as object | undefined),
      };
      if (telemetry.isEnabled === false) return call;
      const traced = withLoupe(
        { model: call.model ?? settings.model, experimental_telemetry: telemetry },
        new LoupeAiTracer(loupe, open, 'AGENT'),
        options,
      ) as Record<string, unknown>;
      return { ...call, model: traced.model, experimental_telemetry: traced.experimental_telemetry };
    } catch {
      // Tracing must not break the call: it runs as without Loupe.
      return call;
    }
  };
  return class ToolLoopAgent extends Base {
    override generate(call: Record<string, unknown>): Promise<unknown> {
      return super.generate(withTracing(this, call ?? {}, new Set()));
    }

    override async stream(call: Record<string, unknown>): Promise<unknown> {
      const open = new Set<AiSdkSpan>();
      const result = await super.stream(withTracing(this, call ?? {}, open));
      try {
        endOnCancel(result, open);
      } catch {
        // Tracing must not break the call.
      }
      return result;
    }
  };
}

/**
 * The AI SDK's `generateText`, `streamText`, `generateObject`, `streamObject`, `embed`, `embedMany`
 * and `rerank`, and its `ToolLoopAgent` class, recording into Loupe: each call is a CHAIN span (an
 * agent's an AGENT span), each model call (step) under it a CHAT_MODEL span with the chat format,
 * model, usage and cost, each tool execution a TOOL span (your spans inside `execute` nest under it).
 * Same signatures and results as the originals; a call with `experimental_telemetry: { isEnabled:
 * false }` is not recorded.
 *
 * @example
 * import * as ai from 'ai';
 * import { wrapAISDK } from '@loupe/vercel-ai';
 *
 * const { generateText, streamText } = wrapAISDK(ai);
 * const { text } = await generateText({ model: openai('gpt-4o-mini'), prompt: 'Hi' });
 */
export function wrapAISDK<T extends object>(ai: T, options?: AISDKTraceOptions): WrappedAISDK<T> {
  const loupe = () => loupeOf(options);
  const out: Record<string, unknown> = {};
  for (const name of TRACED_FUNCTIONS) {
    const original = (ai as Record<string, unknown>)[name];
    if (typeof original !== 'function') continue;
    out[name] = function (this: unknown, params: unknown, ...rest: unknown[]) {
      // A tracer per call, so the call's open spans are known.
      const open = new Set<AiSdkSpan>();
      const result = (original as AnyFn).call(this, withLoupe(params, new LoupeAiTracer(loupe, open), options), ...rest);
      try {
        endOnCancel(result, open);
      } catch {
        // Tracing must not break the call.
      }
      return result;
    };
  }
  const Agent = (ai as { ToolLoopAgent?: unknown }).ToolLoopAgent;
  if (typeof Agent === 'function') out.ToolLoopAgent = tracedAgentClass(Agent as AgentClass, loupe, options);
  return out as WrappedAISDK<T>;
}
