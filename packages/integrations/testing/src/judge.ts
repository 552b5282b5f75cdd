import { anthropicError, anthropicReply } from './anthropic.js';
import { bedrockError, converseResponse } from './bedrock.js';
import { type FakeProvider, type FakeReply, type FakeRequest } from './fake-server.js';
import { GEMINI_GENERATE, geminiError, geminiReply } from './gemini.js';
import { chatCompletionReply, openaiError } from './openai.js';

/**
 * A deterministic LLM judge on the fake provider, for judge and `evaluate()` tests and benchmarks:
 * it answers judge requests on the OpenAI, Anthropic, Bedrock Converse and Gemini routes with a
 * verdict `{"rationale", "result"}` whose `result` fits the request's schema (an enum, a boolean, a
 * number) and is picked by a rule hook or else by a hash of the prompt. It can be slow (`latencyMs`),
 * fail with 429 or 500 or answer garbage on chosen calls (`fault`), and play the trace agent's tool
 * turns when the request offers tools. Usage tokens are about a token per 4 characters.
 */

/** The wire format a judge request came in. */
export type FakeJudgeProtocol = 'openai' | 'anthropic' | 'bedrock' | 'gemini';

/** A judge request, read provider-neutrally. */
export interface FakeJudgeRequest {
  protocol: FakeJudgeProtocol;
  model: string;
  system: string;
  /** Every user and tool-result text of the conversation, joined. */
  prompt: string;
  /** The schema of `result` if the request carried one (lower-case types). */
  resultSchema: Record<string, unknown> | undefined;
  /** Names of the tools offered, the verdict tool excluded. */
  tools: string[];
  /** Tool results already in the conversation (the agent's progress). */
  toolResults: string[];
  /** The raw request. */
  raw: FakeRequest;
}

/** What the fake judge answers: a verdict, raw text (garbage), or a tool call (agent turns). */
export type FakeJudgeAnswer = { result: unknown; rationale?: string } | { raw: string } | { toolCall: { name: string; arguments: Record<string, unknown> } };

/** A failure to inject. */
export type FakeJudgeFault = 'rate_limit' | 'server_error' | 'garbage';

/** Options of {@link installFakeJudge}. */
export interface FakeJudgeOptions {
  /** Decides a verdict (or any answer); `undefined` falls back to the hash of the prompt. */
  verdict?: (request: FakeJudgeRequest) => FakeJudgeAnswer | undefined;
  /** Waits this long before each answer (default 0). */
  latencyMs?: number;
  /** Fails the `n`-th judge request (1-based, counted over all routes) when it returns a fault. */
  fault?: (n: number, request: FakeJudgeRequest) => FakeJudgeFault | undefined;
  /** `Retry-After` seconds on injected 429s (default 0). */
  retryAfterSeconds?: number;
  /**
   * The agent's next tool call when tools are offered; `undefined` ends the exploration. Default:
   * `list_spans`, then `search_trace` for `agentQuery`, then `get_span` of the first id found.
   */
  agentStep?: (request: FakeJudgeRequest) => { name: string; arguments: Record<string, unknown> } | undefined;
  /** The default agent's search text (default `'error'`). */
  agentQuery?: string;
}

/** The fake judge's record of what happened. */
export interface FakeJudge {
  /** Judge requests so far, parsed, oldest first (faulted ones included). */
  requests: FakeJudgeRequest[];
  /** Injected faults so far, by kind. */
  faults: Record<FakeJudgeFault, number>;
}

const VERDICT_TOOL = 'record_verdict';

/**
 * A 32-bit FNV-1a hash of a text, for deterministic choices.
 *
 * @example
 * fnv1a('hello') % 2;
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((b) => (isRecord(b) ? (typeof b.text === 'string' ? b.text : typeof b.content === 'string' ? b.content : '') : '')).join('\n')
      : '';

function lowerTypes(schema: unknown): Record<string, unknown> | undefined {
  if (!isRecord(schema)) return undefined;
  const out: Record<string, unknown> = { ...schema };
  if (typeof out.type === 'string') out.type = out.type.toLowerCase();
  return out;
}

/**
 * A judge request in any of the four wire formats, read provider-neutrally.
 *
 * @example
 * readJudgeRequest('openai', request).prompt;
 */
