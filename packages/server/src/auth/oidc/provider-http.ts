import { providerUnavailable } from './oidc-errors.js';

/** The identity provider's answer: its status and its body parsed as JSON (undefined when it is not JSON). */
export interface ProviderResponse {
  status: number;
  body: unknown;
  contentType: string;
}

/** How the relying party talks to the provider: the fetch to use, a timeout and a size limit. */
export interface ProviderHttpOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Largest body read (default 1 MiB): a provider's answers are small. */
  maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

async function readLimited(response: Response, maxBytes: number, url: string): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw providerUnavailable(`the answer from ${url} is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Sends one request to the identity provider with a timeout and a size limit, and parses a JSON
 * answer. Network failures become 503 errors naming the URL; the status is the caller's to judge.
 *
 * @example
 * const http = createProviderHttp({ timeoutMs: 5000 });
 * const { status, body } = await http('https://id.example.com/.well-known/openid-configuration');
 */
export function createProviderHttp(options: ProviderHttpOptions = {}): (url: string, init?: RequestInit) => Promise<ProviderResponse> {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return async (url, init = {}) => {
    let response: Response;
    try {
      // Redirects are not followed: a provider's metadata, token and key endpoints answer directly.
      response = await fetchFn(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json', ...init.headers },
      });
    } catch (err) {
      throw providerUnavailable(`the identity provider did not answer at ${url}.`, err);
    }
    const text = await readLimited(response, maxBytes, url);
    const contentType = response.headers.get('content-type') ?? '';
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body, contentType };
  };
}

/** What {@link createProviderHttp} returns. */
export type ProviderHttp = ReturnType<typeof createProviderHttp>;
