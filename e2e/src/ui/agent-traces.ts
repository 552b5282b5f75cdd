import type { SpanSpec } from './seed.js';

/**
 * A support agent's trace as the UI tests seed it: the agent, a chat model call that asks for a
 * tool, the tool (failing when `fail`), and the final answer, with token usage and cost on the model
 * calls.
 *
 * @example
 * await seed.sendTrace(exp, supportAgentTrace(3, { fail: false }), { startMs: Date.now(), session: 's-1' });
 */
export function supportAgentTrace(n: number, { fail = false, question = `Where is my order ${1000 + n}?` } = {}): SpanSpec {
  const usage = (input: number, output: number) => ({
    'mlflow.chat.tokenUsage': { input_tokens: input, output_tokens: output, total_tokens: input + output },
    'mlflow.llm.cost': { total_cost: (input + output) / 1e6 },
    'mlflow.llm.model': 'gpt-4o',
  });
  const answer = fail ? 'Sorry, I could not reach the order service.' : `Order ${1000 + n} has shipped.`;
  return {
    name: 'support_agent',
    type: 'AGENT',
    start: 0,
    end: 1200 + n * 10,
    inputs: { messages: [{ role: 'user', content: question }] },
    outputs: { answer },
    ...(fail ? { error: 'lookup_order failed' } : {}),
    children: [
      {
        name: 'plan',
        type: 'CHAT_MODEL',
        start: 5,
        end: 400,
        attributes: usage(120, 30),
        inputs: {
          model: 'gpt-4o',
          messages: [
            { role: 'system', content: 'You are a support agent.' },
            { role: 'user', content: question },
          ],
        },
        outputs: {
          choices: [
            {
              message: {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: JSON.stringify({ id: 1000 + n }) } }],
              },
            },
          ],
        },
      },
      {
        name: 'lookup_order',
        type: 'TOOL',
        start: 410,
        end: 600,
        inputs: { id: 1000 + n },
        outputs: fail ? undefined : { status: 'shipped' },
        ...(fail ? { error: 'order service timed out' } : {}),
      },
      {
        name: 'answer',
        type: 'CHAT_MODEL',
        start: 610,
        end: 1100,
        attributes: usage(200, 40),
        inputs: {
          messages: [
            { role: 'user', content: question },
            { role: 'tool', tool_call_id: 'call_1', content: fail ? 'error' : '{"status":"shipped"}' },
          ],
        },
        outputs: { choices: [{ message: { role: 'assistant', content: answer } }] },
      },
    ],
  };
}
