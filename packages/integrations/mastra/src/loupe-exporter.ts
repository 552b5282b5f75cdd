import type { AITracingEvent, AITracingExporter, AnyExportedAISpan } from '@mastra/core/ai-tracing';
import type { Loupe, LoupeSpan, SpanTypeName, TokenUsage } from '@loupe/sdk';
import { count, decodeJson, type IntegrationOptions, loupeOf, recordError, recordLlm, runInSpan, type ChatMessage, type ChatTool } from '@loupe/sdk/genai';
import { stepMessage, toChatMessages, toolsOfBody } from './to-chat-messages.js';

/** Options of {@link LoupeExporter}. */
export type LoupeExporterOptions = IntegrationOptions;

/** What a model generation collects from its steps and chunks until it ends. */
interface Generation {
  steps: ChatMessage[];
  toolResults: Map<string, unknown>;
  tools: ChatTool[];
  chunks: number;
  responseModel?: string;
  /** The error an `error` chunk carried (Mastra ends a failed generation without errorInfo). */
  error?: Error;
}

interface Node {
  /** Undefined for Mastra spans that get no Loupe span (chunks): they resolve to their parent. */
  span?: LoupeSpan;
  parentId?: string;
  generation?: Generation;
  agentRun?: boolean;
}

/** How many agent runs ended by the exporter are remembered, so a late end from Mastra is ignored. */
const ENDED_EARLY_LIMIT = 1000;

const TYPES: Record<string, SpanTypeName> = {
  agent_run: 'AGENT',
  model_generation: 'CHAT_MODEL',
  model_step: 'CHAIN',
  tool_call: 'TOOL',
  mcp_tool_call: 'TOOL',
  workflow_run: 'CHAIN',
  workflow_step: 'CHAIN',
  processor_run: 'CHAIN',
};

function usageOf(u: Record<string, unknown> | undefined): TokenUsage | undefined {
  const input = count(u?.inputTokens) ?? count(u?.promptTokens);
  const output = count(u?.outputTokens) ?? count(u?.completionTokens);
  if (input === undefined && output === undefined) return undefined;
  const cached = count(u?.cachedInputTokens) ?? count(u?.promptCacheHitTokens);
  return { input_tokens: input ?? 0, output_tokens: output ?? 0, ...(cached ? { cache_read_input_tokens: cached } : {}) };
}

/** Span inputs: a model step's raw request body as JSON, anything else as Mastra has it. */
function inputsOf(span: AnyExportedAISpan): unknown {
  const input = span.input as { body?: unknown } | undefined;
  return span.type === 'model_step' && input && typeof input === 'object' && 'body' in input ? { body: decodeJson(input.body) } : input;
}

function nameOf(span: AnyExportedAISpan): string {
  const a = (span.attributes ?? {}) as Record<string, unknown>;
  if (span.type === 'agent_run' && typeof a.agentId === 'string') return a.agentId;
  if ((span.type === 'tool_call' || span.type === 'mcp_tool_call') && typeof a.toolId === 'string') return a.toolId;
  return span.name;
}

