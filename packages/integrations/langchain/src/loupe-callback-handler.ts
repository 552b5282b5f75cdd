import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { Loupe, LoupeSpan, SpanTypeName } from '@loupe/sdk';
import { loupeOf, recordError, recordLlm, type IntegrationOptions, type ChatMessage } from '@loupe/sdk/genai';
import { firstGeneration, responseModel, usageOf, type LlmResultLike } from './llm-result.js';
import { plainDocument, plainValue } from './plain-value.js';
import { installRunContext, LOUPE_HANDLER, type RunSpans } from './run-context.js';
import { toChatMessage, toChatMessages, toChatTools } from './to-chat-messages.js';

/** Options of {@link LoupeCallbackHandler}. */
export type LoupeCallbackHandlerOptions = IntegrationOptions;

interface Run {
  span: LoupeSpan;
  /** Stream chunks seen (handleLLMNewToken). */
  chunks: number;
  /** A model run's request messages, until its answer arrives. */
  request?: ChatMessage[];
  /** Whether the start named the provider (else the answer's `model_provider` may). */
  provider?: string;
}

/** LangSmith's tag for runs it hides from the tree (LangGraph's `__start__` step). */
const HIDDEN_TAG = 'langsmith:hidden';
/** LangGraph's control-flow throws (interrupts, `Command` to a parent graph): not failures. */
const BUBBLE_UP = new Set(['GraphBubbleUp', 'GraphInterrupt', 'NodeInterrupt', 'ParentCommand']);

const PROVIDERS: Record<string, string> = {
  google_genai: 'gemini',
  google_vertexai: 'gemini',
  google: 'gemini',
  amazon_bedrock: 'bedrock',
  bedrock: 'bedrock',
  bedrock_converse: 'bedrock',
};

function runName(serialized: Serialized | undefined, name: string | undefined, fallback: string): string {
  if (name) return name;
  const s = serialized as { name?: unknown; id?: unknown } | undefined;
  if (typeof s?.name === 'string' && s.name) return s.name;
  return Array.isArray(s?.id) && s.id.length > 0 ? String(s.id[s.id.length - 1]) : fallback;
}

