import type { Scorer } from '../scorer-types.js';
import { availableTools, promptText, requestText, toolCalls, toolCallsText } from './judge-inputs.js';
import { createLlmJudge, type JudgeOptions } from './llm-judge.js';
import { section } from './response-judges.js';

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

const CORRECTNESS = `You review the tool calls an AI agent made while handling a user's request.
Decide whether the agent chose suitable tools and called them with sensible arguments: each call should serve the
request, use a tool fit for its purpose, and pass arguments that match what the user asked (right entities, values and
units). When expected tool calls are given, the agent's calls should match them in substance; small differences in
argument formatting do not matter. Calling no tool is correct only when the request needs none.
result is "yes" when the tool calls are appropriate and correctly parameterised, "no" otherwise.`;

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
      return ctx.ask({ instructions: CORRECTNESS, content: parts.join('\n\n') });
    },
  });
}

const EFFICIENCY = `You review the tool calls an AI agent made while handling a user's request, looking for waste.
Waste is: calling the same tool again with the same or nearly the same arguments without a reason (such as a failed
first call), fetching information the agent already had, or calls that do nothing for the request.
result is "yes" when the agent used its tools without waste, "no" when it made redundant or needless calls. In the
rationale, name the wasteful calls by their number.`;

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
      return ctx.ask({ instructions: EFFICIENCY, content });
    },
  });
}
