import {
  decodeJson,
  type IntegrationOptions,
  isObject,
  loupeOf,
  openAIChatMessage,
  openAIResponseAnswer,
  openAIResponseItems,
  openAITools,
  openAIUsage,
  recordLlm,
} from '@loupe/sdk/genai';
import { SpanAttributeKey, type Loupe, type LoupeSpan } from '@loupe/sdk';
import type { Span, Trace, TracingProcessor } from '@openai/agents';

type AnySpan = Span<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Json = Record<string, unknown>;

/** One Agents SDK span or trace as Loupe sees it; task and turn spans have no Loupe span of their own. */
interface Node {
  span?: LoupeSpan;
  parent?: Node;
  traceId: string;
  /** The workflow root and agent spans show their run's first input and last answer. */
  summarises: boolean;
  hasInputs?: boolean;
}

// The Agents SDK's bookkeeping spans: a run (`task`) and each of its turns (`turn`). Their children
// are hung on the nearest real span so a run reads AGENT > (model, tool, model) as in the SDK's docs.
const FOLDED = new Set(['task', 'turn']);
const PROVIDER = 'openai';

/**
 * A `TracingProcessor` for the OpenAI Agents SDK that records its traces as Loupe spans: the trace
 * as a CHAIN span (the workflow), agents as AGENT, model calls (`response`, `generation`) as
 * CHAT_MODEL with model, usage and chat, tools (`function`) as TOOL, handoffs and guardrails as
 * CHAIN / EVALUATOR, custom spans as UNKNOWN. A trace that starts while a Loupe span is active
 * (the user's `withSpan` around `run()`) nests under it. Register it with `traceOpenAIAgents()`.
 *
 * @example
 * import { addTraceProcessor } from '@openai/agents';
 * addTraceProcessor(new LoupeTracingProcessor());
 */
export class LoupeTracingProcessor implements TracingProcessor {
  private readonly nodes = new Map<string, Node>();

  constructor(private readonly options: IntegrationOptions = {}) {}

  private get loupe(): Loupe {
    return loupeOf(this.options);
  }

  /**
   * The Loupe span recording an Agents SDK span (for a run's or turn's bookkeeping span: the one its
   * children hang on), while it is open. Code inside a tool runs in the context of the `run()` call,
   * not of the tool's span, so this is how to nest your own spans under the tool.
   *
   * @example
   * execute: async (input) => loupe.withSpan(() => lookup(input), { name: 'lookup', parent: processor.loupeSpanOf(getCurrentSpan()) }),
   */
  loupeSpanOf(span: { spanId: string } | { traceId: string } | null | undefined): LoupeSpan | undefined {
    if (!span) return undefined;
    const node = 'spanId' in span ? this.nodes.get(span.spanId) : this.nodes.get(span.traceId);
    return node ? hostOf(node) : undefined;
  }

  async onTraceStart(trace: Trace): Promise<void> {
    this.guard('trace start', () => {
      if (trace.traceId === 'no-op' || this.nodes.has(trace.traceId)) return;
      const attributes: Json = { 'openai_agents.trace_id': trace.traceId };
      if (trace.groupId) attributes['openai_agents.group_id'] = trace.groupId;
      if (trace.metadata && Object.keys(trace.metadata).length > 0) attributes['openai_agents.metadata'] = trace.metadata;
      // No parent given: the span active now (the caller of run()) is the parent.
      const span = this.loupe.startSpan({ name: trace.name || 'Agent workflow', spanType: 'CHAIN', attributes });
      this.nodes.set(trace.traceId, { span, traceId: trace.traceId, summarises: true });
    });
  }

  async onTraceEnd(trace: Trace): Promise<void> {
    this.guard('trace end', () => {
      const root = this.nodes.get(trace.traceId);
      if (!root) return;
      // Spans the SDK never ended (an aborted run) end with their trace.
      for (const [id, node] of this.nodes) {
        if (node.traceId === trace.traceId && node !== root) {
          node.span?.end();
          this.nodes.delete(id);
        }
      }
      root.span?.end();
      this.nodes.delete(trace.traceId);
    });
  }

  async onSpanStart(span: AnySpan): Promise<void> {
    this.guard('span start', () => {
      const data = span.spanData as Json & { type: string };
      const parent = (span.parentId ? this.nodes.get(span.parentId) : undefined) ?? this.nodes.get(span.traceId);
      if (!parent || this.nodes.has(span.spanId)) return;
      if (FOLDED.has(data.type)) {
        this.nodes.set(span.spanId, { parent, traceId: span.traceId, summarises: false });
        return;
      }
      const [name, spanType] = nameAndType(data);
      // Started now rather than at the SDK's `startedAt`: that is ISO text with whole milliseconds,
      // which would misorder spans begun in the same millisecond (the processor runs as the span starts).
      const loupeSpan = this.loupe.startSpan({
        name,
        spanType,
        parent: hostOf(parent),
        attributes: { 'openai_agents.span_type': data.type, 'openai_agents.span_id': span.spanId },
      });
      this.nodes.set(span.spanId, { span: loupeSpan, parent, traceId: span.traceId, summarises: data.type === 'agent' });
    });
  }

  async onSpanEnd(span: AnySpan): Promise<void> {
    this.guard('span end', () => {
      const node = this.nodes.get(span.spanId);
      if (!node) return;
      this.nodes.delete(span.spanId);
      if (!node.span) return;
      record(node, span.spanData as Json & { type: string });
      const error = span.error;
      if (error) {
        node.span.recordException(new Error(error.message));
        if (error.data) node.span.setAttribute('openai_agents.error', error.data);
      }
      node.span.end();
    });
  }

