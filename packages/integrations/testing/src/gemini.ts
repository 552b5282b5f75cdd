import { type FakeHandler, fakeId, type FakeProvider, type FakeReply, type FakeRequest, roughTokens, type SseEvent } from './fake-server.js';

/**
 * The Gemini Developer API wire protocol on the fake provider (REST, `v1beta` and `v1`):
 * `models/{model}:generateContent`, `:streamGenerateContent?alt=sse` (each event a partial
 * `GenerateContentResponse`, usage as a running total), `:embedContent` and `:batchEmbedContents`
 * (what `@google/genai` calls for `models.embedContent`), and Google's error body
 * `{error: {code, message, status}}`. Point `@google/genai` at it with
 * `new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: fake.url } })`.
 */

/** A function call the fake model makes. */
export interface GeminiFakeCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

/** What the fake Gemini model answers in one turn. */
export interface GeminiTurn {
  text?: string;
  /** A thought summary part (`thought: true`) before the answer. */
  thought?: string;
  functionCalls?: GeminiFakeCall[];
  /** Default `STOP`. */
  finishReason?: string;
  /** Default: about a token per 4 characters of the request and the answer. */
  usage?: { promptTokenCount: number; candidatesTokenCount: number; cachedContentTokenCount?: number; thoughtsTokenCount?: number };
  /** Default: the model in the URL, with a version suffix (`gemini-2.5-flash-001`). */
  modelVersion?: string;
}

interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: unknown;
  functionResponse?: unknown;
}
interface GeminiRequest {
  contents?: { role?: string; parts?: GeminiPart[] }[];
  systemInstruction?: unknown;
}

/** The model name in a request path (`/v1beta/models/gemini-2.5-flash:generateContent`). */
function modelOf(request: FakeRequest): string {
  return request.params.model ?? 'gemini-2.5-flash';
}

function lastUserText(body: GeminiRequest): string {
  const user = [...(body.contents ?? [])].reverse().find((c) => c.role === undefined || c.role === 'user');
  return (user?.parts ?? []).map((p) => p.text ?? '').join('');
}

/**
 * The default turn: echoes the last user text.
 *
 * @example
 * fake.enqueue('POST', GEMINI_GENERATE, (req) => geminiReply(req, geminiEchoTurn(req)));
 */
export function geminiEchoTurn(request: FakeRequest): GeminiTurn {
  return { text: `Echo: ${lastUserText((request.json ?? {}) as GeminiRequest)}` };
}

function usageOf(turn: GeminiTurn, request: FakeRequest) {
  const answer = (turn.text ?? '') + (turn.functionCalls ?? []).map((c) => c.name + JSON.stringify(c.args)).join('');
  const u = turn.usage ?? { promptTokenCount: roughTokens(JSON.stringify(request.json ?? {})), candidatesTokenCount: roughTokens(answer) };
  return {
    promptTokenCount: u.promptTokenCount,
    candidatesTokenCount: u.candidatesTokenCount,
    ...(u.cachedContentTokenCount !== undefined ? { cachedContentTokenCount: u.cachedContentTokenCount } : {}),
    ...(u.thoughtsTokenCount !== undefined ? { thoughtsTokenCount: u.thoughtsTokenCount } : {}),
    totalTokenCount: u.promptTokenCount + u.candidatesTokenCount + (u.thoughtsTokenCount ?? 0),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.promptTokenCount }],
  };
}

function partsOf(turn: GeminiTurn): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (turn.thought) parts.push({ text: turn.thought, thought: true });
  if (turn.text) parts.push({ text: turn.text });
  for (const call of turn.functionCalls ?? []) parts.push({ functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: call.args } });
  return parts;
}

/**
 * The answer to a `generateContent` or `streamGenerateContent` request: one response, or SSE
 * events of partial responses (text in pieces, usage as a running total, the last with the
 * finish reason) when the path streams.
 *
 * @example
 * fake.enqueue('POST', GEMINI_GENERATE, (req) => ({ ...(geminiReply(req, { text: 'cut short' }) as object), hangupAfter: 1 }) as FakeReply);
 */
