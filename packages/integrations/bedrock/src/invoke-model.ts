import {
  anthropicAnswerMessage,
  AnthropicMessageAccumulator,
  anthropicRequestMessages,
  anthropicTools,
  anthropicUsage,
  type ChatMessage,
  type ChatTool,
  decodeJson,
  isObject,
} from '@loupe/sdk/genai';
import type { SpanTypeName, TokenUsage } from '@loupe/sdk';
import { converseAnswer, converseRequestMessages, ConverseStreamAccumulator, converseTools, converseUsage } from './converse.js';

/**
 * InvokeModel's bodies are the model vendor's own JSON. Claude's (`anthropic_version`) are the
 * Anthropic Messages API's, Amazon Nova's are Converse-shaped; both give chat and usage. Any other
 * family is recorded as its raw bodies, with the token counts it reports (its body's, else the
 * `x-amzn-bedrock-*-token-count` response headers Bedrock adds to every InvokeModel answer).
 */

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The model family whose body format a request uses. */
export type BodyFamily = 'anthropic' | 'nova' | 'other';

/**
 * A body as the user or the model wrote it: JSON parsed, else text; undefined for what cannot be
 * read without consuming it (a stream).
 *
 * @example
 * decodeBody(new TextEncoder().encode('{"a":1}')); // { a: 1 }
 */
export function decodeBody(body: unknown): unknown {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = new TextDecoder().decode(body);
  return text === undefined ? undefined : decodeJson(text);
}

/** Which body format a request uses. */
export function familyOf(modelId: string, body: unknown): BodyFamily {
  if (!isObject(body)) return 'other';
  if (typeof body.anthropic_version === 'string') return 'anthropic';
  if (Array.isArray(body.messages) && (body.schemaVersion === 'messages-v1' || /(^|[.:/])amazon\.nova/.test(modelId))) return 'nova';
  return 'other';
}

/** The span type of an InvokeModel call. */
export function invokeSpanType(modelId: string, family: BodyFamily): SpanTypeName {
  if (family !== 'other') return 'CHAT_MODEL';
  return /embed/i.test(modelId) ? 'EMBEDDING' : 'LLM';
}

/** Token counts of other families' bodies: Titan, Llama, Cohere, Mistral-style fields. */
function bodyUsage(body: unknown): TokenUsage | undefined {
  if (!isObject(body)) return undefined;
  const fromUsage = converseUsage(body.usage) ?? anthropicUsage(body.usage);
  if (fromUsage) return fromUsage;
  const results = Array.isArray(body.results) ? body.results.filter(isObject) : [];
  const input = num(body.inputTextTokenCount) ?? num(body.prompt_token_count) ?? num(body.inputTokenCount);
  const resultTokens = results.reduce<number | undefined>(
    (sum, r) => (num(r.tokenCount) !== undefined ? (sum ?? 0) + (r.tokenCount as number) : sum),
    undefined,
  );
  const output = resultTokens ?? num(body.generation_token_count) ?? num(body.totalOutputTextTokenCount) ?? num(body.outputTokenCount);
  if (input === undefined && output === undefined) return undefined;
  return { input_tokens: input ?? 0, output_tokens: output ?? 0 };
}

/** The `x-amzn-bedrock-input-token-count` / `-output-token-count` headers, or the stream's invocation metrics. */
export function countedUsage(counts: { input?: unknown; output?: unknown }): TokenUsage | undefined {
  const input = num(typeof counts.input === 'string' ? Number(counts.input) : counts.input);
  const output = num(typeof counts.output === 'string' ? Number(counts.output) : counts.output);
  if (input === undefined && output === undefined) return undefined;
  return { input_tokens: input ?? 0, output_tokens: output ?? 0 };
}

/** The request's conversation, for the families whose bodies are messages. */
export function invokeRequestMessages(family: BodyFamily, request: unknown): ChatMessage[] | undefined {
  if (family === 'anthropic') return anthropicRequestMessages(request);
  if (family === 'nova') return converseRequestMessages(request);
  return undefined;
}

/** What an InvokeModel call records besides inputs and outputs. */
export interface InvokeDetails {
  model: string;
  usage?: TokenUsage | undefined;
  messages?: ChatMessage[] | undefined;
  tools?: ChatTool[] | undefined;
}

/**
 * Model, usage and chat of an InvokeModel call from its decoded request and response bodies.
 *
 * @example
 * invokeDetails('anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic', request, response, undefined);
 */
export function invokeDetails(modelId: string, family: BodyFamily, request: unknown, response: unknown, headerUsage: TokenUsage | undefined): InvokeDetails {
  if (family === 'anthropic') {
    const answer = anthropicAnswerMessage(response);
    const model = isObject(response) && typeof response.model === 'string' ? response.model : modelId;
    return {
      model,
      usage: anthropicUsage(isObject(response) ? response.usage : undefined) ?? headerUsage,
      messages: [...anthropicRequestMessages(request), ...(answer ? [answer] : [])],
      tools: anthropicTools(request),
    };
  }
  if (family === 'nova') {
    const answer = converseAnswer(response);
    return {
      model: modelId,
      usage: converseUsage(isObject(response) ? response.usage : undefined) ?? headerUsage,
      messages: [...converseRequestMessages(request), ...(answer ? [answer] : [])],
      tools: converseTools(request),
    };
  }
  return { model: modelId, usage: bodyUsage(response) ?? headerUsage };
}

/**
 * Re-assembles an InvokeModelWithResponseStream answer from its `chunk` events: Claude's into a
 * Messages response, Nova's into a Converse response, any other family's as the decoded chunks.
 *
 * @example
 * const acc = new InvokeStreamAccumulator('anthropic');
 * for await (const event of response.body) acc.add(event);
 * acc.response();
 */
export class InvokeStreamAccumulator {
  private readonly claude = new AnthropicMessageAccumulator();
  private readonly nova = new ConverseStreamAccumulator();
  private readonly chunks: unknown[] = [];
  private metrics: Json | undefined;

  constructor(private readonly family: BodyFamily) {}

  /** Takes one stream event (`{ chunk: { bytes } }`). */
  add(event: unknown): void {
    if (!isObject(event) || !isObject(event.chunk)) return;
    const chunk = decodeBody(event.chunk.bytes);
    if (isObject(chunk) && isObject(chunk['amazon-bedrock-invocationMetrics'])) this.metrics = chunk['amazon-bedrock-invocationMetrics'];
    if (this.family === 'anthropic') this.claude.add(chunk);
    else if (this.family === 'nova') this.nova.add(chunk);
    else this.chunks.push(chunk);
  }

  /** The answer so far, in the family's non-stream shape (other families: `{ chunks }`). */
  response(): unknown {
    if (this.family === 'anthropic') return this.claude.message();
    if (this.family === 'nova') return this.nova.response();
    return { chunks: this.chunks };
  }

  /** Token counts Bedrock reports at the end of every stream (`amazon-bedrock-invocationMetrics`). */
  metricsUsage(): TokenUsage | undefined {
    return this.metrics ? countedUsage({ input: this.metrics.inputTokenCount, output: this.metrics.outputTokenCount }) : undefined;
  }
}
