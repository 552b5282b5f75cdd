import type { Scorer } from '../scorer-types.js';
import { availableTools, promptText, requestText, toolCalls, toolCallsText } from './judge-inputs.js';
import { createLlmJudge, type JudgeOptions } from './llm-judge.js';
import { section } from './response-judges.js';
import { BUILTIN_JUDGE_INSTRUCTIONS } from '@loupe/llm';

/**
 * Judges of an agent's tool use. They read the trace's TOOL spans (name, inputs as arguments,
 * outputs as result) and the tools offered to the model (`mlflow.chat.tools` on LLM spans).
 * A row without a trace gets an error feedback naming the trace.
 */

function availableText(tools: ReturnType<typeof availableTools>): string {
  if (tools.length === 0) return '(not recorded in the trace)';
  return tools
    .map((t) => `- ${t.name}${t.description ? `: ${t.description}` : ''}${t.parameters ? `\n  parameters: ${JSON.stringify(t.parameters)}` : ''}`)
    .join('\n');
}

/**
 * `tool_call_correctness`: did the agent call the right tools with the right arguments? Reads the
 * request, the trace's TOOL spans and, when present, `expectations.expected_tool_calls`
 * (`[{name, arguments}]`). Value `'yes'` / `'no'`.
 *
 * @example
 * await evaluate({ data, predictFn: agent, scorers: [ToolCallCorrectness()] });
 */
export function ToolCallCorrectness(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'tool_call_correctness',
    level: 'trace',
    options,
    run: (ctx, input) => {
      const calls = toolCalls(input);
      const expected = input.expectations?.expected_tool_calls;
      const parts = [
        section('request', requestText(input)),
        section('available_tools', availableText(availableTools(input))),
        section('tool_calls', toolCallsText(calls)),
      ];
      if (expected !== undefined) parts.push(section('expected_tool_calls', promptText(expected)));
      return ctx.ask({ instructions: BUILTIN_JUDGE_INSTRUCTIONS.ToolCallCorrectness, content: parts.join('\n\n') });
    },
  });
}

/**
 * `tool_call_efficiency`: did the agent avoid redundant tool calls? Reads the request and the
 * trace's TOOL spans. Value `'yes'` / `'no'`.
 *
 * @example
 * ToolCallEfficiency({ model: 'anthropic:/claude-sonnet-4-5' });
 */
export function ToolCallEfficiency(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'tool_call_efficiency',
    level: 'trace',
    options,
    run: (ctx, input) => {
      const content = [
        section('request', requestText(input)),
        section('available_tools', availableText(availableTools(input))),
        section('tool_calls', toolCallsText(toolCalls(input))),
      ].join('\n\n');
      return ctx.ask({ instructions: BUILTIN_JUDGE_INSTRUCTIONS.ToolCallEfficiency, content });
    },
  });
}
