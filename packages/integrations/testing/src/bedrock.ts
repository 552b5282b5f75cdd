import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { anthropicMessage, anthropicStreamEvents, type AnthropicTurn } from './anthropic.js';
import { fakeId, type FakeProvider, type FakeReply, type FakeRequest, roughTokens } from './fake-server.js';

/**
 * The Amazon Bedrock Runtime wire protocol on the fake provider (AWS restJson1):
 * `POST /model/{modelId}/converse` (JSON), `/converse-stream` and `/invoke-with-response-stream`
 * (the AWS binary event stream, `application/vnd.amazon.eventstream`), `/invoke` (the model
 * vendor's own body), and AWS error answers (`x-amzn-errortype`). Recent clients send over HTTP/2
 * (`NodeHttp2Handler`), older ones over HTTP/1.1: {@link startBedrockFront} serves both in front of
 * the fake. Point the real client at it with `new BedrockRuntimeClient({ endpoint: front.url,
 * region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 })`.
 */

/** What the fake model answers in one Converse turn. */
export interface BedrockTurn {
  text?: string;
  /** Reasoning before the answer (a `reasoningContent` block). */
  reasoning?: string;
  toolUses?: { toolUseId?: string; name: string; input: Record<string, unknown> }[];
  /** Default `end_turn`, or `tool_use` with tool uses. */
  stopReason?: string;
  /** Default: about a token per 4 characters, nothing cached. */
  usage?: { inputTokens: number; outputTokens: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number };
}