  async shutdown(): Promise<void> {
    await this.loupe.flushTraces();
  }

  async forceFlush(): Promise<void> {
    await this.loupe.flushTraces();
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.loupe.config.diagnostics.warn(`integration openai-agents: ${what} failed`, err);
    }
  }
}

function hostOf(node: Node): LoupeSpan | undefined {
  for (let n: Node | undefined = node; n; n = n.parent) if (n.span) return n.span;
  return undefined;
}

function nameAndType(data: Json & { type: string }): [string, string] {
  const name = typeof data.name === 'string' && data.name ? data.name : undefined;
  switch (data.type) {
    case 'agent':
      return [name ?? 'Agent', 'AGENT'];
    case 'response':
      return ['Response', 'CHAT_MODEL'];
    case 'generation':
      return ['Generation', 'CHAT_MODEL'];
    case 'function':
      return [name ?? 'tool', 'TOOL'];
    case 'handoff':
      return [typeof data.to_agent === 'string' ? `Handoff → ${data.to_agent}` : 'Handoff', 'CHAIN'];
    case 'guardrail':
      return [name ?? 'Guardrail', 'EVALUATOR'];
    case 'mcp_tools':
      return [`MCP list tools${typeof data.server === 'string' ? ` (${data.server})` : ''}`, 'TOOL'];
    case 'transcription':
    case 'speech':
      return [data.type === 'speech' ? 'Speech' : 'Transcription', 'LLM'];
    default:
      return [name ?? data.type, 'UNKNOWN'];
  }
}

/** Records a span's data when it ends (the SDK fills most of it in while the span runs). */
function record(node: Node, data: Json & { type: string }): void {
  const span = node.span!;
  switch (data.type) {
    case 'agent':
      span.setAttributes({
        'openai_agents.tools': data.tools ?? [],
        'openai_agents.handoffs': data.handoffs ?? [],
        ...(data.output_type ? { 'openai_agents.output_type': data.output_type } : {}),
      });
      return;
    case 'response': {
      const response = isObject(data._response) ? data._response : undefined;
      const request = [
        ...(typeof response?.instructions === 'string' && response.instructions ? [{ role: 'system' as const, content: response.instructions }] : []),
        ...openAIResponseItems(data._input),
      ];
      const answer = openAIResponseAnswer(response);
      if (data._input !== undefined) span.setInputs(data._input);
      if (response) span.setOutputs(response);
      if (data.response_id) span.setAttribute('openai_agents.response_id', data.response_id);
      recordLlm(span, {
        model: typeof response?.model === 'string' ? response.model : undefined,
        provider: PROVIDER,
        usage: openAIUsage(response?.usage),
        messages: [...request, ...(answer ? [answer] : [])],
        tools: openAITools(response?.tools),
      });
      summarise(node, request, answer);
      return;
    }
    case 'generation': {
      const completion = Array.isArray(data.output) ? data.output[0] : undefined;
      const request = (Array.isArray(data.input) ? data.input : []).map(openAIChatMessage).filter((m) => m !== undefined);
      const choice = isObject(completion) && Array.isArray(completion.choices) ? completion.choices[0] : undefined;
      const answer = isObject(choice) ? openAIChatMessage({ role: 'assistant', ...(isObject(choice.message) ? choice.message : {}) }) : undefined;
      if (data.input !== undefined) span.setInputs(data.input);
      if (data.output !== undefined) span.setOutputs(data.output);
      if (data.model_config) span.setAttribute('openai_agents.model_config', data.model_config);
      const model = isObject(completion) && typeof completion.model === 'string' ? completion.model : typeof data.model === 'string' ? data.model : undefined;
      recordLlm(span, {
        model,
        provider: PROVIDER,
        usage: openAIUsage(isObject(completion) && completion.usage ? completion.usage : data.usage),
        messages: [...request, ...(answer ? [answer] : [])],
      });
      summarise(node, request, answer);
      return;
    }
    case 'function':
      span.setInputs(decodeJson(data.input));
      span.setOutputs(decodeJson(data.output));
      if (data.mcp_data) span.setAttribute('openai_agents.mcp_data', data.mcp_data);
      return;
    case 'handoff':
      // The SDK learns the target agent after the span started.
      if (typeof data.to_agent === 'string') span.otelSpan.updateName(`Handoff → ${data.to_agent}`);
      span.setInputs({ from_agent: data.from_agent });
      span.setOutputs({ to_agent: data.to_agent });
      return;
    case 'guardrail':
      span.setOutputs({ triggered: data.triggered });
      return;
    case 'custom':
      if (isObject(data.data)) span.setOutputs(data.data);
      return;
    default: {
      const { type: _type, ...rest } = data;
      if ('input' in rest) span.setInputs(rest.input);
      if ('output' in rest) span.setOutputs(rest.output);
      else if ('result' in rest) span.setOutputs(rest.result);
      if (typeof rest.model === 'string') span.setAttribute(SpanAttributeKey.LLM_MODEL, rest.model);
    }
  }
}

/**
 * The agent and workflow spans above a model call show the conversation's start (the first
 * request) as inputs and the latest answer as outputs, so a run reads at a glance in the UI.
 */
function summarise(node: Node, request: unknown[], answer: { content: unknown } | undefined): void {
  for (let n = node.parent; n; n = n.parent) {
    if (!n.summarises || !n.span) continue;
    if (!n.hasInputs) {
      n.span.setInputs(request);
      n.hasInputs = true;
    }
    if (answer && answer.content !== null && answer.content !== '') n.span.setOutputs(answer.content);
  }
}
