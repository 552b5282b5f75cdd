import { describe, expect, it } from 'vitest';
import { withMlflowAttributes } from './semconv.js';
import { ingestSpan } from './testing/ingest-spans.js';

const span = (attributes: Record<string, unknown>) =>
  ingestSpan({
    spanId: 'cd'.repeat(8),
    name: 's',
    kind: 'SPAN_KIND_CLIENT',
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
    attributes,
    status: { code: 'STATUS_CODE_OK', message: '' },
  });
const mapped = (attributes: Record<string, unknown>) => withMlflowAttributes(span(attributes)).attributes;

describe('withMlflowAttributes', () => {
  it('leaves spans without third-party attributes untouched (same object)', () => {
    const s = span({ 'mlflow.spanType': 'LLM', 'http.method': 'GET', custom: 1 });
    expect(withMlflowAttributes(s)).toBe(s);
  });

  it('maps OpenTelemetry GenAI conventions: operation, model, provider, usage, messages, tools', () => {
    expect(
      mapped({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.provider.name': 'openai',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 7,
        'gen_ai.usage.cache_read_input_tokens': 4,
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
        'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }],
      }),
    ).toMatchObject({
      'mlflow.spanType': 'CHAT_MODEL',
      'mlflow.llm.model': 'gpt-4o-2024-08-06',
      'mlflow.llm.provider': 'openai',
      'mlflow.chat.tokenUsage': { input_tokens: 12, output_tokens: 7, total_tokens: 19, cache_read_input_tokens: 4 },
      'mlflow.spanInputs': [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
      'mlflow.spanOutputs': [{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }],
      'gen_ai.request.model': 'gpt-4o',
    });
    expect(
      mapped({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.call.arguments': '{"city":"Paris"}', 'gen_ai.tool.call.result': 'sunny' }),
    ).toMatchObject({
      'mlflow.spanType': 'TOOL',
      'mlflow.spanInputs': { city: 'Paris' },
      'mlflow.spanOutputs': 'sunny',
    });
    expect(mapped({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': '5' })['mlflow.spanType']).toBe('EMBEDDING');
    expect(mapped({ 'gen_ai.operation.name': 'invoke_agent' })['mlflow.spanType']).toBe('AGENT');
    // A model without an operation is still a model call.
    expect(mapped({ 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude' })).toMatchObject({
      'mlflow.spanType': 'LLM',
      'mlflow.llm.provider': 'anthropic',
    });
  });

  it('maps OpenInference: span kind, JSON or text values, model, token counts, message lists', () => {
    expect(
      mapped({
        'openinference.span.kind': 'LLM',
        'input.value': '{"messages":[{"role":"user","content":"hi"}]}',
        'input.mime_type': 'application/json',
        'output.value': 'hello',
        'output.mime_type': 'text/plain',
        'llm.model_name': 'gpt-4o-mini',
        'llm.provider': 'openai',
        'llm.token_count.prompt': 3,
        'llm.token_count.completion': 2,
        'llm.token_count.total': 5,
        'llm.token_count.prompt_details.cache_write': 1,
      }),
    ).toMatchObject({
      'mlflow.spanType': 'LLM',
      'mlflow.spanInputs': { messages: [{ role: 'user', content: 'hi' }] },
      'mlflow.spanOutputs': 'hello',
      'mlflow.llm.model': 'gpt-4o-mini',
      'mlflow.llm.provider': 'openai',
      'mlflow.chat.tokenUsage': { input_tokens: 3, output_tokens: 2, total_tokens: 5, cache_creation_input_tokens: 1 },
    });
    // Text that looks like JSON stays text without a JSON mime type.
    expect(mapped({ 'openinference.span.kind': 'RETRIEVER', 'input.value': '{not json' })).toMatchObject({
      'mlflow.spanType': 'RETRIEVER',
      'mlflow.spanInputs': '{not json',
    });
    expect(
      mapped({
        'openinference.span.kind': 'llm',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.content': 'second',
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': 'first',
      })['mlflow.spanInputs'],
    ).toEqual({
      messages: [
        { role: 'system', content: 'first' },
        { role: 'user', content: 'second' },
      ],
    });
  });

  it('maps OpenLLMetry / Traceloop: span kinds, request types, entity values, prompt and completion lists', () => {
    expect(mapped({ 'traceloop.span.kind': 'workflow', 'traceloop.entity.input': '{"inputs":{"q":"x"}}', 'traceloop.entity.output': '"done"' })).toMatchObject({
      'mlflow.spanType': 'CHAIN',
      'mlflow.spanInputs': { inputs: { q: 'x' } },
      'mlflow.spanOutputs': '"done"',
    });
    expect(mapped({ 'traceloop.span.kind': 'tool' })['mlflow.spanType']).toBe('TOOL');
    expect(
      mapped({
        'llm.request.type': 'chat',
        'gen_ai.system': 'OpenAI',
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': 'hi',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'hello',
        'gen_ai.usage.prompt_tokens': 9,
        'gen_ai.usage.completion_tokens': 1,
        'llm.usage.total_tokens': 10,
      }),
    ).toMatchObject({
      'mlflow.spanType': 'CHAT_MODEL',
      'mlflow.spanInputs': { messages: [{ role: 'user', content: 'hi' }] },
      'mlflow.spanOutputs': { choices: [{ index: 0, message: { role: 'assistant', content: 'hello' } }] },
      'mlflow.chat.tokenUsage': { input_tokens: 9, output_tokens: 1, total_tokens: 10 },
    });
  });

  it("never overwrites MLflow's own attributes", () => {
    expect(
      mapped({
        'mlflow.spanType': 'AGENT',
        'mlflow.spanInputs': '{"a":1}',
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': '[]',
        'gen_ai.request.model': 'm',
      }),
    ).toEqual({
      'mlflow.spanType': 'AGENT',
      'mlflow.spanInputs': '{"a":1}',
      'gen_ai.operation.name': 'chat',
      'gen_ai.input.messages': '[]',
      'gen_ai.request.model': 'm',
      'mlflow.llm.model': 'm',
    });
  });

  it('gives an embeddings call that reports input tokens only 0 output tokens, so its total is its input', () => {
    expect(mapped({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 12 })).toMatchObject({
      'mlflow.spanType': 'EMBEDDING',
      'mlflow.chat.tokenUsage': { input_tokens: 12, output_tokens: 0, total_tokens: 12 },
    });
    // OpenTelemetry's newer cache keys are read too.
    expect(
      mapped({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2, 'gen_ai.usage.cache_read.input_tokens': 6 })[
        'mlflow.chat.tokenUsage'
      ],
    ).toEqual({ input_tokens: 10, output_tokens: 2, total_tokens: 12, cache_read_input_tokens: 6 });
  });

  it("keeps a producer's own cost as mlflow.llm.cost: OpenInference llm.cost.*, OpenLIT gen_ai.usage.cost, Pydantic AI operation.cost", () => {
    expect(
      mapped({ 'openinference.span.kind': 'LLM', 'llm.cost.prompt': 0.25, 'llm.cost.completion': 0.5, 'llm.cost.total': 0.75 })['mlflow.llm.cost'],
    ).toEqual({
      input_cost: 0.25,
      output_cost: 0.5,
      total_cost: 0.75,
    });
    expect(mapped({ 'openinference.span.kind': 'LLM', 'llm.cost.prompt': 0.25, 'llm.cost.completion': 0.5 })['mlflow.llm.cost']).toEqual({
      input_cost: 0.25,
      output_cost: 0.5,
      total_cost: 0.75,
    });
    expect(mapped({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.cost': 0.125 })['mlflow.llm.cost']).toEqual({ total_cost: 0.125 });
    expect(mapped({ 'gen_ai.operation.name': 'chat', 'operation.cost': 0.001 })['mlflow.llm.cost']).toEqual({ total_cost: 0.001 });
    expect(mapped({ 'operation.cost': 0.001 })).toEqual({ 'operation.cost': 0.001, 'mlflow.llm.cost': { total_cost: 0.001 } });
  });

  it("maps no usage or cost onto AGENT and CHAIN spans, whose counts roll up their model calls'", () => {
    // Pydantic AI puts the run's totals on invoke_agent; the chat spans under it carry their own.
    const agent = mapped({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.output_tokens': 9, 'operation.cost': 0.01 });
    expect(agent['mlflow.spanType']).toBe('AGENT');
    expect(agent['mlflow.chat.tokenUsage']).toBeUndefined();
    expect(agent['mlflow.llm.cost']).toBeUndefined();
    const chain = mapped({ 'mlflow.spanType': '"CHAIN"', 'llm.token_count.prompt': 5, 'llm.token_count.completion': 1 });
    expect(chain['mlflow.chat.tokenUsage']).toBeUndefined();
  });
});
