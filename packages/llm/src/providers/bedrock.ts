import { LlmError } from '../errors.js';
import { readEventStream } from '../event-stream.js';
import { signAwsRequest } from '../sigv4.js';
import type { ChatCompletion, ChatCompletionChunk, ChatContentPart, ChatRequest, ChatToolCall, FinishReason } from '../types.js';
import {
  chatUsage,
  chunkFactory,
  contentText,
  dataUrl,
  maxOutputTokens,
  parseToolArguments,
  requireSingleChoice,
  setting,
  stopSequences,
  trimBase,
  type AnswerMeta,
  type ProviderAdapter,
  type ProviderCall,
  type ProviderModel,
} from './provider-adapter.js';

/**
 * Amazon Bedrock's Converse and ConverseStream APIs
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html), one format for
 * every model family. Requests are signed with SigV4 (service `bedrock`) from the endpoint's AWS keys,
 * or carry a Bedrock API key as a bearer token. The stream is AWS's binary event stream.
 */

type Block = Record<string, unknown>;

function regionOf(model: ProviderModel): string {
  return setting(model, 'aws_region', 'region', 'AWS_REGION') ?? 'us-east-1';
}

function partsToBlocks(content: string | ChatContentPart[] | null | undefined): Block[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return (content ?? []).flatMap((p): Block[] => {
    if (p.type === 'text') return [{ text: p.text }];
    const data = dataUrl(p.image_url.url);
    // Converse takes image bytes only, not URLs.
    if (!data) throw new LlmError('client', 'bedrock: image URLs are not supported, send a data: URL', 400, { provider: 'bedrock' });
    return [{ image: { format: data.mediaType.replace(/^image\//, ''), source: { bytes: data.base64 } } }];
  });
}

/**
 * The Converse request body of a chat request.
 *
 * @example
 * converseBody({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 });
 * // { messages: [{ role: 'user', content: [{ text: 'Hi' }] }], inferenceConfig: { maxTokens: 50 } }
 */
export function converseBody(request: ChatRequest): Record<string, unknown> {
  const system: Block[] = [];
  const messages: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]) => {
    const last = messages.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of request.messages) {
    if (m.role === 'system' || m.role === 'developer') system.push({ text: contentText(m.content) });
    else if (m.role === 'user') push('user', partsToBlocks(m.content));
    else if (m.role === 'tool') push('user', [{ toolResult: { toolUseId: m.tool_call_id, content: [{ text: contentText(m.content) }] } }]);
    else {
      const blocks = partsToBlocks(m.content);
      for (const call of m.tool_calls ?? [])
        blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments) } });
      push('assistant', blocks);
    }
  }
  const format = request.response_format;
  if (format?.type === 'json_object') system.push({ text: 'Answer with a single JSON object and nothing else.' });
  if (format?.type === 'json_schema')
    system.push({ text: `Answer with a single JSON object matching this JSON schema and nothing else:\n${JSON.stringify(format.json_schema.schema ?? {})}` });
  const body: Record<string, unknown> = { messages };
  if (system.length > 0) body.system = system;
  const inference: Record<string, unknown> = {};
  const maxTokens = maxOutputTokens(request);
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.top_p !== undefined) inference.topP = request.top_p;
  const stop = stopSequences(request);
  if (stop) inference.stopSequences = stop;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  if (request.tools?.length) {
    const toolConfig: Record<string, unknown> = {
      tools: request.tools.map((t) => ({
        toolSpec: {
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          inputSchema: { json: t.function.parameters ?? { type: 'object', properties: {} } },
        },
      })),
    };
    const choice = request.tool_choice;
    if (choice === 'auto') toolConfig.toolChoice = { auto: {} };
    else if (choice === 'required') toolConfig.toolChoice = { any: {} };
    else if (typeof choice === 'object') toolConfig.toolChoice = { tool: { name: choice.function.name } };
    body.toolConfig = toolConfig;
  }
  return body;
}

