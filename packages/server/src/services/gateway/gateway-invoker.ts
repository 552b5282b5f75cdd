import { ApiError } from '@loupe/protocol';
import type { LlmCost } from '@loupe/protocol/pricing';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  ChatUsage,
  EmbeddingsRequest,
  EmbeddingsResponse,
  LlmAttempt,
  LlmEngine,
  ServedModel,
} from '@loupe/llm';
import type { Clock, IdGenerator } from '../../clock.js';
import type { BudgetAlertCheck, GatewayUsageStore } from '../../store/gateway-usage-store.js';
import type { TraceService } from '../trace-service.js';
import type { ActiveBudget, ResolvedEndpoint } from './gateway-commands.js';
import { gatewayApiError } from './gateway-errors.js';
import type { GatewayService } from './gateway-service.js';
import { writeGatewayTrace } from './gateway-usage-trace.js';
import { toLlmEndpoint } from './llm-endpoint.js';
import { StreamAssembler } from './stream-assembler.js';

/** What the invoker runs on. */
export interface GatewayInvokerDeps {
  gateway: GatewayService;
  engine: LlmEngine;
  usage: GatewayUsageStore;
  traces: TraceService;
  clock: Clock;
  ids: IdGenerator;
  /** Called after a budget's `budget_policy.exceeded` event was committed (wakes the webhook fan-out). */
  onBudgetEvents?: () => void;
  /** Where failures of the bookkeeping (usage rows, traces) go; they never fail the call. */
  onError?: (err: unknown) => void;
}

/** Per call. */
export interface InvokeOptions {
  /** Stops the provider call (a client that went away). */
  signal?: AbortSignal;
  /** Who calls (counts against USER budgets, recorded in usage and traces). */
  caller?: string;
}

/** What a call cost and who answered, for every kind of call. */
export interface GatewayCallSummary {
  servedBy: ServedModel;
  attempts: LlmAttempt[];
  /** Undefined when the price catalog does not know the model. */
  cost: LlmCost | undefined;
  /** The usage trace (`tr-...`) when the endpoint tracks usage. */
  traceId?: string;
}

/** A non-streaming chat answer. */
export interface GatewayChatResult extends GatewayCallSummary {
  completion: ChatCompletion;
  usage: ChatUsage;
}

/** An embeddings answer. */
export interface GatewayEmbeddingsResult extends GatewayCallSummary {
  response: EmbeddingsResponse;
}

/** A started stream: read `chunks` to the end or call their iterator's `return()`. */
export interface GatewayChatStream {
  servedBy: ServedModel;
  attempts: LlmAttempt[];
  /** `chat.completion.chunk`s; a failure after the first is thrown as an ApiError. */
  chunks: AsyncIterable<ChatCompletionChunk>;
}

interface Outcome {
  kind: 'chat' | 'embeddings';
  request: unknown;
  response?: unknown;
  error?: ApiError;
  servedBy?: ServedModel;
  usage?: { inputTokens: number; outputTokens: number };
  cost?: LlmCost | undefined;
}

/** A call under way: its endpoint, budgets and start. */
interface Call {
  endpoint: ResolvedEndpoint;
  budgets: ActiveBudget[];
  startMs: number;
  caller?: string;
}

function budgetRefusal({ policy }: ActiveBudget): ApiError {
  // MLflow's words (gateway_budget.py, check_budget_limit).
  return new ApiError(
    'RESOURCE_EXHAUSTED',
    `Budget limit exceeded for policy '${policy.budgetPolicyId}'. Limit: $${policy.budgetAmount.toFixed(2)} USD per ${policy.durationValue} ${policy.durationUnit.toLowerCase()}. Request rejected.`,
  );
}

function scopeOf({ policy }: ActiveBudget) {
  return { targetScope: policy.targetScope, ...(policy.targetValue !== undefined ? { targetValue: policy.targetValue } : {}) };
}

function usageOf(usage: ChatUsage | undefined): Outcome['usage'] {
  return usage ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } : undefined;
}

/**
 * The AI gateway's data plane, for the HTTP routes and the server's own callers (online judges): calls
 * an endpoint by name through `@loupe/llm`, refuses when a REJECT budget's window spend is at or over
 * its limit (429 `RESOURCE_EXHAUSTED`, MLflow's message), records each call's spend, writes the
 * `budget_policy.exceeded` webhook event once per window of an ALERT budget that the call's spend took
 * over its limit, and, when the endpoint tracks usage, traces the call into the endpoint's experiment.
 * Failures are ApiErrors (see {@link gatewayApiError}); bookkeeping never fails a call.
 *
 * @example
 * const { completion, usage, cost } = await invoker.chat('judge-endpoint', { messages: [{ role: 'user', content: 'Rate this' }] }, { caller: 'alice' });
 */
