import { type FakeHandler, fakeId, type FakeProvider, type FakeReply, type FakeRequest, roughTokens, type SseEvent } from './fake-server.js';

/**
 * The OpenAI wire protocol on the fake provider: Chat Completions (JSON and SSE, tool calls,
 * `stream_options.include_usage`), the Responses API (JSON and its typed SSE events), embeddings,
 * and OpenAI's error body. Anything that speaks OpenAI's API (the `openai` package, `@ai-sdk/openai`,
 * `@langchain/openai`, `@openai/agents`) can be pointed at `${fake.url}/v1`.
 */

/** What the fake model answers in one turn. */
export interface FakeTurn {
  /** Text of the answer (null or absent with tool calls only). */
  content?: string | null;
  toolCalls?: { id?: string; name: string; arguments: string | Record<string, unknown> }[];
  /** Default `stop`, or `tool_calls` when there are tool calls. */
  finishReason?: string;
  /** Default: about a token per 4 characters of the request and the answer. */
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number; reasoning_tokens?: number };
  /** Default: the requested model. */
  model?: string;
  refusal?: string;
}

interface ChatRequest {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: { role: string; content?: unknown }[];
  tools?: unknown[];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text) : '')).join('');
  return '';
}

function lastUserText(messages: { role: string; content?: unknown }[] | undefined): string {
  const user = [...(messages ?? [])].reverse().find((m) => m.role === 'user');
  return user ? textOf(user.content) : '';
}