/**
 * One message of the AWS event stream encoding: prelude (total and headers length, CRC32),
 * string headers, payload, message CRC32.
 *
 * @example
 * encodeEventStreamMessage({ ':message-type': 'event', ':event-type': 'messageStart' }, '{"role":"assistant"}');
 */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array | string): Buffer {
  const headerParts = Object.entries(headers).map(([name, value]) => {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const part = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    part.writeUInt8(n.length, 0);
    n.copy(part, 1);
    part.writeUInt8(7, 1 + n.length); // 7: string header
    part.writeUInt16BE(v.length, 2 + n.length);
    v.copy(part, 4 + n.length);
    return part;
  });
  const headerBytes = Buffer.concat(headerParts);
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const total = 12 + headerBytes.length + body.length + 4;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(zlib.crc32(prelude.subarray(0, 8)), 8);
  const message = Buffer.concat([prelude, headerBytes, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(message), 0);
  return Buffer.concat([message, crc]);
}

/** An event of an event stream (`messageStart`, `contentBlockDelta`, `chunk`, ...). */
export function bedrockEvent(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage({ ':message-type': 'event', ':event-type': eventType, ':content-type': 'application/json' }, JSON.stringify(payload));
}

/** A modeled exception inside an event stream (`modelStreamErrorException`, `throttlingException`, ...). */
export function bedrockStreamException(exceptionType: string, message: string): Buffer {
  return encodeEventStreamMessage(
    { ':message-type': 'exception', ':exception-type': exceptionType, ':content-type': 'application/json' },
    JSON.stringify({ message }),
  );
}

/** The events as an event-stream answer; `hangupAfter` drops the connection after that many. */
export function eventStreamReply(frames: Buffer[], extra: { delayMs?: number; hangupAfter?: number } = {}): FakeReply {
  return { headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': fakeId('req-', 8) }, chunks: frames, ...extra };
}

/**
 * An AWS error answer: the status, `x-amzn-errortype` and `{ message }`, as Bedrock sends them.
 *
 * @example
 * fake.enqueue('POST', /converse$/, bedrockError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'));
 */
export function bedrockError(status: number, type: string, message: string): FakeReply {
  return {
    status,
    headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': fakeId('req-', 8) },
    json: { message },
  };
}

function contentOf(turn: BedrockTurn): Record<string, unknown>[] {
  const content: Record<string, unknown>[] = [];
  if (turn.reasoning !== undefined)
    content.push({ reasoningContent: { reasoningText: { text: turn.reasoning, signature: `sig-${roughTokens(turn.reasoning)}` } } });
  if (turn.text !== undefined) content.push({ text: turn.text });
  for (const use of turn.toolUses ?? []) content.push({ toolUse: { toolUseId: use.toolUseId ?? fakeId('tooluse_', 8), name: use.name, input: use.input } });
  return content;
}

function usageOf(turn: BedrockTurn, request: FakeRequest) {
  const answer = (turn.reasoning ?? '') + (turn.text ?? '') + JSON.stringify(turn.toolUses ?? []);
  const u = turn.usage ?? {
    inputTokens: roughTokens(JSON.stringify((request.json as { messages?: unknown } | undefined)?.messages ?? [])),
    outputTokens: roughTokens(answer),
  };
  return { ...u, totalTokens: u.inputTokens + u.outputTokens + (u.cacheReadInputTokens ?? 0) + (u.cacheWriteInputTokens ?? 0) };
}

/** The Converse response body for `turn`. */
export function converseResponse(request: FakeRequest, turn: BedrockTurn): Record<string, unknown> {
  return {
    output: { message: { role: 'assistant', content: contentOf(turn) } },
    stopReason: turn.stopReason ?? ((turn.toolUses ?? []).length > 0 ? 'tool_use' : 'end_turn'),
    usage: usageOf(turn, request),
    metrics: { latencyMs: 42 },
  };
}

/**
 * The ConverseStream events of `turn`: messageStart, each block's start (tool use) and deltas
 * (text, tool input JSON in pieces, reasoning), messageStop, metadata with usage.
 *
 * @example
 * fake.enqueue('POST', /converse-stream$/, (req) => eventStreamReply(converseStreamFrames(req, { text: 'Hi' })));
 */
export function converseStreamFrames(request: FakeRequest, turn: BedrockTurn): Buffer[] {
  const response = converseResponse(request, turn);
  const frames = [bedrockEvent('messageStart', { role: 'assistant' })];
  contentOf(turn).forEach((block, contentBlockIndex) => {
    if (block.toolUse) {
      const { input, ...start } = block.toolUse as Record<string, unknown>;
      frames.push(bedrockEvent('contentBlockStart', { contentBlockIndex, start: { toolUse: start } }));
      const json = JSON.stringify(input);
      for (let i = 0; i < json.length; i += 6)
        frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: json.slice(i, i + 6) } } }));
    } else if (typeof block.text === 'string') {
      for (let i = 0; i < Math.max(1, block.text.length); i += 8)
        frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex, delta: { text: block.text.slice(i, i + 8) } }));
    } else if (block.reasoningContent) {
      const reasoning = (block.reasoningContent as { reasoningText: { text: string; signature: string } }).reasoningText;
      frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex, delta: { reasoningContent: { text: reasoning.text } } }));
      frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex, delta: { reasoningContent: { signature: reasoning.signature } } }));
    }
    frames.push(bedrockEvent('contentBlockStop', { contentBlockIndex }));
  });
  frames.push(bedrockEvent('messageStop', { stopReason: response.stopReason }));
  frames.push(bedrockEvent('metadata', { usage: response.usage, metrics: response.metrics }));
  return frames;
}

/** An InvokeModel stream chunk: the model's own JSON, base64 in `bytes`. */
export function invokeChunk(json: unknown): Buffer {
  return bedrockEvent('chunk', { bytes: Buffer.from(JSON.stringify(json)).toString('base64') });
}

/**
 * Claude's InvokeModelWithResponseStream chunks: the Anthropic stream events, the last one with
 * Bedrock's `amazon-bedrock-invocationMetrics`.
 */