function maybeJson(input: unknown): unknown {
  if (typeof input !== 'string' || !/^\s*[[{]/.test(input)) return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

/**
 * Traces LangChain.js and LangGraph.js runs into Loupe: every chain, chat model, text LLM, tool,
 * retriever and agent run becomes a span (CHAIN, CHAT_MODEL, LLM, TOOL, RETRIEVER, AGENT), nested
 * as LangChain's run tree is, under the span active where the run started. Model spans get the
 * conversation in Loupe's chat format, the bound tools, model, provider and token usage (so cost),
 * and for streams the first-token event and chunk count. The handler is awaited by LangChain (it
 * does little work), so spans are in place before the run's own code continues.
 *
 * @example
 * const handler = new LoupeCallbackHandler();
 * await agent.invoke({ messages: [{ role: 'user', content: 'hi' }] }, { callbacks: [handler] });
 */
export class LoupeCallbackHandler extends BaseCallbackHandler implements RunSpans {
  name = 'loupe_tracer';
  readonly [LOUPE_HANDLER] = true;
  private readonly runs = new Map<string, Run>();
  /** Hidden runs get no span; their children hang under the hidden run's parent. */
  private readonly hidden = new Map<string, string | undefined>();
  private readonly options: LoupeCallbackHandlerOptions;

  constructor(options: LoupeCallbackHandlerOptions = {}) {
    super({ _awaitHandler: true });
    this.options = options;
    installRunContext();
  }

  /** The same handler: its runs are shared state, a copy must not split them. */
  override copy(): this {
    return this;
  }

  /** The span of a run this handler traces (used to make it active around the run's user code). */
  spanOfRun(runId: string): LoupeSpan | undefined {
    return this.runs.get(runId)?.span;
  }

  private get loupe(): Loupe {
    return loupeOf(this.options);
  }

  private parentSpan(parentRunId: string | undefined): LoupeSpan | undefined {
    let id = parentRunId;
    for (let hops = 0; id !== undefined && hops < 64; hops++) {
      const run = this.runs.get(id);
      if (run) return run.span;
      if (!this.hidden.has(id)) return undefined;
      id = this.hidden.get(id);
    }
    return undefined;
  }

  private start(
    runId: string,
    parentRunId: string | undefined,
    name: string,
    spanType: SpanTypeName,
    inputs: unknown,
    attributes?: Record<string, unknown>,
  ): LoupeSpan | undefined {
    try {
      const parent = this.parentSpan(parentRunId);
      const span = this.loupe.startSpan({ name, spanType, inputs, ...(attributes ? { attributes } : {}), ...(parent ? { parent } : {}) });
      this.runs.set(runId, { span, chunks: 0 });
      return span;
    } catch (err) {
      this.warn('start', err);
      return undefined;
    }
  }

  private finish(runId: string, record: (span: LoupeSpan, run: Run) => void): void {
    const run = this.runs.get(runId);
    this.hidden.delete(runId);
    if (!run) return;
    this.runs.delete(runId);
    try {
      record(run.span, run);
    } catch (err) {
      this.warn('end', err);
    }
    run.span.end();
  }

  private fail(runId: string, err: unknown): void {
    this.finish(runId, (span) => {
      if (typeof err === 'object' && err !== null && BUBBLE_UP.has((err as { name?: string }).name ?? ''))
        span.addEvent('langgraph.interrupt', { type: (err as { name: string }).name });
      else recordError(span, err);
    });
  }

  private warn(what: string, err: unknown): void {
    try {
      this.loupe.config.diagnostics.warn(`@loupe/langchain: ${what} failed`, err);
    } catch {
      // Tracing never throws into LangChain.
    }
  }

  // LangChain's CallbackManager passes (chain, inputs, runId, parentRunId, tags, metadata, runType,
  // runName): its .d.ts names positions 3, 6 and 7 differently (runType, runName, parentRunId).
  override handleChainStart(
    chain: Serialized,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    _runType?: string,
    name?: string,
  ): void {
    if (tags?.includes(HIDDEN_TAG)) {
      this.hidden.set(runId, parentRunId);
      return;
    }
    this.start(runId, parentRunId, runName(chain, name, 'Chain'), 'CHAIN', plainValue(inputs));
  }

  override handleChainEnd(outputs: unknown, runId: string): void {
    this.finish(runId, (span) => span.setOutputs(plainValue(outputs)));
  }

  override handleChainError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }

  override handleChatModelStart(
    llm: Serialized,
    messages: unknown[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    const list = messages[0] ?? [];
    this.start(runId, parentRunId, runName(llm, name, 'ChatModel'), 'CHAT_MODEL', plainValue(list), this.invocationAttributes(extraParams));
    this.recordModelStart(runId, llm, extraParams, metadata, toChatMessages(list));
  }

  override handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.start(runId, parentRunId, runName(llm, name, 'LLM'), 'LLM', { prompts }, this.invocationAttributes(extraParams));
    this.recordModelStart(
      runId,
      llm,
      extraParams,
      metadata,
      prompts.slice(0, 1).map((p) => ({ role: 'user', content: p })),
    );
  }

  private invocationAttributes(extraParams: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    const params = extraParams?.invocation_params as Record<string, unknown> | undefined;
    if (!params) return undefined;
    const { tools: _tools, ...rest } = params;
    return { 'langchain.invocation_params': plainValue(rest) };
  }

  /** Request model, provider, tools and messages now; the answer and usage are added at the end. */
  private recordModelStart(
    runId: string,
    llm: Serialized,
    extraParams: Record<string, unknown> | undefined,
    metadata: Record<string, unknown> | undefined,
    messages: ChatMessage[],
  ): void {
    const run = this.runs.get(runId);
    if (!run) return;
    const params = (extraParams?.invocation_params ?? {}) as Record<string, unknown>;
    const kwargs = (llm as { kwargs?: Record<string, unknown> }).kwargs ?? {};
    const model = [params.model, params.model_name, params.modelName, metadata?.ls_model_name, kwargs.model, kwargs.model_name].find(
      (m): m is string => typeof m === 'string' && m.length > 0,
    );
    const lsProvider = typeof metadata?.ls_provider === 'string' ? metadata.ls_provider.toLowerCase() : undefined;
    const provider = lsProvider ? (PROVIDERS[lsProvider] ?? lsProvider) : undefined;
    recordLlm(run.span, { model, provider, messages, tools: toChatTools(params.tools) });
    run.request = messages;
    if (provider) run.provider = provider;
  }

  override handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    if (run.chunks === 0) run.span.addEvent('loupe.stream.first_chunk');
    run.chunks++;
  }

  override handleLLMEnd(output: LlmResultLike, runId: string): void {
    this.finish(runId, (span, run) => {
      span.setOutputs(plainValue(output));
      const g = firstGeneration(output);
      const answer: ChatMessage | undefined = g?.message
        ? toChatMessage(g.message)
        : g?.text !== undefined
          ? { role: 'assistant', content: g.text }
          : undefined;
      const request = run.request ?? [];
      const provider = run.provider ? undefined : g?.message?.response_metadata?.model_provider;
      recordLlm(span, {
        model: responseModel(output),
        provider: typeof provider === 'string' ? (PROVIDERS[provider] ?? provider) : undefined,
        usage: usageOf(output),
        messages: answer ? [...request, answer] : request,
      });
      if (run.chunks > 0) span.setAttribute('loupe.stream.chunks', run.chunks);
    });
  }

  override handleLLMError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }

  override handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    name?: string,
    toolCallId?: string,
  ): void {
    this.start(
      runId,
      parentRunId,
      runName(tool, name, 'Tool'),
      'TOOL',
      plainValue(maybeJson(input)),
      toolCallId ? { 'langchain.tool_call_id': toolCallId } : undefined,
    );
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.finish(runId, (span) => {
      span.setOutputs(plainValue(output));
      // @langchain/core 1.0.0 does not pass the call id to handleToolStart; its ToolMessage has it.
      const callId = (output as { tool_call_id?: unknown } | null)?.tool_call_id;
      if (typeof callId === 'string' && callId) span.setAttribute('langchain.tool_call_id', callId);
    });
  }

  override handleToolError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }

  override handleRetrieverStart(
    retriever: Serialized,
    query: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.start(runId, parentRunId, runName(retriever, name, 'Retriever'), 'RETRIEVER', query);
  }

  override handleRetrieverEnd(documents: { pageContent: string; metadata?: unknown; id?: string }[], runId: string): void {
    this.finish(runId, (span) => span.setOutputs(documents.map(plainDocument)));
  }

  override handleRetrieverError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }

  /** A run that takes agent actions is an agent (the legacy `AgentExecutor`): its span says so. */
  override handleAgentAction(action: { tool: string; toolInput: unknown; log?: string }, runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.span.setSpanType('AGENT');
    run.span.addEvent('agent_action', { tool: action.tool, tool_input: plainValue(action.toolInput), ...(action.log ? { log: action.log } : {}) });
  }

  override handleAgentEnd(action: { returnValues: unknown; log?: string }, runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.span.setSpanType('AGENT');
    run.span.addEvent('agent_finish', { return_values: plainValue(action.returnValues) });
  }
}
