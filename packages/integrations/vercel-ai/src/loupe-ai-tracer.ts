import type { Attributes, AttributeValue, Context, Exception, Link, Span, SpanContext, SpanOptions, SpanStatus, TimeInput, Tracer } from '@opentelemetry/api';
import { LoupeSpan, type Loupe } from '@loupe/sdk';
import { errorStatus, recordLlm, runInSpan } from '@loupe/sdk/genai';
import type { SpanTypeName, TokenUsage } from '@loupe/sdk';
import { aiSpanName, aiSpanRecord, aiSpanType, modelUsage, PAYLOAD_ATTRIBUTES, type AiAttributes } from './ai-span-mapping.js';

/**
 * An OpenTelemetry `Tracer` for the AI SDK's `experimental_telemetry`: its spans are Loupe spans
 * (Loupe's span processor, sampling, export) that read the AI SDK's `ai.*` attributes and, when they
 * end, record Loupe's conventions: span type and name, `mlflow.spanInputs` / `mlflow.spanOutputs`,
 * model, provider, token usage (so cost) and the chat format. The AI SDK's other attributes
 * (`ai.settings.*`, `ai.usage.*`, `gen_ai.*`, `ai.telemetry.metadata.*`, ...) are kept as they are.
 */

/** Request headers the AI SDK records (`ai.request.headers.*`): left out, they may carry keys. */
const HEADER_PREFIX = 'ai.request.headers.';

/**
 * One AI SDK span: the OpenTelemetry span the AI SDK talks to, in front of the Loupe span that is
 * exported. It notes what the model wrapper (see `wrapAISDK`) tells it that the AI SDK's own
 * telemetry loses: the HTTP status of a failed call, stream chunks, a stream cancelled by its reader.
 *
 * @example
 * const span = tracer.startSpan('ai.generateText.doGenerate', { attributes: { 'ai.model.id': 'gpt-4o-mini' } });
 * span.end(); // a CHAT_MODEL span named generateText.doGenerate
 */
export class AiSdkSpan implements Span {
  private readonly attributes: AiAttributes = {};
  private ended = false;
  private status: number | undefined;
  private chunks = 0;
  private cancelled = false;
  private usage: TokenUsage | undefined;

  constructor(
    private readonly loupeSpan: LoupeSpan,
    private readonly operation: string,
    private readonly diagnostics: Loupe['config']['diagnostics'],
    private readonly onEnd?: (span: AiSdkSpan) => void,
  ) {}

  /** The Loupe span underneath. */
  get loupe(): LoupeSpan {
    return this.loupeSpan;
  }

  /** Notes the HTTP status of the error the model call failed with (the AI SDK records only name and message). */
  noteError(error: unknown): void {
    const lastError = (error as { lastError?: unknown } | null)?.lastError;
    this.status = errorStatus(error) ?? errorStatus(lastError) ?? this.status;
  }

  /** Notes the usage the model itself reported (see `modelUsage`). */
  noteUsage(usage: unknown): void {
    this.usage = modelUsage(usage) ?? this.usage;
  }

  /** Notes one chunk of the model's stream; the first is the time to first token. */
  noteChunk(): void {
    if (this.chunks === 0) this.loupeSpan.addEvent('loupe.stream.first_chunk');
    this.chunks++;
  }

  /** Notes that the stream's reader stopped before its end. */
  noteCancelled(): void {
    this.cancelled = true;
  }

  /**
   * Ends the span now, OK and `loupe.stream.cancelled`, with what it holds so far: the reader of the
   * call's stream stopped, and the AI SDK would leave the span open for as long as the stream waits.
   */
  cancel(): void {
    this.noteCancelled();
    this.end();
  }

