import { fakeId, type FakeProvider, type FakeReply, type FakeRequest, roughTokens, type SseEvent } from './fake-server.js';

/**
 * The Anthropic Messages wire protocol on the fake provider: `POST /v1/messages` as JSON or as
 * server-sent events (`message_start`, `content_block_*`, `message_delta`, `message_stop`, with a
 * `ping`), tool use, thinking, cache token counts, the API's error body (400, 401, 429, 529) and
 * an `error` event mid-stream. Point `new Anthropic({ baseURL: fake.url })` at it. The same message
 * bodies and events serve Claude on the fake Bedrock (`InvokeModel`).
 */

/** What the fake Claude answers in one turn. */
export interface AnthropicTurn {
  text?: string;
  /** Thinking that precedes the answer (a `thinking` block with a signature). */
  thinking?: string;
  toolUses?: { id?: string; name: string; input: Record<string, unknown> }[];
  /** Default `end_turn`, or `tool_use` when there are tool uses. */
  stopReason?: string;
  /** Default: about a token per 4 characters of the request and the answer, nothing cached. */
  usage?: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
  /** Default: the requested model. */
  model?: string;
}

interface MessagesRequest {
  model?: string;
  stream?: boolean;
  messages?: { role: string; content: unknown }[];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (b && typeof b === 'object' && 'text' in b ? String((b as { text: unknown }).text) : '')).join('');
}

/** The default turn: echoes the last user message. */
export function echoAnthropicTurn(request: FakeRequest): AnthropicTurn {
  const messages = (request.json as MessagesRequest | undefined)?.messages ?? [];
  const user = [...messages].reverse().find((m) => m.role === 'user');
  return { text: `Echo: ${user ? textOf(user.content) : ''}` };
}

/**
 * A Messages API response body for `turn`, as the API returns it without streaming.
 *
 * @example
 * anthropicMessage({ text: 'Hi', usage: { input_tokens: 5, output_tokens: 1 } }, 'claude-sonnet-4-5');
 */
export function anthropicMessage(turn: AnthropicTurn, requestedModel = 'claude-sonnet-4-5', requestText = ''): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (turn.thinking !== undefined) content.push({ type: 'thinking', thinking: turn.thinking, signature: `sig-${roughTokens(turn.thinking)}` });
  if (turn.text !== undefined) content.push({ type: 'text', text: turn.text, citations: null });
  for (const use of turn.toolUses ?? []) content.push({ type: 'tool_use', id: use.id ?? fakeId('toolu_', 8), name: use.name, input: use.input });
  const answerText = (turn.thinking ?? '') + (turn.text ?? '') + (turn.toolUses ?? []).map((u) => u.name + JSON.stringify(u.input)).join('');
  const usage = turn.usage ?? { input_tokens: roughTokens(requestText), output_tokens: roughTokens(answerText) };
  return {
    id: fakeId('msg_', 8),
    type: 'message',
    role: 'assistant',
    model: turn.model ?? requestedModel,
    content,
    stop_reason: turn.stopReason ?? ((turn.toolUses ?? []).length > 0 ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage, service_tier: 'standard' },
  };
}

/** Splits text into a few pieces, as a model streams it. */
function pieces(text: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/**
 * The stream events of a message, as `stream: true` sends them: the message without content and
 * with input usage first, each block started, its deltas, stopped, then the stop reason and output usage.
 *
 * @example
 * anthropicStreamEvents(anthropicMessage({ text: 'Hello there' })); // [message_start, ping, content_block_start, ...]
 */
export function anthropicStreamEvents(message: Record<string, unknown>): { type: string; [k: string]: unknown }[] {
  const usage = message.usage as Record<string, number>;
  const events: { type: string; [k: string]: unknown }[] = [];
  events.push({ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
  events.push({ type: 'ping' });
  (message.content as Record<string, unknown>[]).forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } });
      for (const text of pieces(String(block.text))) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    } else if (block.type === 'thinking') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const thinking of pieces(String(block.thinking))) events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else if (block.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      for (const partial_json of pieces(JSON.stringify(block.input), 5))
        events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  events.push({ type: 'message_stop' });
  return events;
}

/** Events as server-sent events, each named after its type. */
export function anthropicSse(events: { type: string }[]): SseEvent[] {
  return events.map((e) => ({ event: e.type, data: e }));
}

/**
 * The answer to a Messages request: JSON, or server-sent events when the request streams.
 *
 * @example
 * fake.enqueue('POST', '/v1/messages', (req) => anthropicReply(req, { toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] }));
 */
export function anthropicReply(request: FakeRequest, turn: AnthropicTurn): FakeReply {
  const body = (request.json ?? {}) as MessagesRequest;
  const message = anthropicMessage(turn, body.model, JSON.stringify(body.messages ?? []));
  const headers = { 'request-id': fakeId('req_', 8) };
  if (body.stream) return { headers, sse: anthropicSse(anthropicStreamEvents(message)) };
  return { headers, json: message };
}

/** Anthropic's error types by HTTP status. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * An error answer in Anthropic's error body (`{ type: 'error', error: { type, message } }`).
 *
 * @example
 * fake.enqueue('POST', '/v1/messages', anthropicError(429, 'Number of request tokens has exceeded your rate limit'));
 */
export function anthropicError(status: number, message: string): FakeReply {
  const headers: Record<string, string> = { 'request-id': fakeId('req_', 8), 'x-should-retry': 'false' };
  if (status === 429) headers['retry-after'] = '0';
  return { status, headers, json: { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } } };
}

/**
 * A stream that breaks off: the first `after` events of `turn`'s stream, then an `error` event
 * (as the API sends when it is overloaded mid-answer).
 *
 * @example
 * fake.enqueue('POST', '/v1/messages', (req) => anthropicStreamError(req, { text: 'partial answer' }, 4));
 */
export function anthropicStreamError(
  request: FakeRequest,
  turn: AnthropicTurn,
  after: number,
  error = { type: 'overloaded_error', message: 'Overloaded' },
): FakeReply {
  const body = (request.json ?? {}) as MessagesRequest;
  const events = anthropicStreamEvents(anthropicMessage(turn, body.model)).slice(0, after);
  return { sse: [...anthropicSse(events), { event: 'error', data: { type: 'error', error } }] };
}

/**
 * Installs the Anthropic routes: `POST /v1/messages` (echo, JSON or SSE) and
 * `POST /v1/messages/count_tokens`.
 *
 * @example
 * const fake = await startFakeProvider();
 * installAnthropic(fake);
 * const client = new Anthropic({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
 */
export function installAnthropic(fake: FakeProvider): void {
  fake.route('POST', '/v1/messages', (request) => anthropicReply(request, echoAnthropicTurn(request)));
  fake.route('POST', '/v1/messages/count_tokens', (request) => ({
    json: { input_tokens: roughTokens(JSON.stringify((request.json as MessagesRequest | undefined)?.messages ?? [])) },
  }));
}
