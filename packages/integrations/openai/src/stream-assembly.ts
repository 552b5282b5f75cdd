import { isObject } from '@loupe/sdk/genai';
/**
 * Streams re-assembled into the provider's non-stream shape, so a streamed call's span records the
 * same outputs (text, tool calls, finish reason, usage) as an unstreamed one. An assembler sees
 * every chunk the reader got; `result()` answers with what arrived so far, so a stream broken
 * mid-way still records its partial answer.
 */

type Json = Record<string, unknown>;

/** Something that folds stream chunks into one response object. */
export interface StreamAssembler {
  add(chunk: unknown): void;
  result(): Json;
}

interface ChoiceState {
  index: number;
  role: string;
  content: string | null;
  refusal: string | null;
  toolCalls: { id: string; type: string; function: { name: string; arguments: string } }[];
  finishReason: string | null;
}

/**
 * Chat Completions chunks into a `chat.completion`. Usage only arrives when the request asked for it
 * (`stream_options: { include_usage: true }`), in a last chunk without choices.
 *
 * @example
 * const a = new ChatStreamAssembler();
 * for await (const chunk of stream) a.add(chunk);
 * a.result().choices[0].message.content;
 */
export class ChatStreamAssembler implements StreamAssembler {
  private head: Json = {};
  private usage: unknown;
  private readonly choices = new Map<number, ChoiceState>();

  add(chunk: unknown): void {
    if (!isObject(chunk)) return;
    for (const key of ['id', 'created', 'model', 'system_fingerprint', 'service_tier'])
      if (chunk[key] !== undefined && chunk[key] !== null) this.head[key] = chunk[key];
    if (isObject(chunk.usage)) this.usage = chunk.usage;
    for (const c of Array.isArray(chunk.choices) ? chunk.choices : []) {
      if (!isObject(c)) continue;
      const index = typeof c.index === 'number' ? c.index : 0;
      let state = this.choices.get(index);
      if (!state) {
        state = { index, role: 'assistant', content: null, refusal: null, toolCalls: [], finishReason: null };
        this.choices.set(index, state);
      }
      const delta = isObject(c.delta) ? c.delta : {};
      if (typeof delta.role === 'string') state.role = delta.role;
      if (typeof delta.content === 'string') state.content = (state.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
      for (const t of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        if (!isObject(t)) continue;
        const i = typeof t.index === 'number' ? t.index : state.toolCalls.length;
        const call = (state.toolCalls[i] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        if (typeof t.id === 'string') call.id = t.id;
        const fn = isObject(t.function) ? t.function : {};
        if (typeof fn.name === 'string') call.function.name += fn.name;
        if (typeof fn.arguments === 'string') call.function.arguments += fn.arguments;
      }
      if (typeof c.finish_reason === 'string') state.finishReason = c.finish_reason;
    }
  }

  result(): Json {
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((s) => ({
        index: s.index,
        message: { role: s.role, content: s.content, refusal: s.refusal, ...(s.toolCalls.length > 0 ? { tool_calls: s.toolCalls.filter(Boolean) } : {}) },
        finish_reason: s.finishReason,
      }));
    return { ...this.head, object: 'chat.completion', choices, ...(this.usage ? { usage: this.usage } : {}) };
  }
}

/**
 * Legacy Completions chunks (`text_completion`) into one completion.
 *
 * @example
 * const a = new CompletionStreamAssembler();
 * a.add({ choices: [{ index: 0, text: 'Hel' }] });
 */
export class CompletionStreamAssembler implements StreamAssembler {
  private head: Json = {};
  private usage: unknown;
  private readonly choices = new Map<number, { index: number; text: string; finish_reason: string | null }>();

  add(chunk: unknown): void {
    if (!isObject(chunk)) return;
    for (const key of ['id', 'created', 'model', 'system_fingerprint']) if (chunk[key] !== undefined && chunk[key] !== null) this.head[key] = chunk[key];
    if (isObject(chunk.usage)) this.usage = chunk.usage;
    for (const c of Array.isArray(chunk.choices) ? chunk.choices : []) {
      if (!isObject(c)) continue;
      const index = typeof c.index === 'number' ? c.index : 0;
      const state = this.choices.get(index) ?? { index, text: '', finish_reason: null };
      this.choices.set(index, state);
      if (typeof c.text === 'string') state.text += c.text;
      if (typeof c.finish_reason === 'string') state.finish_reason = c.finish_reason;
    }
  }

  result(): Json {
    const choices = [...this.choices.values()].sort((a, b) => a.index - b.index);
    return { ...this.head, object: 'text_completion', choices, ...(this.usage ? { usage: this.usage } : {}) };
  }
}

/**
 * Responses API events into a `response`: the final event (`response.completed`, `.incomplete`,
 * `.failed`) carries the whole response; before it, the finished output items and the text deltas
 * of the unfinished ones make up what arrived so far.
 *
 * @example
 * const a = new ResponsesStreamAssembler();
 * for await (const event of stream) a.add(event);
 * a.result().output;
 */
export class ResponsesStreamAssembler implements StreamAssembler {
  private response: Json | undefined;
  private final: Json | undefined;
  private readonly items = new Map<number, Json>();
  private readonly texts = new Map<number, string>();
  private readonly args = new Map<number, string>();

  add(event: unknown): void {
    if (!isObject(event)) return;
    const type = event.type;
    if (isObject(event.response)) {
      if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') this.final = event.response;
      else this.response = event.response;
      return;
    }
    const index = typeof event.output_index === 'number' ? event.output_index : -1;
    if ((type === 'response.output_item.added' || type === 'response.output_item.done') && isObject(event.item)) this.items.set(index, event.item);
    else if (type === 'response.output_text.delta' && typeof event.delta === 'string') this.texts.set(index, (this.texts.get(index) ?? '') + event.delta);
    else if (type === 'response.function_call_arguments.delta' && typeof event.delta === 'string')
      this.args.set(index, (this.args.get(index) ?? '') + event.delta);
  }

  result(): Json {
    if (this.final) return this.final;
    const output = [...this.items.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, item]) => {
        if (item.status === 'completed') return item;
        if (item.type === 'message') return { ...item, content: [{ type: 'output_text', text: this.texts.get(index) ?? '', annotations: [] }] };
        if (item.type === 'function_call') return { ...item, arguments: this.args.get(index) ?? item.arguments ?? '' };
        return item;
      });
    return { ...(this.response ?? {}), object: 'response', output };
  }
}