export class GatewayInvoker {
  constructor(private readonly deps: GatewayInvokerDeps) {}

  /** One chat answer. */
  async chat(endpointName: string, request: ChatRequest, options: InvokeOptions = {}): Promise<GatewayChatResult> {
    const call = await this.begin(endpointName, options);
    try {
      const result = await this.deps.engine.chat(this.llmEndpoint(call.endpoint), request, options.signal ? { signal: options.signal } : {});
      const traceId = await this.finish(call, {
        kind: 'chat',
        request,
        response: result.completion,
        servedBy: result.servedBy,
        usage: usageOf(result.usage),
        cost: result.cost,
      });
      return { ...result, ...(traceId ? { traceId } : {}) };
    } catch (err) {
      throw await this.failed(call, 'chat', request, err);
    }
  }

  /** Embeddings (OpenAI and Gemini models). */
  async embeddings(endpointName: string, request: EmbeddingsRequest, options: InvokeOptions = {}): Promise<GatewayEmbeddingsResult> {
    const call = await this.begin(endpointName, options);
    try {
      const result = await this.deps.engine.embeddings(this.llmEndpoint(call.endpoint), request, options.signal ? { signal: options.signal } : {});
      const traceId = await this.finish(call, {
        kind: 'embeddings',
        request,
        response: { ...result.response, data: result.response.data.map((d) => ({ ...d, embedding: `[${d.embedding.length} floats]` })) },
        servedBy: result.servedBy,
        usage: { inputTokens: result.response.usage.prompt_tokens, outputTokens: 0 },
        cost: result.cost,
      });
      return { ...result, ...(traceId ? { traceId } : {}) };
    } catch (err) {
      throw await this.failed(call, 'embeddings', request, err);
    }
  }

  /**
   * A stream: the model is chosen (with fallbacks) before this resolves; usage, spend and the trace
   * are recorded once the chunks are read to the end, break off, or are stopped.
   */
  async chatStream(endpointName: string, request: ChatRequest, options: InvokeOptions = {}): Promise<GatewayChatStream> {
    const call = await this.begin(endpointName, options);
    let stream;
    try {
      stream = await this.deps.engine.chatStream(this.llmEndpoint(call.endpoint), request, options.signal ? { signal: options.signal } : {});
    } catch (err) {
      throw await this.failed(call, 'chat', request, err);
    }
    const inner = stream.chunks[Symbol.asyncIterator]();
    const assembler = new StreamAssembler();
    const { servedBy, summary } = stream;
    let settled: Promise<void> | undefined;
    const settle = () =>
      (settled ??= summary.then(async (s) => {
        const error = s.error ? gatewayApiError(s.error) : options.signal?.aborted ? new ApiError('CANCELLED', 'The client went away.') : undefined;
        await this.finish(call, {
          kind: 'chat',
          request,
          response: assembler.completion(),
          servedBy,
          usage: usageOf(s.usage),
          cost: s.cost,
          ...(error ? { error } : {}),
        });
      }));
    const iterator: AsyncIterator<ChatCompletionChunk> = {
      async next() {
        let result: IteratorResult<ChatCompletionChunk>;
        try {
          result = await inner.next();
        } catch (err) {
          await settle();
          throw gatewayApiError(err);
        }
        if (result.done) await settle();
        else assembler.add(result.value);
        return result;
      },
      async return() {
        await inner.return?.();
        await settle();
        return { done: true, value: undefined };
      },
    };
    return { servedBy, attempts: stream.attempts, chunks: { [Symbol.asyncIterator]: () => iterator } };
  }

  private llmEndpoint(endpoint: ResolvedEndpoint) {
    const { endpoint: converted, unsupported } = toLlmEndpoint(endpoint);
    if (converted.models.length === 0) {
      const why = unsupported.length > 0 ? `: Loupe's gateway cannot call ${unsupported.join(', ')}` : '';
      throw new ApiError('TEMPORARILY_UNAVAILABLE', `Endpoint '${endpoint.name}' has no model that can be called${why}`);
    }
    return converted;
  }