export function readJudgeRequest(protocol: FakeJudgeProtocol, raw: FakeRequest): FakeJudgeRequest {
  const body = (raw.json ?? {}) as Record<string, unknown>;
  let system = '';
  const prompt: string[] = [];
  const toolResults: string[] = [];
  let schema: unknown;
  let tools: string[] = [];
  let model: string;
  if (protocol === 'openai') {
    model = String(body.model ?? '');
    for (const m of (body.messages as { role: string; content?: unknown }[] | undefined) ?? []) {
      if (m.role === 'system') system += textOf(m.content);
      else if (m.role === 'user') prompt.push(textOf(m.content));
      else if (m.role === 'tool') toolResults.push(textOf(m.content));
    }
    schema = ((body.response_format as { json_schema?: { schema?: { properties?: { result?: unknown } } } } | undefined)?.json_schema?.schema?.properties ?? {})
      .result;
    tools = ((body.tools as { function?: { name?: string } }[] | undefined) ?? []).map((t) => t.function?.name ?? '');
  } else if (protocol === 'anthropic') {
    model = String(body.model ?? '');
    system = textOf(body.system);
    for (const m of (body.messages as { role: string; content?: unknown }[] | undefined) ?? []) {
      if (m.role !== 'user') continue;
      for (const b of Array.isArray(m.content) ? m.content : [{ type: 'text', text: m.content }])
        if (isRecord(b) && b.type === 'tool_result') toolResults.push(textOf(b.content));
        else if (isRecord(b)) prompt.push(textOf([b]));
    }
    const all = (body.tools as { name?: string; input_schema?: { properties?: { result?: unknown } } }[] | undefined) ?? [];
    schema = all.find((t) => t.name === VERDICT_TOOL)?.input_schema?.properties?.result;
    tools = all.map((t) => t.name ?? '').filter((n) => n !== VERDICT_TOOL);
  } else if (protocol === 'bedrock') {
    model = decodeURIComponent(raw.params.modelId ?? '');
    system = textOf(body.system);
    for (const m of (body.messages as { role: string; content?: unknown }[] | undefined) ?? []) if (m.role === 'user') prompt.push(textOf(m.content));
  } else {
    model = raw.params.model ?? '';
    system = textOf((body.systemInstruction as { parts?: unknown } | undefined)?.parts);
    for (const c of (body.contents as { role?: string; parts?: unknown }[] | undefined) ?? []) if (c.role !== 'model') prompt.push(textOf(c.parts));
    schema = ((body.generationConfig as { responseSchema?: { properties?: { result?: unknown } } } | undefined)?.responseSchema?.properties ?? {}).result;
  }
  return { protocol, model, system, prompt: prompt.join('\n'), resultSchema: lowerTypes(schema), tools, toolResults, raw };
}

/**
 * The default verdict: a value that fits the result schema, picked by a hash of the prompt
 * (`"yes"`/`"no"` when there is no schema).
 *
 * @example
 * hashVerdict(request); // { result: 'yes', rationale: 'Deterministic fake verdict (hash 1234).' }
 */
export function hashVerdict(request: FakeJudgeRequest): { result: unknown; rationale: string } {
  const h = fnv1a(request.system + '\n' + request.prompt);
  const s = request.resultSchema ?? {};
  let result: unknown;
  if (Array.isArray(s.enum) && s.enum.length > 0) result = s.enum[h % s.enum.length];
  else if (s.type === 'boolean') result = h % 2 === 0;
  else if (s.type === 'number' || s.type === 'integer') {
    const min = typeof s.minimum === 'number' ? s.minimum : 1;
    const max = typeof s.maximum === 'number' ? s.maximum : 5;
    result = min + (h % (Math.floor(max - min) + 1));
  } else result = h % 2 === 0 ? 'yes' : 'no';
  return { result, rationale: `Deterministic fake verdict (hash ${h}).` };
}

function defaultAgentStep(request: FakeJudgeRequest, query: string): { name: string; arguments: Record<string, unknown> } | undefined {
  const done = request.toolResults.length;
  if (done === 0 && request.tools.includes('list_spans')) return { name: 'list_spans', arguments: { offset: 0, limit: 50 } };
  if (done === 1 && request.tools.includes('search_trace')) return { name: 'search_trace', arguments: { query } };
  if (done === 2 && request.tools.includes('get_span')) {
    const id = /"span_id":"([0-9a-f]+)"/.exec(request.toolResults[1] ?? '')?.[1] ?? /"span_id":"([0-9a-f]+)"/.exec(request.toolResults[0] ?? '')?.[1];
    if (id) return { name: 'get_span', arguments: { span_id: id } };
  }
  return undefined;
}

const GARBAGE = 'Well, it depends on how you look at it. I would lean towards maybe.';