export function claudeInvokeStreamFrames(modelId: string, turn: AnthropicTurn): Buffer[] {
  const message = anthropicMessage(turn, claudeModelOf(modelId));
  const usage = message.usage as { input_tokens: number; output_tokens: number };
  const events = anthropicStreamEvents(message).filter((e) => e.type !== 'ping');
  return events.map((event, i) =>
    invokeChunk(
      i < events.length - 1
        ? event
        : {
            ...event,
            'amazon-bedrock-invocationMetrics': {
              inputTokenCount: usage.input_tokens,
              outputTokenCount: usage.output_tokens,
              invocationLatency: 120,
              firstByteLatency: 40,
            },
          },
    ),
  );
}

/** The Anthropic model name Bedrock's Claude answers with (`us.anthropic.claude-x-v1:0` → `claude-x`). */
function claudeModelOf(modelId: string): string {
  return modelId.replace(/^.*anthropic\./, '').replace(/-v\d+(:\d+)?$/, '');
}

/**
 * The default InvokeModel answer to `request`: Claude messages bodies get an echoing Anthropic
 * message, Nova bodies a Converse-shaped answer, Titan text bodies a Titan answer; each with
 * Bedrock's token-count headers.
 */
export function invokeModelReply(request: FakeRequest, modelId: string): FakeReply {
  const body = (request.json ?? {}) as Record<string, unknown>;
  let answer: Record<string, unknown>;
  let input: number;
  let output: number;
  if (typeof body.anthropic_version === 'string') {
    const messages = (body.messages ?? []) as { role: string; content: unknown }[];
    const last = messages.at(-1)?.content;
    const text = typeof last === 'string' ? last : Array.isArray(last) ? last.map((b: { text?: string }) => b.text ?? '').join('') : '';
    answer = anthropicMessage({ text: `Echo: ${text}` }, claudeModelOf(modelId), JSON.stringify(messages));
    ({ input_tokens: input, output_tokens: output } = answer.usage as { input_tokens: number; output_tokens: number });
  } else if (Array.isArray(body.messages)) {
    answer = converseResponse(request, { text: 'Nova says hi' });
    ({ inputTokens: input, outputTokens: output } = answer.usage as { inputTokens: number; outputTokens: number });
  } else {
    const inputText = String(body.inputText ?? body.prompt ?? '');
    input = roughTokens(inputText);
    output = 3;
    answer = { inputTextTokenCount: input, results: [{ tokenCount: output, outputText: 'Titan says hi', completionReason: 'FINISH' }] };
  }
  return {
    headers: { 'x-amzn-bedrock-input-token-count': String(input), 'x-amzn-bedrock-output-token-count': String(output), 'x-amzn-requestid': fakeId('req-', 8) },
    json: answer,
  };
}

const ROUTE = /^\/model\/(?<modelId>[^/]+)\/(?<action>converse|converse-stream|invoke|invoke-with-response-stream)$/;

/** The model id of a request (decoded from its path). */
export function modelIdOf(request: FakeRequest): string {
  return decodeURIComponent(request.params.modelId ?? '');
}

/**
 * Installs the Bedrock Runtime routes with echoing defaults: Converse and ConverseStream answer
 * `Echo: <last user text>`, InvokeModel answers by body family, InvokeModelWithResponseStream
 * streams Claude's events.
 *
 * @example
 * const fake = await startFakeProvider();
 * installBedrock(fake);
 */
export function installBedrock(fake: FakeProvider): void {
  fake.route('POST', ROUTE, (request) => {
    const modelId = modelIdOf(request);
    const messages = (request.json as { messages?: { content?: unknown }[] } | undefined)?.messages ?? [];
    const last = messages.at(-1)?.content;
    const lastText = Array.isArray(last) ? last.map((b: { text?: string }) => b.text ?? '').join('') : String(last ?? '');
    switch (request.params.action) {
      case 'converse':
        return { json: converseResponse(request, { text: `Echo: ${lastText}` }) };
      case 'converse-stream':
        return eventStreamReply(converseStreamFrames(request, { text: `Echo: ${lastText}` }));
      case 'invoke':
        return invokeModelReply(request, modelId);
      default:
        return eventStreamReply(claudeInvokeStreamFrames(modelId, { text: 'Streamed echo' }));
    }
  });
}