  /** Resolves the endpoint and refuses the call when a REJECT budget is spent. */
  private async begin(endpointName: string, options: InvokeOptions): Promise<Call> {
    const startMs = this.deps.clock.now();
    const endpoint = await this.deps.gateway.resolveEndpoint(endpointName);
    const budgets = await this.deps.gateway.budgetsForEndpoint(endpoint.endpointId, options.caller);
    for (const budget of budgets) {
      if (budget.policy.budgetAction !== 'REJECT') continue;
      const spend = await this.deps.usage.spend(scopeOf(budget), budget.window.startMs, budget.window.endMs);
      if (spend >= budget.policy.budgetAmount) throw budgetRefusal(budget);
    }
    return { endpoint, budgets, startMs, ...(options.caller !== undefined ? { caller: options.caller } : {}) };
  }

  private async failed(call: Call, kind: Outcome['kind'], request: unknown, err: unknown): Promise<ApiError> {
    const error = gatewayApiError(err);
    await this.finish(call, { kind, request, error });
    return error;
  }

  /** Records the call: the usage trace (when tracked), then the usage row with its budget checks. */
  private async finish(call: Call, outcome: Outcome): Promise<string | undefined> {
    const { endpoint } = call;
    const endMs = this.deps.clock.now();
    let traceId: string | undefined;
    if (endpoint.usageTracking && endpoint.experimentId !== undefined) {
      try {
        traceId = await writeGatewayTrace(this.deps.traces, {
          otelTraceId: this.deps.ids.hex32(),
          spanId: this.deps.ids.hex32().slice(0, 16),
          endpointName: endpoint.name,
          endpointId: endpoint.endpointId,
          experimentId: endpoint.experimentId,
          kind: outcome.kind,
          request: outcome.request,
          ...(outcome.response !== undefined ? { response: outcome.response } : {}),
          ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : {}),
          ...(outcome.servedBy ? { provider: outcome.servedBy.provider, modelName: outcome.servedBy.modelName } : {}),
          ...(outcome.usage ? { usage: outcome.usage } : {}),
          ...(outcome.cost ? { cost: outcome.cost } : {}),
          ...(call.caller !== undefined ? { caller: call.caller } : {}),
          startMs: call.startMs,
          endMs,
        });
      } catch (err) {
        this.report(err);
      }
    }
    try {
      const crossed = await this.deps.usage.recordUsage(
        {
          usageId: this.deps.ids.hex32(),
          endpointId: endpoint.endpointId,
          endpointName: endpoint.name,
          ...(call.caller !== undefined ? { username: call.caller } : {}),
          ...(outcome.servedBy ? { provider: outcome.servedBy.provider, modelName: outcome.servedBy.modelName } : {}),
          status: outcome.error ? 'ERROR' : 'OK',
          ...(outcome.usage ? { inputTokens: outcome.usage.inputTokens, outputTokens: outcome.usage.outputTokens } : {}),
          totalCost: outcome.cost?.total_cost ?? 0,
          ...(traceId ? { traceId } : {}),
          createdAt: endMs,
        },
        this.alertChecks(call.budgets),
      );
      if (crossed.length > 0) this.deps.onBudgetEvents?.();
    } catch (err) {
      this.report(err);
    }
    return traceId;
  }

  /** MLflow sends `budget_policy.exceeded` for ALERT policies only (gateway_budget.py). */
  private alertChecks(budgets: readonly ActiveBudget[]): BudgetAlertCheck[] {
    return budgets
      .filter((b) => b.policy.budgetAction === 'ALERT')
      .map(({ policy, window }) => ({
        budgetPolicyId: policy.budgetPolicyId,
        scope: scopeOf({ policy, window }),
        windowStartMs: window.startMs,
        windowEndMs: window.endMs,
        limit: policy.budgetAmount,
        payload: (spend) => ({
          budget_policy_id: policy.budgetPolicyId,
          budget_unit: policy.budgetUnit,
          budget_amount: policy.budgetAmount,
          current_spend: spend,
          duration_unit: policy.durationUnit,
          duration_value: policy.durationValue,
          target_scope: policy.targetScope,
          workspace: 'default',
          window_start: window.startMs,
        }),
      }));
  }

  private report(err: unknown): void {
    (this.deps.onError ?? ((e) => console.error('Loupe gateway bookkeeping:', e)))(err);
  }
}