  spanContext(): SpanContext {
    return this.loupeSpan.otelSpan.spanContext();
  }

  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    if (!PAYLOAD_ATTRIBUTES.has(key) && !key.startsWith(HEADER_PREFIX)) this.loupeSpan.otelSpan.setAttribute(key, value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const [key, value] of Object.entries(attributes)) if (value !== undefined) this.setAttribute(key, value);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    this.loupeSpan.otelSpan.addEvent(name, attributesOrTime as Attributes, time);
    return this;
  }

  addLink(link: Link): this {
    this.loupeSpan.otelSpan.addLink(link);
    return this;
  }

  addLinks(links: Link[]): this {
    this.loupeSpan.otelSpan.addLinks(links);
    return this;
  }

  setStatus(status: SpanStatus): this {
    this.loupeSpan.otelSpan.setStatus(status);
    return this;
  }

  updateName(name: string): this {
    this.loupeSpan.otelSpan.updateName(name);
    return this;
  }

  isRecording(): boolean {
    return this.loupeSpan.otelSpan.isRecording();
  }

  recordException(exception: Exception, time?: TimeInput): void {
    this.loupeSpan.otelSpan.recordException(exception, time);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd?.(this);
    try {
      this.recordLoupe();
    } catch (err) {
      this.diagnostics.warn(`@loupe/vercel-ai: recording ${this.operation} failed`, err);
    }
    // Loupe's end: a span that did not fail ends OK, as MLflow's SDKs mark it.
    this.loupeSpan.end(endTime !== undefined ? { endTime: endTime as number | Date } : undefined);
  }

  private recordLoupe(): void {
    if (!this.loupeSpan.isRecording) return;
    const record = aiSpanRecord(this.operation, this.attributes);
    if (record.inputs !== undefined) this.loupeSpan.setInputs(record.inputs);
    if (record.outputs !== undefined) this.loupeSpan.setOutputs(record.outputs);
    if (record.llm) recordLlm(this.loupeSpan, { ...record.llm, usage: this.usage ?? record.llm.usage });
    if (this.chunks > 0) this.loupeSpan.setAttribute('loupe.stream.chunks', this.chunks);
    if (this.cancelled) this.loupeSpan.setAttribute('loupe.stream.cancelled', true);
    if (this.status !== undefined) this.loupeSpan.setAttribute('http.response.status_code', this.status);
  }
}

type ActiveFn<F> = (span: Span) => F;

/**
 * The tracer `experimental_telemetry` gets from `loupeTelemetry()` and `wrapAISDK()`.
 *
 * @example
 * const tracer = new LoupeAiTracer(() => getLoupe());
 * await generateText({ model, prompt, experimental_telemetry: { isEnabled: true, tracer } });
 */
export class LoupeAiTracer implements Tracer {
  /**
   * @param loupe the instance to record into, looked up at each span
   * @param open when given, the spans of one call not yet ended (so a cancelled stream can end them)
   * @param callType the type of the call's own span (`generateText`, ...; default CHAIN), e.g. AGENT
   *   for an agent's call
   */
  constructor(
    private readonly loupe: () => Loupe,
    private readonly open?: Set<AiSdkSpan>,
    private readonly callType?: SpanTypeName,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, context?: Context): AiSdkSpan {
    const loupe = this.loupe();
    const attributes = options.attributes ?? {};
    const type = aiSpanType(name);
    const loupeSpan = loupe.startSpan({
      name: aiSpanName(name, attributes),
      spanType: type === 'CHAIN' && this.callType ? this.callType : type,
      ...(context ? { parent: context } : {}),
      ...(options.startTime !== undefined ? { startTime: options.startTime as number | Date } : {}),
    });
    const open = this.open;
    const span = new AiSdkSpan(loupeSpan, name, loupe.config.diagnostics, open ? (s) => open.delete(s) : undefined);
    open?.add(span);
    span.setAttributes(attributes);
    return span;
  }

  startActiveSpan<F extends ActiveFn<unknown>>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends ActiveFn<unknown>>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends ActiveFn<unknown>>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends ActiveFn<unknown>>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    const [options, context] = rest as [SpanOptions | undefined, Context | undefined];
    const span = this.startSpan(name, options, context);
    // The AI SDK span itself is made active, so the AI SDK's child spans and the user's spans (in a
    // tool's `execute`) are its children, and the model wrapper finds it.
    return runInSpan(new LoupeSpan(span, this.loupe().config.diagnostics), () => fn(span)) as ReturnType<F>;
  }
}
