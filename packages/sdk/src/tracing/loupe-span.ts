import { SpanStatusCode, type AttributeValue, type Span as OtelSpan } from '@opentelemetry/api';
import { SpanAttributeKey, TRACE_ID_PREFIX } from '@loupe/protocol/attributes';
import { guard, type Diagnostics } from './diagnostics.js';
import { encodeJson } from './json-encoding.js';
import { spanClock } from './span-clock.js';
import type { SpanTypeName } from './span-types.js';

const OK_STATUS = { code: SpanStatusCode.OK } as const;

/**
 * Token counts of one LLM call (`mlflow.chat.tokenUsage`). `input_tokens` counts every input token,
 * cached ones included (as OpenAI reports them; Anthropic's uncached count plus its cache reads and
 * writes); the two cache fields say how many of them were read from or written to a prompt cache.
 */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/** Cost of one LLM call in US dollars (`mlflow.llm.cost`); tail sampling's `costlierThanUsd` reads it. */
export interface LlmCost {
  input_cost?: number;
  output_cost?: number;
  total_cost: number;
}

/** How a span ends: its outputs, status and end time (epoch ms or a Date). */
export interface EndSpanOptions {
  outputs?: unknown;
  status?: 'OK' | 'ERROR';
  statusMessage?: string;
  endTime?: number | Date;
}

/**
 * A span of a trace, over an OpenTelemetry span. Every method is safe: it never throws, and on a span
 * that is not recorded (sampled out, tracing off) it does nothing. Values are JSON-encoded as MLflow
 * stores them.
 *
 * @example
 * await withSpan(async (span) => {
 *   span.setInputs({ q });
 *   span.setAttribute('retriever.k', 5);
 *   return answer;
 * }, { name: 'answer', spanType: 'CHAIN' });
 */
export class LoupeSpan {
  /** The OpenTelemetry span underneath, for APIs that need it. */
  readonly otelSpan: OtelSpan;
  private readonly diagnostics: Diagnostics;
  private readonly recording: boolean;
  private outputsSet = false;

  constructor(otelSpan: OtelSpan, diagnostics: Diagnostics) {
    this.otelSpan = otelSpan;
    this.diagnostics = diagnostics;
    this.recording = otelSpan.isRecording();
  }

  /** The MLflow trace id: `tr-` + the OpenTelemetry trace id. */
  get traceId(): string {
    return TRACE_ID_PREFIX + this.otelSpan.spanContext().traceId;
  }

  /** The 16-hex span id. */
  get spanId(): string {
    return this.otelSpan.spanContext().spanId;
  }

  /** False when the span is not recorded (sampled out or tracing disabled). */
  get isRecording(): boolean {
    return this.recording;
  }

  /** True once outputs were set, so a wrapper does not overwrite them with the return value. */
  get hasOutputs(): boolean {
    return this.outputsSet;
  }

  /** Records the span's inputs (`mlflow.spanInputs`). */
  setInputs(inputs: unknown): this {
    return this.setEncoded(SpanAttributeKey.INPUTS, inputs);
  }

  /** Records the span's outputs (`mlflow.spanOutputs`). */
  setOutputs(outputs: unknown): this {
    this.outputsSet = true;
    return this.setEncoded(SpanAttributeKey.OUTPUTS, outputs);
  }

  /** Sets the span type (`mlflow.spanType`): LLM, TOOL, RETRIEVER, ... */
  setSpanType(type: SpanTypeName): this {
    return this.setEncoded(SpanAttributeKey.SPAN_TYPE, type);
  }

  /** Records token usage of an LLM call; the server sums it per trace. */
  setTokenUsage(usage: TokenUsage): this {
    const total = usage.total_tokens ?? usage.input_tokens + usage.output_tokens;
    return this.setEncoded(SpanAttributeKey.TOKEN_USAGE, { ...usage, total_tokens: total });
  }

  /** Records the cost of an LLM call in USD. */
  setCost(cost: LlmCost): this {
    return this.setEncoded(SpanAttributeKey.LLM_COST, cost);
  }

  /** Sets one attribute; any JSON-able value (objects included). */
  setAttribute(key: string, value: unknown): this {
    return this.setEncoded(key, value);
  }

  /** Sets several attributes. */
  setAttributes(attributes: Record<string, unknown>): this {
    if (!this.recording) return this;
    for (const key of Object.keys(attributes)) this.setEncoded(key, attributes[key]);
    return this;
  }

  /** Adds a timestamped event with attributes. */
  addEvent(name: string, attributes: Record<string, unknown> = {}, time?: number | Date): this {
    if (!this.recording) return this;
    guard(this.diagnostics, 'addEvent', () => {
      const encoded: Record<string, AttributeValue> = {};
      for (const key of Object.keys(attributes)) encoded[key] = encodeJson(attributes[key]);
      this.otelSpan.addEvent(name, encoded, time ?? spanClock.now());
    });
    return this;
  }

  /** Marks the span OK or ERROR. */
  setStatus(status: 'OK' | 'ERROR', message?: string): this {
    if (!this.recording) return this;
    guard(this.diagnostics, 'setStatus', () =>
      this.otelSpan.setStatus({ code: status === 'ERROR' ? SpanStatusCode.ERROR : SpanStatusCode.OK, ...(message !== undefined ? { message } : {}) }),
    );
    return this;
  }

  /** Records an exception: ERROR status with its message, and an `exception` event with type and stack. */
  recordException(error: unknown): this {
    if (!this.recording) return this;
    guard(this.diagnostics, 'recordException', () => {
      const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : encodeJson(error));
      this.otelSpan.recordException(err, spanClock.now());
      this.otelSpan.setStatus({ code: SpanStatusCode.ERROR, message: `${err.name}: ${err.message}` });
    });
    return this;
  }

  /** Ends the span, optionally with outputs and a status. Ending twice is a no-op. */
  end(options?: EndSpanOptions): void {
    // try/catch inline rather than guard(): this runs once per span on the caller's path.
    try {
      if (this.recording) {
        if (options?.outputs !== undefined) this.setOutputs(options.outputs);
        if (options?.status) this.setStatus(options.status, options.statusMessage);
        // A span that ends without an error is OK, as MLflow's SDKs mark it (UNSET would read as unknown).
        else if ((this.otelSpan as { status?: { code: SpanStatusCode } }).status?.code === SpanStatusCode.UNSET) this.otelSpan.setStatus(OK_STATUS);
      }
      this.otelSpan.end(options?.endTime ?? spanClock.now());
    } catch (err) {
      guard(this.diagnostics, 'end span', () => {
        throw err;
      });
    }
  }

  private setEncoded(key: string, value: unknown): this {
    if (!this.recording) return this;
    try {
      this.otelSpan.setAttribute(key, encodeJson(value));
    } catch (err) {
      guard(this.diagnostics, `set attribute ${key}`, () => {
        throw err;
      });
    }
    return this;
  }
}
