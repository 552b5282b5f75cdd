import type { ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '@loupe/protocol';
import type { ChatCompletionChunk, ChatRequest, EmbeddingsRequest } from '@loupe/llm';
import type { Principal } from '../../auth/principal.js';
import type { GatewayChatStream, InvokeOptions } from '../../services/gateway/gateway-invoker.js';
import { gatewayApiError } from '../../services/gateway/gateway-errors.js';
import type { Services } from '../../services/services.js';
import { checkJsonContentType, parseJsonBody, readRequestBody } from '../request-decoding.js';

/** The data-plane paths (MLflow's `gateway_api.py`), as mounted. */
export const GATEWAY_INVOCATION_PATHS = {
  invocations: '/gateway/:endpoint_name/mlflow/invocations',
  chatCompletions: '/gateway/mlflow/v1/chat/completions',
  embeddings: '/gateway/mlflow/v1/embeddings',
} as const;

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

/** What MLflow's `chat.RequestPayload` checks; other fields pass to the engine as given. */
const ChatPayload = z.looseObject({
  messages: z.array(z.looseObject({ role: z.enum(ROLES) })).min(1),
  stream: z.boolean().optional(),
  n: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).optional(),
});

const EmbeddingsPayload = z.looseObject({
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  dimensions: z.number().int().min(1).optional(),
});

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

function chatPayload(body: Record<string, unknown>): ChatRequest {
  const parsed = ChatPayload.safeParse(body);
  if (!parsed.success) throw ApiError.invalid(`Invalid chat payload: ${issues(parsed.error)}`);
  return parsed.data as unknown as ChatRequest;
}

function embeddingsPayload(body: Record<string, unknown>): EmbeddingsRequest {
  const parsed = EmbeddingsPayload.safeParse(body);
  if (!parsed.success) throw ApiError.invalid(`Invalid embeddings payload: ${issues(parsed.error)}`);
  return parsed.data as unknown as EmbeddingsRequest;
}

async function jsonBody(c: Context, maxBytes: number): Promise<Record<string, unknown>> {
  checkJsonContentType('POST', c.req.header('content-type') ?? null);
  return parseJsonBody(new TextDecoder().decode(await readRequestBody(c, maxBytes)));
}

/** The endpoint an OpenAI-style request names in `model` (MLflow's message when it is missing). */
function endpointOf(body: Record<string, unknown>): string {
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw ApiError.invalid("Missing required 'model' parameter in request body");
  delete body.model;
  return model;
}

/** Who calls: the signed-in user; nobody in particular when auth is off. */
function callerOf(c: Context): string | undefined {
  const principal = c.get('principal') as Principal | undefined;
  return principal && principal.via !== 'none' ? principal.username : undefined;
}

const encoder = new TextEncoder();
const sse = (data: string) => encoder.encode(`data: ${data}\n\n`);

/**
 * The stream as Server-Sent Events, OpenAI's way: one `data:` line per chunk, `data: [DONE]` at the
 * end. A failure after the first chunk is a last `data: {"error": {...}}` event (OpenAI's clients
 * raise it). A client that goes away cancels the body, which stops the provider's answer.
 */
function sseResponse(stream: GatewayChatStream, abort: AbortController): Response {
  const chunks = stream.chunks[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<ChatCompletionChunk>;
      try {
        next = await chunks.next();
      } catch (err) {
        const error = gatewayApiError(err);
        controller.enqueue(sse(JSON.stringify({ error: { code: error.code, message: error.message, type: error.code } })));
        controller.close();
        return;
      }
      if (next.done) {
        controller.enqueue(sse('[DONE]'));
        controller.close();
      } else controller.enqueue(sse(JSON.stringify(next.value)));
    },
    async cancel() {
      abort.abort();
      await chunks.return?.();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
}

/**
 * Aborts `abort` when the client's connection closes before the answer was sent (on Node's server; a
 * stream's cancelled body does the same for a stream already under way).
 */
function abortOnDisconnect(c: Context, abort: AbortController): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing) return;
  const onClose = () => {
    if (!outgoing.writableFinished) abort.abort();
  };
  outgoing.once('close', onClose);
}

async function chat(c: Context, services: Services, endpoint: string, request: ChatRequest): Promise<Response> {
  const abort = new AbortController();
  abortOnDisconnect(c, abort);
  const caller = callerOf(c);
  const options: InvokeOptions = { signal: abort.signal, ...(caller !== undefined ? { caller } : {}) };
  if (request.stream) return sseResponse(await services.gatewayInvoker.chatStream(endpoint, request, options), abort);
  const { completion } = await services.gatewayInvoker.chat(endpoint, request, options);
  return c.json(completion);
}

async function embeddings(c: Context, services: Services, endpoint: string, request: EmbeddingsRequest): Promise<Response> {
  const abort = new AbortController();
  abortOnDisconnect(c, abort);
  const caller = callerOf(c);
  const { response } = await services.gatewayInvoker.embeddings(endpoint, request, { signal: abort.signal, ...(caller !== undefined ? { caller } : {}) });
  return c.json(response);
}

/**
 * Mounts the AI gateway's data plane (MLflow 3.9+'s `gateway_api.py`): `POST /gateway/{endpoint}/mlflow/invocations`
 * (a chat payload, or an embeddings one with `input`), and the OpenAI-compatible
 * `POST /gateway/mlflow/v1/chat/completions` and `/gateway/mlflow/v1/embeddings`, whose `model` names
 * the endpoint. `stream: true` answers Server-Sent Events. Thin: each route decodes and calls the
 * {@link GatewayInvoker}; errors are `{error_code, message}` from the app's one error writer.
 *
 * @example
 * mountGatewayInvocationRoutes(app, services, { maxJsonBodyBytes: 16 << 20 });
 */
export function mountGatewayInvocationRoutes(app: Hono, services: Services, options: { maxJsonBodyBytes: number }): void {
  const max = options.maxJsonBodyBytes;
  app.post(GATEWAY_INVOCATION_PATHS.invocations, async (c) => {
    const body = await jsonBody(c, max);
    const endpoint = c.req.param('endpoint_name');
    if ('messages' in body) return chat(c, services, endpoint, chatPayload(body));
    if ('input' in body) return embeddings(c, services, endpoint, embeddingsPayload(body));
    throw ApiError.invalid('Invalid request: payload format must be either chat or embeddings');
  });
  app.post(GATEWAY_INVOCATION_PATHS.chatCompletions, async (c) => {
    const body = await jsonBody(c, max);
    const endpoint = endpointOf(body);
    return chat(c, services, endpoint, chatPayload(body));
  });
  app.post(GATEWAY_INVOCATION_PATHS.embeddings, async (c) => {
    const body = await jsonBody(c, max);
    const endpoint = endpointOf(body);
    return embeddings(c, services, endpoint, embeddingsPayload(body));
  });
}