function chatCall(model: ProviderModel, request: ChatRequest, options: { stream: boolean; now: number }): ProviderCall {
  requireSingleChoice(request, 'bedrock');
  const region = regionOf(model);
  const base = trimBase(model.baseUrl ?? `https://bedrock-runtime.${region}.amazonaws.com`);
  const url = `${base}/model/${encodeURIComponent(model.modelName)}/${options.stream ? 'converse-stream' : 'converse'}`;
  const body = JSON.stringify(converseBody(request));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const bearer = setting(model, 'api_key', 'aws_bearer_token_bedrock');
  if (bearer) return { url, headers: { ...headers, authorization: `Bearer ${bearer}` }, body };
  const accessKeyId = setting(model, 'aws_access_key_id');
  const secretAccessKey = setting(model, 'aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey)
    throw new LlmError('configuration', `endpoint model ${model.modelName}: no AWS access key pair or Bedrock API key`, 500, { provider: 'bedrock' });
  const sessionToken = setting(model, 'aws_session_token');
  const credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  const signed = signAwsRequest({ url, body, region, service: 'bedrock', credentials, now: new Date(options.now) });
  return { url, headers: { ...headers, ...signed }, body };
}

const STOP: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/**
 * OpenAI's finish reason for a Converse stop reason.
 *
 * @example
 * converseFinishReason('max_tokens'); // 'length'
 */
export function converseFinishReason(stopReason: unknown): FinishReason | null {
  return typeof stopReason === 'string' ? (STOP[stopReason] ?? 'stop') : null;
}

interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

function usageOf(u: ConverseUsage | undefined) {
  const read = u?.cacheReadInputTokens ?? 0;
  const written = u?.cacheWriteInputTokens ?? 0;
  return chatUsage((u?.inputTokens ?? 0) + read + written, u?.outputTokens ?? 0, { cacheRead: read, cacheWrite: written });
}

interface ConverseAnswer {
  output?: { message?: { content?: { text?: string; toolUse?: { toolUseId?: string; name?: string; input?: unknown } }[] } };
  stopReason?: string;
  usage?: ConverseUsage;
}

function chatAnswer(json: unknown, model: ProviderModel, meta: AnswerMeta): ChatCompletion {
  const r = (json ?? {}) as ConverseAnswer;
  const content = r.output?.message?.content;
  if (!Array.isArray(content)) throw new LlmError('invalid_response', 'bedrock answered without output.message.content', 502, { provider: 'bedrock' });
  const text = content.filter((b) => typeof b.text === 'string').map((b) => b.text!);
  const toolCalls: ChatToolCall[] = content
    .filter((b) => b.toolUse)
    .map((b) => ({
      id: b.toolUse!.toolUseId ?? '',
      type: 'function',
      function: { name: b.toolUse!.name ?? '', arguments: JSON.stringify(b.toolUse!.input ?? {}) },
    }));
  const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text.length > 0 ? text.join('') : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: model.modelName,
    choices: [{ index: 0, message, finish_reason: converseFinishReason(r.stopReason) }],
    usage: usageOf(r.usage),
  };
}

function streamException(type: string, payload: Uint8Array): LlmError {
  let message: string;
  try {
    message = String((JSON.parse(Buffer.from(payload).toString('utf8')) as { message?: unknown }).message ?? '');
  } catch {
    message = Buffer.from(payload).toString('utf8').slice(0, 300);
  }
  const text = `bedrock reported ${type} mid-stream: ${message}`;
  if (type === 'throttlingException') return new LlmError('rate_limited', text, 429, { provider: 'bedrock' });
  if (type === 'validationException') return new LlmError('client', text, 400, { provider: 'bedrock' });
  return new LlmError('server', text, 502, { provider: 'bedrock' });
}

async function* chatStream(body: AsyncIterable<Uint8Array>, model: ProviderModel, meta: AnswerMeta): AsyncGenerator<ChatCompletionChunk> {
  const chunks = chunkFactory(meta, model.modelName);
  const toolIndex = new Map<number, number>();
  let finish: FinishReason | null = null;
  for await (const message of readEventStream(body)) {
    const type = message.headers[':message-type'];
    if (type === 'exception' || type === 'error') {
      throw streamException(String(message.headers[':exception-type'] ?? message.headers[':error-code'] ?? 'error'), message.payload);
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(Buffer.from(message.payload).toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new LlmError('invalid_response', 'bedrock streamed an event that is not JSON', 502, { provider: 'bedrock', cause: err });
    }
    switch (message.headers[':event-type']) {
      case 'messageStart':
        yield chunks.delta({ role: 'assistant', content: '' });
        break;
      case 'contentBlockStart': {
        const toolUse = (data.start as { toolUse?: { toolUseId?: string; name?: string } } | undefined)?.toolUse;
        if (toolUse) {
          const index = toolIndex.size;
          toolIndex.set(data.contentBlockIndex as number, index);
          yield chunks.delta({ tool_calls: [{ index, id: toolUse.toolUseId ?? '', type: 'function', function: { name: toolUse.name ?? '', arguments: '' } }] });
        }
        break;
      }
      case 'contentBlockDelta': {
        const delta = (data.delta ?? {}) as { text?: string; toolUse?: { input?: string } };
        if (typeof delta.text === 'string' && delta.text) yield chunks.delta({ content: delta.text });
        const index = toolIndex.get(data.contentBlockIndex as number);
        if (delta.toolUse?.input && index !== undefined) yield chunks.delta({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] });
        break;
      }
      case 'messageStop':
        finish = converseFinishReason(data.stopReason) ?? 'stop';
        yield chunks.delta({}, finish);
        break;
      case 'metadata':
        yield chunks.usage(usageOf(data.usage as ConverseUsage | undefined));
        return;
      default:
        break;
    }
  }
  if (finish === null) throw new LlmError('connection', 'bedrock stream ended before messageStop', 502, { provider: 'bedrock' });
}

/**
 * The Bedrock Converse adapter.
 *
 * @example
 * const call = bedrockAdapter.chatCall({ provider: 'bedrock', modelName: 'anthropic.claude-3-5-haiku-20241022-v1:0', credentials: { aws_access_key_id, aws_secret_access_key }, authConfig: { aws_region: 'us-west-2' } }, request, { stream: true, now: Date.now() });
 */
export const bedrockAdapter: ProviderAdapter = { provider: 'bedrock', chatCall, chatAnswer, chatStream };
