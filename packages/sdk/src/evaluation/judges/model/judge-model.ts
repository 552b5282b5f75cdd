import { processEnv } from '../../../config/config.js';
import { anthropicAnswer, anthropicMessagesBody } from './anthropic.js';
import { converseAnswer, converseBody } from './bedrock.js';
import { geminiAnswer, geminiBody } from './gemini.js';
import { DEFAULT_HTTP_DEPS, DEFAULT_RETRY_POLICY, postJson, type HttpDeps, type JsonPost, type RetryPolicy } from './http.js';
import { openAIChatAnswer, openAIChatBody, type OpenAIStructuredOutput } from './openai.js';
import { resolveProviderSettings, type Env, type ProviderOptions, type ProviderSettings } from './provider-settings.js';
import { createRateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { signAwsRequest } from '@loupe/llm';
import type { JudgeChatRequest, JudgeChatResponse, JudgeModel } from './types.js';

/** Options of {@link judgeModel}. */
export interface JudgeModelOptions extends ProviderOptions {
  /** OpenAI-compatible servers: how the verdict's JSON shape is asked for (default `json_schema`). */
  structuredOutput?: OpenAIStructuredOutput;
  /** Sampling temperature of every call (default 0, so verdicts repeat; none for OpenAI's reasoning models). */
  temperature?: number;
  retry?: Partial<RetryPolicy>;
  /** Concurrency and tokens-per-interval limits of this model instance. */
  rateLimit?: RateLimitOptions;
  /** Environment variables for keys and URLs (default: the process environment). */
  env?: Env;
  /** Injected `fetch`, sleep, jitter source and clock (tests). */
  deps?: Partial<HttpDeps> & { now?: () => number };
}

/** The default judge model, as MLflow's. */
export const DEFAULT_JUDGE_MODEL = 'openai:/gpt-4.1-mini';

/**
 * Splits a model URI: `<provider>:/<model>` (MLflow's form); `<provider>:<model>` and
 * `<provider>/<model>` are read too. Throws on anything else.
 *
 * @example
 * parseModelUri('anthropic:/claude-sonnet-4-5'); // { provider: 'anthropic', model: 'claude-sonnet-4-5' }
 */
export function parseModelUri(uri: string): { provider: string; model: string } {
  const m = /^([A-Za-z][\w.-]*)(?::\/|:|\/)(.+)$/.exec(uri.trim());
  if (!m || m[2]!.startsWith('/')) throw new Error(`judge model: '${uri}' is not a model URI like 'openai:/gpt-4o-mini'`);
  return { provider: m[1]!.toLowerCase(), model: m[2]! };
}

function post(settings: ProviderSettings, model: string, body: Record<string, unknown>, now: () => number): JsonPost {
  const text = JSON.stringify(body);
  const { baseUrl, apiKey, headers } = settings;
  switch (settings.protocol) {
    case 'openai':
      return { url: `${baseUrl}/chat/completions`, headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...headers }, body: text };
    case 'anthropic':
      return { url: `${baseUrl}/v1/messages`, headers: { 'x-api-key': apiKey ?? '', 'anthropic-version': '2023-06-01', ...headers }, body: text };
    case 'gemini':
      return {
        url: `${baseUrl}/v1beta/models/${encodeURIComponent(model)}:generateContent`,
        headers: { 'x-goog-api-key': apiKey ?? '', ...headers },
        body: text,
      };
    case 'bedrock': {
      const url = `${baseUrl}/model/${encodeURIComponent(model)}/converse`;
      if (apiKey) return { url, headers: { authorization: `Bearer ${apiKey}`, ...headers }, body: text };
      const credentials = settings.credentials!;
      const region = settings.region!;
      return { url, headers, body: text, sign: (b) => signAwsRequest({ url, body: b, region, service: 'bedrock', credentials, now: new Date(now()) }) };
    }
  }
}

/**
 * A model for LLM judges from an MLflow-style URI: `openai:/gpt-4o-mini`, `anthropic:/claude-sonnet-4-5`,
 * `gemini:/gemini-2.5-flash`, `bedrock:/anthropic.claude-3-5-haiku-20241022-v1:0`, a known
 * OpenAI-compatible service (`groq:/...`, `ollama:/...`), or any OpenAI-compatible server with
 * `baseUrl`. Keys come from the options, then the provider's environment variables
 * (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GEMINI_API_KEY`, `AWS_*`). Calls go over `fetch` with a
 * timeout, retries (429, 5xx, network errors; `Retry-After` honoured) and this instance's rate limit.
 * Throws when the URI is malformed or a required key is missing.
 *
 * @example
 * const model = judgeModel('openai:/gpt-4o-mini', { rateLimit: { maxConcurrency: 4, tokensPerInterval: 500 } });
 * const local = judgeModel('openai:/llama3.1', { baseUrl: 'http://localhost:11434/v1' });
 */
export function judgeModel(uri: string, options: JudgeModelOptions = {}): JudgeModel {
  const { provider, model } = parseModelUri(uri);
  const settings = resolveProviderSettings(provider, options, options.env ?? processEnv());
  const deps: HttpDeps = { ...DEFAULT_HTTP_DEPS, ...options.deps };
  const now = options.deps?.now ?? Date.now;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const limiter = createRateLimiter(options.rateLimit ?? {}, { now, sleep: deps.sleep });
  const structured = options.structuredOutput ?? 'json_schema';
  // OpenAI's reasoning models (o1, o3, o4-mini, gpt-5) refuse any temperature but their default.
  const temperature = options.temperature ?? (settings.protocol === 'openai' && /^(o\d|gpt-5)/.test(model) ? undefined : 0);

  const bodyOf = (request: JudgeChatRequest): Record<string, unknown> => {
    switch (settings.protocol) {
      case 'openai':
        return openAIChatBody(model, request, structured);
      case 'anthropic':
        return anthropicMessagesBody(model, request);
      case 'gemini':
        return geminiBody(request);
      case 'bedrock':
        return converseBody(request);
    }
  };
  const answerOf = (json: unknown): JudgeChatResponse => {
    switch (settings.protocol) {
      case 'openai':
        return openAIChatAnswer(json, model);
      case 'anthropic':
        return anthropicAnswer(json, model);
      case 'gemini':
        return geminiAnswer(json, model);
      case 'bedrock':
        return converseAnswer(json, model);
    }
  };

  return {
    uri,
    provider: settings.protocol,
    model,
    supportsTools: settings.protocol === 'openai' || settings.protocol === 'anthropic',
    async chat(request, signal) {
      const body = bodyOf(temperature === undefined ? request : { temperature, ...request });
      const json = await limiter.run(() => postJson(post(settings, model, body, now), policy, deps, signal), signal);
      return answerOf(json);
    },
  };
}