/** Mastra's metadata without transport details (response headers, raw bodies). */
function metadataOf(span: AnyExportedAISpan): Record<string, unknown> | undefined {
  if (!span.metadata) return undefined;
  const { headers: _h, body: _b, request: _r, ...rest } = span.metadata as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * A Mastra AI-tracing exporter that records Mastra's spans into Loupe: agent runs → AGENT, model
 * generations → CHAT_MODEL (the whole conversation in Loupe's chat format, tools, model, provider,
 * token usage, so cost), their steps → CHAIN, tool calls → TOOL, workflows → CHAIN, nested as Mastra
 * nests them and under the span active where the agent was called.
 *
 * @example
 * const mastra = new Mastra({
 *   agents: { weatherAgent },
 *   observability: { configs: { loupe: { serviceName: 'my-app', exporters: [new LoupeExporter()] } } },
 * });
 */
export class LoupeExporter implements AITracingExporter {
  name = 'loupe';
  private readonly nodes = new Map<string, Node>();
  /** Agent runs this exporter ended on Mastra's behalf (oldest first, bounded). */
  private readonly endedEarly = new Set<string>();
  private readonly options: LoupeExporterOptions;

  constructor(options: LoupeExporterOptions = {}) {
    this.options = options;
  }

  private get loupe(): Loupe {
    return loupeOf(this.options);
  }

  /**
   * Mastra calls this without awaiting it, from inside the traced call: the work is synchronous, so
   * a root span starts under the span active there (the user's `withSpan`).
   */
  exportEvent(event: AITracingEvent): Promise<void> {
    try {
      const span = event.exportedSpan;
      if (event.type === 'span_started') this.started(span);
      else if (event.type === 'span_updated') this.updated(span);
      else if (event.type === 'span_ended') this.ended(span);
    } catch (err) {
      this.warn(err);
    }
    return Promise.resolve();
  }

  /**
   * Runs `fn` with the Loupe span of a Mastra span active, so spans started inside nest under it.
   * Mastra runs a tool's `execute` without an OpenTelemetry context of its own; pass the
   * `tracingContext` Mastra gives `execute` to nest your spans under the TOOL span.
   *
   * @example
   * execute: async ({ context, tracingContext }) => exporter.runInSpan(tracingContext, () => lookup(context.city)),
   */
  runInSpan<T>(tracingContext: { currentSpan?: { id: string } } | undefined, fn: () => T): T {
    const span = tracingContext?.currentSpan ? this.spanOf(tracingContext.currentSpan.id) : undefined;
    return span ? runInSpan(span, fn) : fn();
  }

  async shutdown(): Promise<void> {
    this.nodes.clear();
  }

  private spanOf(id: string | undefined): LoupeSpan | undefined {
    for (let hops = 0; id !== undefined && hops < 64; hops++) {
      const node = this.nodes.get(id);
      if (!node) return undefined;
      if (node.span) return node.span;
      id = node.parentId;
    }
    return undefined;
  }

  private generationOf(id: string | undefined): Generation | undefined {
    for (let hops = 0; id !== undefined && hops < 64; hops++) {
      const node = this.nodes.get(id);
      if (!node) return undefined;
      if (node.generation) return node.generation;
      id = node.parentId;
    }
    return undefined;
  }

  private started(span: AnyExportedAISpan): void {
    if (this.nodes.has(span.id)) return;
    if (span.type === 'model_chunk') {
      this.nodes.set(span.id, { ...(span.parentSpanId ? { parentId: span.parentSpanId } : {}) });
      const gen = this.generationOf(span.parentSpanId);
      const genSpan = this.generationSpan(span.parentSpanId);
      const isError = (span.attributes as { chunkType?: string } | undefined)?.chunkType === 'error';
      if (gen && genSpan && !isError && gen.chunks++ === 0) genSpan.addEvent('loupe.stream.first_chunk', {}, span.startTime);
      return;
    }
    const parent = this.spanOf(span.parentSpanId);
    const metadata = metadataOf(span);
    const loupeSpan = this.loupe.startSpan({
      name: nameOf(span),
      spanType: TYPES[span.type] ?? 'UNKNOWN',
      inputs: inputsOf(span),
      startTime: span.startTime,
      attributes: {
        'mastra.span_type': span.type,
        ...(span.attributes ? { 'mastra.attributes': span.attributes } : {}),
        ...(metadata ? { 'mastra.metadata': metadata } : {}),
      },
      ...(parent ? { parent } : {}),
    });
    const node: Node = { span: loupeSpan, ...(span.parentSpanId ? { parentId: span.parentSpanId } : {}) };
    if (span.type === 'model_generation') node.generation = { steps: [], toolResults: new Map(), tools: [], chunks: 0 };
    if (span.type === 'agent_run') node.agentRun = true;
    this.nodes.set(span.id, node);
  }

  private generationSpan(id: string | undefined): LoupeSpan | undefined {
    for (let hops = 0; id !== undefined && hops < 64; hops++) {
      const node = this.nodes.get(id);
      if (!node) return undefined;
      if (node.generation) return node.span;
      id = node.parentId;
    }
    return undefined;
  }

  private updated(span: AnyExportedAISpan): void {
    const node = this.nodes.get(span.id);
    if (!node?.span) return;
    if (span.input !== undefined) node.span.setInputs(inputsOf(span));
    if (span.attributes) node.span.setAttribute('mastra.attributes', span.attributes);
  }

  private ended(span: AnyExportedAISpan): void {
    if (this.endedEarly.delete(span.id)) return;
    if (!this.nodes.has(span.id)) this.started(span);
    const node = this.nodes.get(span.id);
    if (!node) return;
    this.nodes.delete(span.id);
    if (span.type === 'model_chunk') {
      this.chunkEnded(span);
      return;
    }
    const loupeSpan = node.span;
    if (!loupeSpan) return;
    let error: Error | undefined;
    try {
      if (span.output !== undefined) loupeSpan.setOutputs(span.output);
      if (span.attributes) loupeSpan.setAttribute('mastra.attributes', span.attributes);
      const metadata = metadataOf(span);
      if (metadata) loupeSpan.setAttribute('mastra.metadata', metadata);
      if (span.type === 'model_step') this.stepEnded(span);
      if (node.generation) this.generationEnded(loupeSpan, span, node.generation);
      if (span.errorInfo) error = errorOf(span.errorInfo);
      else if ((span.attributes as { finishReason?: string } | undefined)?.finishReason === 'error') {
        error = (node.generation ?? this.generationOf(span.parentSpanId))?.error ?? new Error('model call failed');
      }
      if (error) recordError(loupeSpan, error);
    } catch (err) {
      this.warn(err);
    }
    loupeSpan.end(span.endTime ? { endTime: span.endTime } : undefined);
    if (error && node.generation) this.agentRunFailed(span.parentSpanId, error, span.endTime);
  }

  /**
   * A failed generation ends its agent run: Mastra 0.24 returns from the run's finish handler on an
   * error without ending the agent_run span (the caller gets the error), so the AGENT span would
   * never be exported and the run's spans would hang under a parent the trace does not have. The
   * generation already covered the model's retries and fallbacks, so nothing else runs in this run.
   */
  private agentRunFailed(agentId: string | undefined, error: Error, endTime: Date | undefined): void {
    const agent = agentId === undefined ? undefined : this.nodes.get(agentId);
    if (!agent?.agentRun || !agent.span) return;
    this.nodes.delete(agentId!);
    this.endedEarly.add(agentId!);
    if (this.endedEarly.size > ENDED_EARLY_LIMIT) this.endedEarly.delete(this.endedEarly.values().next().value!);
    recordError(agent.span, error);
    agent.span.end(endTime ? { endTime } : undefined);
  }

  private chunkEnded(span: AnyExportedAISpan): void {
    const out = span.output as { toolCallId?: unknown; result?: unknown; error?: unknown } | undefined;
    const gen = this.generationOf(span.parentSpanId);
    if (gen && (span.attributes as { chunkType?: string } | undefined)?.chunkType === 'error') gen.error = chunkError(out?.error);
    if (gen && (span.attributes as { chunkType?: string } | undefined)?.chunkType === 'tool-result' && typeof out?.toolCallId === 'string')
      gen.toolResults.set(out.toolCallId, out.result);
  }

  private stepEnded(span: AnyExportedAISpan): void {
    const gen = this.generationOf(span.parentSpanId);
    if (!gen) return;
    const message = stepMessage(span.output as { text?: unknown; toolCalls?: unknown } | undefined);
    if (message) gen.steps.push(message);
    if (gen.tools.length === 0) gen.tools = toolsOfBody((span.input as { body?: unknown } | undefined)?.body);
    const modelId = (span.metadata as { modelId?: unknown } | undefined)?.modelId;
    if (typeof modelId === 'string') gen.responseModel = modelId;
  }

  /** The conversation: the request, then each step's answer followed by its tools' results. */
  private generationEnded(loupeSpan: LoupeSpan, span: AnyExportedAISpan, gen: Generation): void {
    const a = (span.attributes ?? {}) as { model?: string; provider?: string; usage?: Record<string, unknown>; streaming?: boolean };
    const messages = toChatMessages((span.input as { messages?: unknown } | undefined)?.messages);
    for (const step of gen.steps) {
      messages.push(step);
      for (const call of step.tool_calls ?? []) {
        if (gen.toolResults.has(call.id))
          messages.push({
            role: 'tool',
            tool_call_id: call.id,
            content: typeof gen.toolResults.get(call.id) === 'string' ? (gen.toolResults.get(call.id) as string) : JSON.stringify(gen.toolResults.get(call.id)),
          });
      }
    }
    recordLlm(loupeSpan, {
      model: gen.responseModel ?? a.model,
      // The model router reports `openai` or AI SDK provider ids such as `openai.chat`.
      provider: a.provider?.split('.')[0],
      usage: usageOf(a.usage),
      messages,
      tools: gen.tools,
    });
    if (gen.chunks > 0) loupeSpan.setAttribute('loupe.stream.chunks', gen.chunks);
  }

  private warn(err: unknown): void {
    try {
      this.loupe.config.diagnostics.warn('@loupe/mastra: recording a span failed', err);
    } catch {
      // Tracing never throws into Mastra.
    }
  }
}

/** Mastra's error info as an Error for the span's exception event (with the HTTP status if it had one). */
function errorOf(info: NonNullable<AnyExportedAISpan['errorInfo']>): Error {
  const err = new Error(info.message);
  if (info.id) err.name = info.id;
  const status =
    (info.details as { statusCode?: unknown; status?: unknown } | undefined)?.statusCode ?? (info.details as { status?: unknown } | undefined)?.status;
  return Object.assign(err, typeof status === 'number' ? { status } : {});
}

/** The error of an `error` chunk (an Error, or its fields as Mastra exported them: 0.24.0 drops the message). */
function chunkError(error: unknown): Error {
  if (error instanceof Error) return error;
  const e = (error ?? {}) as { name?: unknown; message?: unknown; statusCode?: unknown; responseBody?: unknown };
  let message = typeof e.message === 'string' ? e.message : undefined;
  if (message === undefined && typeof e.responseBody === 'string') {
    try {
      const body = JSON.parse(e.responseBody) as { error?: { message?: unknown } };
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // Not JSON: no message from it.
    }
  }
  const err = new Error(message ?? 'model call failed');
  if (typeof e.name === 'string') err.name = e.name;
  return Object.assign(err, typeof e.statusCode === 'number' ? { status: e.statusCode } : {});
}
