import type { AwsCredentials } from '@loupe/llm';
import type { JudgeProvider } from './types.js';

/**
 * Where a judge model lives and how to authenticate, decided in one place: the `judgeModel()`
 * options first, then the provider's usual environment variables, then defaults.
 */

/** Environment variables, passed in (only `src/config` reads `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The connection options of {@link resolveProviderSettings}. */
export interface ProviderOptions {
  /** The API's base URL (for OpenAI-compatible servers, including `/v1`). */
  baseUrl?: string;
  apiKey?: string;
  /** Bedrock: the AWS region (default `AWS_REGION`, `AWS_DEFAULT_REGION`, then `us-east-1`). */
  region?: string;
  /** Bedrock: access keys (default `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). */
  credentials?: AwsCredentials;
  /** Extra headers sent with every call. */
  headers?: Record<string, string>;
}

/** A resolved connection. */
export interface ProviderSettings {
  /** The wire protocol spoken. */
  protocol: JudgeProvider;
  baseUrl: string;
  apiKey?: string;
  region?: string;
  credentials?: AwsCredentials;
  headers: Record<string, string>;
}

/** OpenAI-compatible services known by name: `groq:/llama-3.3-70b-versatile` needs no base URL. */
const OPENAI_COMPATIBLE: Record<string, { baseUrl: string; keyEnv?: string }> = {
  groq: { baseUrl: 'https://api.groq.com/openai/v1', keyEnv: 'GROQ_API_KEY' },
  mistral: { baseUrl: 'https://api.mistral.ai/v1', keyEnv: 'MISTRAL_API_KEY' },
  deepseek: { baseUrl: 'https://api.deepseek.com/v1', keyEnv: 'DEEPSEEK_API_KEY' },
  together: { baseUrl: 'https://api.together.xyz/v1', keyEnv: 'TOGETHER_API_KEY' },
  fireworks: { baseUrl: 'https://api.fireworks.ai/inference/v1', keyEnv: 'FIREWORKS_API_KEY' },
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY' },
  xai: { baseUrl: 'https://api.x.ai/v1', keyEnv: 'XAI_API_KEY' },
  ollama: { baseUrl: 'http://localhost:11434/v1' },
};

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function missing(what: string): Error {
  return new Error(`judge model: ${what}`);
}

/**
 * The connection of a provider named in a model URI. Throws a clear error when a required key or
 * base URL is missing.
 *
 * @example
 * resolveProviderSettings('openai', {}, { OPENAI_API_KEY: 'sk-...' }); // { protocol: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-...', headers: {} }
 */
export function resolveProviderSettings(provider: string, options: ProviderOptions, env: Env): ProviderSettings {
  const headers = options.headers ?? {};
  switch (provider) {
    case 'openai': {
      const apiKey = options.apiKey ?? env.OPENAI_API_KEY;
      const baseUrl = options.baseUrl ?? env.OPENAI_BASE_URL;
      if (!apiKey && !baseUrl) throw missing('openai needs an API key: pass apiKey or set OPENAI_API_KEY');
      return { protocol: 'openai', baseUrl: trimSlash(baseUrl ?? 'https://api.openai.com/v1'), apiKey, headers };
    }
    case 'anthropic': {
      const apiKey = options.apiKey ?? env.ANTHROPIC_API_KEY;
      if (!apiKey) throw missing('anthropic needs an API key: pass apiKey or set ANTHROPIC_API_KEY');
      return { protocol: 'anthropic', baseUrl: trimSlash(options.baseUrl ?? env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com'), apiKey, headers };
    }
    case 'gemini': {
      const apiKey = options.apiKey ?? env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY;
      if (!apiKey) throw missing('gemini needs an API key: pass apiKey or set GEMINI_API_KEY');
      return { protocol: 'gemini', baseUrl: trimSlash(options.baseUrl ?? 'https://generativelanguage.googleapis.com'), apiKey, headers };
    }
    case 'bedrock': {
      const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
      const apiKey = options.apiKey ?? env.AWS_BEARER_TOKEN_BEDROCK;
      const credentials =
        options.credentials ??
        (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
          ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }
          : undefined);
      if (!apiKey && !credentials)
        throw missing('bedrock needs credentials: pass apiKey or credentials, or set AWS_BEARER_TOKEN_BEDROCK or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
      const baseUrl = options.baseUrl ?? env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME ?? `https://bedrock-runtime.${region}.amazonaws.com`;
      return { protocol: 'bedrock', baseUrl: trimSlash(baseUrl), apiKey, region, credentials, headers };
    }
    default: {
      const known = OPENAI_COMPATIBLE[provider];
      const baseUrl = options.baseUrl ?? known?.baseUrl;
      if (!baseUrl)
        throw missing(
          `unknown provider '${provider}': use openai, anthropic, gemini, bedrock, ${Object.keys(OPENAI_COMPATIBLE).join(', ')}, or pass the baseUrl of an OpenAI-compatible server`,
        );
      const apiKey = options.apiKey ?? (known?.keyEnv ? env[known.keyEnv] : undefined);
      return { protocol: 'openai', baseUrl: trimSlash(baseUrl), apiKey, headers };
    }
  }
}