function answerReply(protocol: FakeJudgeProtocol, raw: FakeRequest, answer: FakeJudgeAnswer): FakeReply {
  const text =
    'raw' in answer ? answer.raw : 'result' in answer ? JSON.stringify({ rationale: answer.rationale ?? 'Fake rationale.', result: answer.result }) : undefined;
  const call = 'toolCall' in answer ? answer.toolCall : undefined;
  switch (protocol) {
    case 'openai':
      return chatCompletionReply(raw, call ? { toolCalls: [{ name: call.name, arguments: call.arguments }] } : { content: text ?? '' });
    case 'anthropic': {
      const forced = 'result' in answer && (raw.json as { tools?: { name?: string }[] } | undefined)?.tools?.some((t) => t.name === VERDICT_TOOL);
      if (forced) return anthropicReply(raw, { toolUses: [{ name: VERDICT_TOOL, input: JSON.parse(text!) as Record<string, unknown> }] });
      return anthropicReply(raw, call ? { toolUses: [{ name: call.name, input: call.arguments }] } : { text: text ?? '' });
    }
    case 'bedrock':
      return { json: converseResponse(raw, { text: text ?? '' }) };
    case 'gemini':
      return geminiReply(raw, { text: text ?? '' });
  }
}

function faultReply(protocol: FakeJudgeProtocol, fault: 'rate_limit' | 'server_error', retryAfter: number): FakeReply {
  const status = fault === 'rate_limit' ? 429 : 500;
  const message = fault === 'rate_limit' ? 'Rate limit reached (fake)' : 'Internal error (fake)';
  const reply =
    protocol === 'openai'
      ? openaiError(status, message)
      : protocol === 'anthropic'
        ? anthropicError(status, message)
        : protocol === 'bedrock'
          ? bedrockError(status, status === 429 ? 'ThrottlingException' : 'InternalServerException', message)
          : geminiError(status, message);
  const headers: Record<string, string> = { ...('headers' in reply ? reply.headers : {}) };
  delete headers['retry-after-ms'];
  if (status === 429) headers['retry-after'] = String(retryAfter);
  return { ...reply, headers } as FakeReply;
}

const ROUTES: [FakeJudgeProtocol, string | RegExp][] = [
  ['openai', '/v1/chat/completions'],
  ['anthropic', '/v1/messages'],
  ['bedrock', /^\/model\/(?<modelId>[^/]+)\/converse$/],
  ['gemini', GEMINI_GENERATE],
];

/**
 * Makes the fake provider a deterministic judge on the OpenAI, Anthropic, Bedrock Converse and
 * Gemini routes (replacing their echo defaults).
 *
 * @example
 * const fake = await startFakeProvider();
 * const judge = installFakeJudge(fake, { latencyMs: 50, fault: (n) => (n % 10 === 0 ? 'rate_limit' : undefined) });
 * const scorer = Correctness({ model: judgeModel('openai:/gpt-4o-mini', { baseUrl: `${fake.url}/v1`, apiKey: 'k' }) });
 */
export function installFakeJudge(fake: FakeProvider, options: FakeJudgeOptions = {}): FakeJudge {
  const state: FakeJudge = { requests: [], faults: { rate_limit: 0, server_error: 0, garbage: 0 } };
  for (const [protocol, pattern] of ROUTES) {
    fake.route('POST', pattern, (raw) => {
      const request = readJudgeRequest(protocol, raw);
      state.requests.push(request);
      const fault = options.fault?.(state.requests.length, request);
      const delay = (reply: FakeReply): FakeReply => (options.latencyMs ? ({ ...reply, delayMs: options.latencyMs } as FakeReply) : reply);
      if (fault) state.faults[fault]++;
      if (fault === 'rate_limit' || fault === 'server_error') return delay(faultReply(protocol, fault, options.retryAfterSeconds ?? 0));
      if (fault === 'garbage') return delay(answerReply(protocol, raw, { raw: GARBAGE }));
      const step = request.tools.length ? (options.agentStep ?? ((r) => defaultAgentStep(r, options.agentQuery ?? 'error')))(request) : undefined;
      const answer: FakeJudgeAnswer = step ? { toolCall: step } : (options.verdict?.(request) ?? hashVerdict(request));
      return delay(answerReply(protocol, raw, answer));
    });
  }
  return state;
}

/**
 * A fault schedule: `kind` on every `n`-th request.
 *
 * @example
 * installFakeJudge(fake, { fault: everyNth(5, 'server_error') });
 */
export function everyNth(n: number, kind: FakeJudgeFault): (index: number) => FakeJudgeFault | undefined {
  return (index) => (index % n === 0 ? kind : undefined);
}