export function geminiReply(request: FakeRequest, turn: GeminiTurn): FakeReply {
  const modelVersion = turn.modelVersion ?? `${modelOf(request)}-001`;
  const responseId = fakeId('resp-');
  const usageMetadata = usageOf(turn, request);
  const finishReason = turn.finishReason ?? 'STOP';
  if (request.params.method !== 'streamGenerateContent') {
    return { json: { candidates: [{ content: { role: 'model', parts: partsOf(turn) }, finishReason, index: 0 }], usageMetadata, modelVersion, responseId } };
  }
  const chunk = (parts: GeminiPart[], candidates: number, last: boolean): SseEvent => ({
    data: {
      candidates: [{ content: { role: 'model', parts }, ...(last ? { finishReason } : {}), index: 0 }],
      usageMetadata: {
        promptTokenCount: usageMetadata.promptTokenCount,
        candidatesTokenCount: candidates,
        totalTokenCount: usageMetadata.promptTokenCount + candidates,
        ...(last ? usageMetadata : {}),
      },
      modelVersion,
      responseId,
    },
  });
  const pieces: GeminiPart[][] = [];
  if (turn.thought) pieces.push([{ text: turn.thought, thought: true }]);
  const text = turn.text ?? '';
  for (let i = 0; i < text.length; i += 8) pieces.push([{ text: text.slice(i, i + 8) }]);
  // Gemini sends function calls whole, never in pieces.
  const calls = partsOf({ functionCalls: turn.functionCalls ?? [] });
  if (calls.length > 0) pieces.push(calls);
  if (pieces.length === 0) pieces.push([]);
  const per = Math.max(1, Math.floor(usageMetadata.candidatesTokenCount / pieces.length));
  const events = pieces.map((parts, i) => chunk(parts, i === pieces.length - 1 ? usageMetadata.candidatesTokenCount : per * (i + 1), i === pieces.length - 1));
  return { sse: events };
}

/**
 * Deterministic embeddings: `outputDimensionality` (default 8) numbers from each content's text.
 *
 * @example
 * fake.route('POST', GEMINI_EMBED, geminiEmbedReply);
 */
export function geminiEmbedReply(request: FakeRequest): FakeReply {
  const body = (request.json ?? {}) as {
    requests?: { content?: { parts?: GeminiPart[] }; outputDimensionality?: number }[];
    content?: { parts?: GeminiPart[] };
    outputDimensionality?: number;
  };
  const requests = body.requests ?? [
    { ...(body.content ? { content: body.content } : {}), ...(body.outputDimensionality ? { outputDimensionality: body.outputDimensionality } : {}) },
  ];
  const embeddings = requests.map((r) => {
    const text = (r.content?.parts ?? []).map((p) => p.text ?? '').join('');
    const values = Array.from({ length: r.outputDimensionality ?? 8 }, (_, d) => {
      let h = d + 1;
      for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 1000;
      return h / 1000;
    });
    return { values };
  });
  return { json: body.requests ? { embeddings } : { embedding: embeddings[0] } };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/**
 * A Google API error answer (`{error: {code, message, status}}`), e.g. 429 `RESOURCE_EXHAUSTED`.
 *
 * @example
 * fake.enqueue('POST', GEMINI_GENERATE, geminiError(429, 'Resource has been exhausted (e.g. check quota).'));
 */
export function geminiError(code: number, message: string, status = STATUS_NAMES[code] ?? 'UNKNOWN'): FakeReply {
  return { status: code, json: { error: { code, message, status } } };
}

/**
 * A scripted turn, streamed or not as the request path asks.
 *
 * @example
 * fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: '{"ok":true}' }));
 */
export function geminiTurn(turn: GeminiTurn): FakeHandler {
  return (request) => geminiReply(request, turn);
}

/**
 * Matches `generateContent` and `streamGenerateContent` paths (for `fake.enqueue`).
 *
 * @example
 * fake.enqueue('POST', GEMINI_GENERATE, geminiError(400, 'Invalid JSON payload received.'));
 */
export const GEMINI_GENERATE = /^\/(?<version>v1|v1beta|v1alpha)\/models\/(?<model>[^/:]+):(?<method>generateContent|streamGenerateContent)$/;
/**
 * Matches `embedContent` and `batchEmbedContents` paths.
 *
 * @example
 * fake.enqueue('POST', GEMINI_EMBED, geminiError(429, 'Quota exceeded.'));
 */
export const GEMINI_EMBED = /^\/(?<version>v1|v1beta|v1alpha)\/models\/(?<model>[^/:]+):(?<method>embedContent|batchEmbedContents)$/;

/**
 * Installs the Gemini routes: by default the model echoes the last user text; script other turns
 * with `fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({...}))`.
 *
 * @example
 * installGemini(fake);
 * fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] }));
 * const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: fake.url } });
 */
export function installGemini(fake: FakeProvider): void {
  fake.route('POST', GEMINI_GENERATE, (request) => geminiReply(request, geminiEchoTurn(request)));
  fake.route('POST', GEMINI_EMBED, geminiEmbedReply);
}
