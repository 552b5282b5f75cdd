import type { ChatCompletion, ChatCompletionChunk, ChatToolCall, FinishReason } from '@loupe/llm';

/**
 * Adds up a stream's `chat.completion.chunk`s into the `chat.completion` a non-streaming call would
 * have answered (the first choice: the text, tool calls assembled from their pieces, the finish
 * reason, the usage of the last chunk), for the stream's usage trace.
 *
 * @example
 * const assembler = new StreamAssembler();
 * for await (const chunk of chunks) assembler.add(chunk);
 * assembler.completion()?.choices[0].message.content; // 'Hello!'
 */
export class StreamAssembler {
  private first: ChatCompletionChunk | undefined;
  private text = '';
  private sawText = false;
  private readonly calls: ChatToolCall[] = [];
  private finish: FinishReason | null = null;
  private usage: ChatCompletion['usage'] | undefined;

  add(chunk: ChatCompletionChunk): void {
    this.first ??= chunk;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices.find((c) => c.index === 0);
    if (!choice) return;
    if (typeof choice.delta.content === 'string') {
      this.text += choice.delta.content;
      this.sawText = true;
    }
    for (const piece of choice.delta.tool_calls ?? []) {
      const call = (this.calls[piece.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (piece.id) call.id = piece.id;
      if (piece.function?.name) call.function.name = piece.function.name;
      call.function.arguments += piece.function?.arguments ?? '';
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
  }

  /** The answer so far; undefined before the first chunk. */
  completion(): ChatCompletion | undefined {
    if (!this.first) return undefined;
    const calls = this.calls.filter(Boolean);
    return {
      id: this.first.id,
      object: 'chat.completion',
      created: this.first.created,
      model: this.first.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: this.sawText ? this.text : null, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
          finish_reason: this.finish,
        },
      ],
      usage: this.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    };
  }
}
