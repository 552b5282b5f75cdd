/**
 * The provider-neutral chat a judge holds with its model. Each provider adapter (`openai.ts`,
 * `anthropic.ts`, `gemini.ts`, `bedrock.ts`) translates it to its wire format and back, so judges
 * never see a provider's request shape.
 */

/** A JSON schema (the subset judges use: object, string, number, boolean, enum, array). */
export type JsonSchema = Record<string, unknown>;

/** A function the model may call (the trace agent's tools). */
export interface JudgeTool {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: JsonSchema;
}

/** A function call the model asked for. */
export interface JudgeToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** One message of a judge's conversation with its model (the system text is separate). */
export type JudgeMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: JudgeToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

/** What a judge asks its model. */
export interface JudgeChatRequest {
  system: string;
  messages: JudgeMessage[];
  /**
   * The JSON schema of the final answer. Providers that can enforce it do (OpenAI `response_format`,
   * Anthropic a forced tool, Gemini `responseSchema`); the others are told in the prompt.
   */
  responseSchema?: JsonSchema;
  /** Tools the model may call before it answers (only when {@link JudgeModel.supportsTools}). */
  tools?: JudgeTool[];
  /** `'auto'` (default) lets the model call tools; `'none'` asks for the final answer now. */
  toolChoice?: 'auto' | 'none';
  maxOutputTokens?: number;
  temperature?: number;
}

/** Token counts of one call, as the provider reported them. */
export interface JudgeCallUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/** What the model answered. */
export interface JudgeChatResponse {
  /** The answer's text (the structured answer as JSON text when the provider returned it as a tool call). */
  text: string;
  /** Tool calls to run before asking again (empty for a final answer). */
  toolCalls: JudgeToolCall[];
  usage: JudgeCallUsage;
  /** The model the provider says answered (falls back to the requested one). */
  model: string;
}

/** The providers `judgeModel()` speaks; anything OpenAI-compatible goes through `openai`. */
export type JudgeProvider = 'openai' | 'anthropic' | 'gemini' | 'bedrock';

/**
 * A model a judge can ask. Made by `judgeModel()`; one instance owns one rate limiter, so judges
 * that should share a model's limits share the instance.
 */
export interface JudgeModel {
  /** The URI it was made from (`openai:/gpt-4o-mini`). */
  readonly uri: string;
  readonly provider: JudgeProvider;
  /** The model name sent to the provider. */
  readonly model: string;
  /** Whether the model layer speaks this provider's function calling (the `{{ trace }}` agent needs it). */
  readonly supportsTools: boolean;
  chat(request: JudgeChatRequest, signal?: AbortSignal): Promise<JudgeChatResponse>;
}