/** The route pattern of one Bedrock action, for `fake.enqueue`. */
export function bedrockPath(action: 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream'): RegExp {
  return new RegExp(`^/model/(?<modelId>[^/]+)/${action}$`);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'proxy-connection', 'te']);

/** Forwards one request to the fake (HTTP/1.1) and streams its answer back through `respond`. */
async function forward(
  fakeUrl: string,
  request: { method: string; path: string; headers: Record<string, unknown>; body: Buffer },
  respond: { head(status: number, headers: Record<string, string>): void; write(chunk: Uint8Array): void; end(): void; fail(): void },
): Promise<void> {
  try {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (!k.startsWith(':') && !HOP_BY_HOP.has(k) && typeof v === 'string') headers[k] = v;
    const res = await fetch(`${fakeUrl}${request.path}`, { method: request.method, headers, ...(request.body.length > 0 ? { body: request.body } : {}) });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k)) out[k] = v;
    });
    respond.head(res.status, out);
    if (res.body) for await (const chunk of res.body) respond.write(chunk);
    respond.end();
  } catch {
    // The fake dropped the connection (a scripted hangup): drop this one too.
    respond.fail();
  }
}

/** A front for the fake speaking HTTP/2 (cleartext, prior knowledge) and HTTP/1.1 on one port. */
export interface BedrockFront {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a front for `fake` that Bedrock clients of any version can talk to: recent ones speak
 * HTTP/2, older ones HTTP/1.1; the first bytes of a connection tell which.
 *
 * @example
 * const front = await startBedrockFront(fake);
 * const client = new BedrockRuntimeClient({ endpoint: front.url, region: 'us-east-1', credentials, maxAttempts: 1 });
 */
export async function startBedrockFront(fake: FakeProvider): Promise<BedrockFront> {
  const collect = (source: NodeJS.ReadableStream, done: (body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    source.on('data', (c: Buffer) => chunks.push(c));
    source.on('end', () => done(Buffer.concat(chunks)));
  };
  const h2 = http2.createServer();
  h2.on('stream', (stream, headers) => {
    collect(stream, (body) => {
      void forward(
        fake.url,
        { method: String(headers[':method']), path: String(headers[':path']), headers, body },
        {
          head: (status, out) => stream.respond({ ':status': status, ...out }),
          write: (chunk) => stream.write(chunk),
          end: () => stream.end(),
          fail: () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR),
        },
      );
    });
  });
  const h1 = http.createServer((req, res) => {
    collect(req, (body) => {
      void forward(
        fake.url,
        { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body },
        {
          head: (status, out) => res.writeHead(status, out),
          write: (chunk) => res.write(chunk),
          end: () => res.end(),
          fail: () => res.socket?.destroy(),
        },
      );
    });
  });
  const listen = async (server: net.Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const ports = { h2: await listen(h2), h1: await listen(h1) };
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const front = net.createServer((socket) => {
    track(socket);
    socket.once('data', (first) => {
      // HTTP/2 with prior knowledge opens with the connection preface 'PRI * HTTP/2.0'; the bytes go
      // on to the server for that protocol (an HTTP/2 session reads its socket natively, so a
      // TCP relay is the way to share one port).
      const upstream = net.connect(first.subarray(0, 3).toString() === 'PRI' ? ports.h2 : ports.h1, '127.0.0.1');
      track(upstream);
      upstream.write(first);
      socket.pipe(upstream);
      upstream.pipe(socket);
      upstream.on('close', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
    });
  });
  await listen(front);
  return {
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        h1.closeAllConnections();
        h1.close();
        h2.close();
        front.close(() => resolve());
      }),
  };
}
