/*
 * The one request and answer shape of the provider layer: OpenAI Chat Completions
 * (https://platform.openai.com/docs/api-reference/chat). Every adapter converts this request to its
 * provider's and the provider's answer back, so a gateway route speaks one format whatever model
 * answers.
 */

/** A part of a multi-part message content (text; images pass through to providers that take them). */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

/** A tool call the assistant made. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * One message of a conversation.
 *
 * @example
 * const messages: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }];
 */
export type ChatMessage =
  | { role: 'system'; content: string | ChatContentPart[]; name?: string }
  | { role: 'developer'; content: string | ChatContentPart[]; name?: string }
  | { role: 'user'; content: string | ChatContentPart[]; name?: string }
  | { role: 'assistant'; content?: string | ChatContentPart[] | null; tool_calls?: ChatToolCall[]; name?: string; refusal?: string | null }
  | { role: 'tool'; content: string | ChatContentPart[]; tool_call_id: string };

/** A function the model may call. */
export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/** Whether and which tool the model must call. */
export type ChatToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

/** The answer's format: free text, any JSON object, or JSON matching a schema. */
export type ChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };

/**
 * A chat request in OpenAI's Chat Completions shape. `model` is ignored by the engine (the endpoint
 * chooses the model).
 *
 * @example
 * const request: ChatRequest = { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100, stream: true };
 */
export interface ChatRequest {
  messages: ChatMessage[];
  model?: string;
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  /** OpenAI's newer name of `max_tokens`; either is read. */
  max_completion_tokens?: number;
  stop?: string | string[];
  response_format?: ChatResponseFormat;
  n?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  user?: string;
}

/** Why the model stopped. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Token counts of a call, as OpenAI reports them: `prompt_tokens` counts every input token, cached
 * ones included.
 */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number };
}

/**
 * A complete answer (`object: 'chat.completion'`).
 *
 * @example
 * completion.choices[0].message.content; // 'Hello!'
 */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[]; refusal?: string | null };
    finish_reason: FinishReason | null;
  }[];
  usage: ChatUsage;
}

/** A tool call's piece in a stream chunk: the first carries id and name, later ones more arguments. */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/**
 * One streamed event (`object: 'chat.completion.chunk'`); the last carries `usage` and no choices.
 *
 * @example
 * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
 */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: 'assistant'; content?: string | null; tool_calls?: ChatToolCallDelta[]; refusal?: string | null };
    finish_reason: FinishReason | null;
  }[];
  usage?: ChatUsage | null;
}

/**
 * An embeddings request in OpenAI's shape (`POST /v1/embeddings`); `model` is ignored by the engine.
 *
 * @example
 * const request: EmbeddingsRequest = { input: ['first text', 'second text'], dimensions: 256 };
 */
export interface EmbeddingsRequest {
  input: string | string[];
  model?: string;
  dimensions?: number;
  user?: string;
}

/**
 * Embeddings in OpenAI's shape: one float vector per input, in input order.
 *
 * @example
 * response.data[0].embedding; // [0.0123, -0.0456, ...]
 */
export interface EmbeddingsResponse {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