function toolCallsOf(turn: FakeTurn) {
  return (turn.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i}_${fakeId('t-')}`,
    type: 'function' as const,
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
  }));
}

function usageOf(turn: FakeTurn, requestText: string) {
  const completionText = (turn.content ?? '') + (turn.toolCalls ?? []).map((c) => c.name + JSON.stringify(c.arguments)).join('');
  const u = turn.usage ?? { prompt_tokens: roughTokens(requestText), completion_tokens: roughTokens(completionText) };
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.prompt_tokens + u.completion_tokens,
    prompt_tokens_details: { cached_tokens: u.cached_tokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning_tokens ?? 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** The default turn: echoes the last user message. */
export function echoTurn(request: FakeRequest): FakeTurn {
  return { content: `Echo: ${lastUserText((request.json as ChatRequest | undefined)?.messages)}` };
}

/** A Chat Completions answer to `request`: JSON, or SSE chunks when the request streams. */
export function chatCompletionReply(request: FakeRequest, turn: FakeTurn): FakeReply {
  const body = (request.json ?? {}) as ChatRequest;
  const model = turn.model ?? body.model ?? 'gpt-4o-mini';
  const toolCalls = toolCallsOf(turn);
  const finish = turn.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  const usage = usageOf(turn, JSON.stringify(body.messages ?? []));
  const id = fakeId('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  if (!body.stream) {
    return {
      json: {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: turn.content ?? null,
              refusal: turn.refusal ?? null,
              ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage,
        system_fingerprint: 'fp_fake',
      },
    };
  }
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    data: {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    },
  });
  const events: SseEvent[] = [chunk({ role: 'assistant', content: '' })];
  const text = turn.content ?? '';
  for (let i = 0; i < text.length; i += 8) events.push(chunk({ content: text.slice(i, i + 8) }));
  const refusal = turn.refusal ?? '';
  for (let i = 0; i < refusal.length; i += 8) events.push(chunk({ refusal: refusal.slice(i, i + 8) }));
  toolCalls.forEach((call, index) => {
    events.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    const args = call.function.arguments;
    for (let i = 0; i < args.length; i += 10) events.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(i, i + 10) } }] }));
  });
  events.push(chunk({}, finish));
  if (body.stream_options?.include_usage) events.push({ data: { id, object: 'chat.completion.chunk', created, model, choices: [], usage } });
  events.push({ data: '[DONE]' });
  return { sse: events };
}

interface ResponsesRequest {
  model?: string;
  stream?: boolean;
  input?: unknown;
  instructions?: string;
  tools?: unknown[];
}

/** A Responses API answer to `request`: a `response` object, or its SSE event sequence when streaming. */
export function responsesReply(request: FakeRequest, turn: FakeTurn): FakeReply {
  const body = (request.json ?? {}) as ResponsesRequest;
  const model = turn.model ?? body.model ?? 'gpt-4o-mini';
  const u = usageOf(turn, JSON.stringify(body.input ?? ''));
  const usage = {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details.cached_tokens },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details.reasoning_tokens },
    total_tokens: u.total_tokens,
  };
  const id = fakeId('resp-');
  const output: Record<string, unknown>[] = [];
  if (turn.content) {
    output.push({
      type: 'message',
      id: fakeId('msg-'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: turn.content, annotations: [] }],
    });
  } else if (turn.refusal) {
    output.push({ type: 'message', id: fakeId('msg-'), status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: turn.refusal }] });
  }
  for (const call of toolCallsOf(turn)) {
    output.push({
      type: 'function_call',
      id: fakeId('fc-'),
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    });
  }
  const response = (status: string, withOutput: boolean) => ({
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    output: withOutput ? output : [],
    output_text: withOutput ? (turn.content ?? '') : '',
    usage: withOutput ? usage : null,
    error: null,
    incomplete_details: null,
    // The API echoes the request's instructions and tools in the response.
    instructions: body.instructions ?? null,
    metadata: {},
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: 'auto',
    tools: body.tools ?? [],
    top_p: 1,
  });
  if (!body.stream) return { json: response('completed', true) };
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>): SseEvent => ({ event: type, data: { type, sequence_number: seq++, ...data } });
  const events: SseEvent[] = [
    ev('response.created', { response: response('in_progress', false) }),
    ev('response.in_progress', { response: response('in_progress', false) }),
  ];
  output.forEach((item, outputIndex) => {
    if (item.type === 'message' && !turn.content) {
      // A refusal instead of text.
      const refusal = turn.refusal ?? '';
      const at = { item_id: item.id, output_index: outputIndex, content_index: 0 };
      events.push(ev('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } }));
      events.push(ev('response.content_part.added', { ...at, part: { type: 'refusal', refusal: '' } }));
      events.push(ev('response.refusal.delta', { ...at, delta: refusal }));
      events.push(ev('response.refusal.done', { ...at, refusal }));
      events.push(ev('response.content_part.done', { ...at, part: { type: 'refusal', refusal } }));
    } else if (item.type === 'message') {
      const text = turn.content ?? '';
      events.push(ev('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } }));
      events.push(
        ev('response.content_part.added', {
          item_id: item.id,
          output_index: outputIndex,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        }),
      );
      for (let i = 0; i < text.length; i += 8)
        events.push(ev('response.output_text.delta', { item_id: item.id, output_index: outputIndex, content_index: 0, delta: text.slice(i, i + 8) }));
      events.push(ev('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text }));
      events.push(
        ev('response.content_part.done', {
          item_id: item.id,
          output_index: outputIndex,
          content_index: 0,
          part: { type: 'output_text', text, annotations: [] },
        }),
      );
    } else {
      events.push(ev('response.output_item.added', { output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } }));
      events.push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta: item.arguments }));
      events.push(ev('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: item.arguments }));
    }
    events.push(ev('response.output_item.done', { output_index: outputIndex, item }));
  });
  events.push(ev('response.completed', { response: response('completed', true) }));
  return { sse: events };
}

/** Deterministic embeddings: `dimensions` numbers from each input's characters (as floats, or base64 when asked). */
export function embeddingsReply(request: FakeRequest): FakeReply {
  const body = (request.json ?? {}) as { model?: string; input?: string | string[]; dimensions?: number; encoding_format?: string };
  const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
  const dims = body.dimensions ?? 8;
  const data = inputs.map((text, index) => {
    const vector = Array.from({ length: dims }, (_, d) => {
      let h = d + 1;
      for (const ch of String(text)) h = (h * 31 + ch.charCodeAt(0)) % 1000;
      return h / 1000;
    });
    // base64 is little-endian float32, what the openai client asks for unless told otherwise.
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce((n, t) => n + roughTokens(String(t)), 0);
  return { json: { object: 'list', data, model: body.model ?? 'text-embedding-3-small', usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

/**
 * An OpenAI error answer (`{error: {message, type, param, code}}`), e.g. a 429 rate limit.
 *
 * @example
 * fake.enqueue('POST', '/v1/chat/completions', openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
 */
export function openaiError(
  status: number,
  message: string,
  code: string | null = null,
  type = status === 429 ? 'requests' : 'invalid_request_error',
): FakeReply {
  return { status, headers: status === 429 ? { 'retry-after-ms': '1' } : {}, json: { error: { message, type, param: null, code } } };
}

/** A scripted Chat Completions turn, streamed or not as the request asks. */
export function chatTurn(turn: FakeTurn): FakeHandler {
  return (request) => chatCompletionReply(request, turn);
}

/** A scripted Responses API turn, streamed or not as the request asks. */
export function responsesTurn(turn: FakeTurn): FakeHandler {
  return (request) => responsesReply(request, turn);
}

/**
 * Installs OpenAI's routes under `/v1`: by default the model echoes the last user message; script
 * other turns with `fake.enqueue('POST', '/v1/chat/completions', chatTurn({...}))`.
 *
 * @example
 * installOpenAI(fake);
 * fake.enqueue('POST', '/v1/chat/completions', chatTurn({ toolCalls: [{ name: 'lookup_order', arguments: { id: 42 } }] }));
 */
export function installOpenAI(fake: FakeProvider): void {
  fake.route('POST', '/v1/chat/completions', (request) => chatCompletionReply(request, echoTurn(request)));
  fake.route('POST', '/v1/responses', (request) => {
    const input = (request.json as ResponsesRequest | undefined)?.input;
    const text = typeof input === 'string' ? input : lastUserText(Array.isArray(input) ? (input as { role: string; content?: unknown }[]) : []);
    return responsesReply(request, { content: `Echo: ${text}` });
  });
  fake.route('POST', '/v1/embeddings', embeddingsReply);
  fake.route('POST', '/v1/completions', (request) => completionsReply(request, { content: `Echo: ${promptOf(request)}` }));
}

function promptOf(request: FakeRequest): string {
  const prompt = (request.json as { prompt?: unknown } | undefined)?.prompt;
  return Array.isArray(prompt) ? prompt.map(String).join('\n') : String(prompt ?? '');
}

/** A legacy Completions (`/v1/completions`) answer: a `text_completion`, or its SSE chunks when streaming. */
export function completionsReply(request: FakeRequest, turn: FakeTurn): FakeReply {
  const body = (request.json ?? {}) as { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean } };
  const model = turn.model ?? body.model ?? 'gpt-3.5-turbo-instruct';
  const usage = usageOf(turn, promptOf(request));
  const { prompt_tokens, completion_tokens, total_tokens } = usage;
  const id = fakeId('cmpl-');
  const created = Math.floor(Date.now() / 1000);
  const finish = turn.finishReason ?? 'stop';
  const text = turn.content ?? '';
  if (!body.stream) {
    return {
      json: {
        id,
        object: 'text_completion',
        created,
        model,
        choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
        usage: { prompt_tokens, completion_tokens, total_tokens },
      },
    };
  }
  const chunk = (piece: string, finishReason: string | null) => ({
    data: { id, object: 'text_completion', created, model, choices: [{ index: 0, text: piece, logprobs: null, finish_reason: finishReason }] },
  });
  const events: SseEvent[] = [];
  for (let i = 0; i < text.length; i += 8) events.push(chunk(text.slice(i, i + 8), null));
  events.push(chunk('', finish));
  if (body.stream_options?.include_usage)
    events.push({ data: { id, object: 'text_completion', created, model, choices: [], usage: { prompt_tokens, completion_tokens, total_tokens } } });
  events.push({ data: '[DONE]' });
  return { sse: events };
}

/** A scripted legacy Completions turn, streamed or not as the request asks. */
export function completionsTurn(turn: FakeTurn): FakeHandler {
  return (request) => completionsReply(request, turn);
}

/** The path pattern of Azure's chat completions, for `fake.enqueue`. */
export const AZURE_CHAT_PATH = /^\/openai\/deployments\/(?<deployment>[^/]+)\/chat\/completions$/;

/**
 * Azure OpenAI's deployment routes (`/openai/deployments/<deployment>/chat/completions` and
 * `.../embeddings`), answered like OpenAI's with the deployment name as the model unless
 * the turn names one; point `new AzureOpenAI({ endpoint: fake.url, apiKey, apiVersion })` at it.
 *
 * @example
 * installAzureOpenAI(fake);
 * fake.enqueue('POST', AZURE_CHAT_PATH, chatTurn({ content: 'hi', model: 'gpt-4o-2024-08-06' }));
 */
export function installAzureOpenAI(fake: FakeProvider): void {
  fake.route('POST', AZURE_CHAT_PATH, (request) => chatCompletionReply(request, { ...echoTurn(request), model: request.params.deployment! }));
  fake.route('POST', /^\/openai\/deployments\/(?<deployment>[^/]+)\/embeddings$/, embeddingsReply);
}
