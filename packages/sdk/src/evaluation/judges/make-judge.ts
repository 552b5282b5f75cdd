import type { Scorer, ScorerFeedback, ScorerInput } from '../scorer-types.js';
import { conversationText, conversationTurns, MissingJudgeInput, promptText, requestText, responseText } from './judge-inputs.js';
import { createLlmJudge, JudgeErrorCode, type JudgeContext, type JudgeOptions } from './llm-judge.js';
import type { JudgeChatRequest, JudgeMessage } from './model/types.js';
import { section } from './response-judges.js';
import { DEFAULT_TRACE_TOOL_LIMITS, TRACE_TOOLS, TraceToolbox, traceSummary, type TraceToolLimits } from './trace-tools.js';
import { verdictInstructions, verdictSchema, type VerdictType } from './verdict.js';

/**
 * `makeJudge`: a judge from instructions written by the user, with template variables naming
 * what it reads. With `{{ trace }}` the judge is an agent that inspects the trace through tools.
 */

/** The variables a judge's instructions may use. */
export const TEMPLATE_VARIABLES = ['inputs', 'outputs', 'expectations', 'conversation', 'trace'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** Options of {@link makeJudge}. */
export interface MakeJudgeOptions extends Omit<JudgeOptions, 'name'> {
  /** The assessment name. */
  name: string;
  /** What to judge, using `{{ inputs }}`, `{{ outputs }}`, `{{ expectations }}`, `{{ conversation }}` or `{{ trace }}` (at least one). */
  instructions: string;
  /**
   * The value's type: `'boolean'`, `'number'` (within `range` when given) or `'string'` (one of
   * `options` when given). Default: `'string'` with options `['yes', 'no']`.
   */
  feedbackValueType?: 'boolean' | 'number' | 'string';
  /** The allowed values of a `'string'` judge. */
  options?: string[];
  /** The allowed range of a `'number'` judge, e.g. `[1, 5]`. */
  range?: [number, number];
  /** `{{ trace }}` judges: most tool-calling rounds before the verdict is asked for (default 15). */
  maxIterations?: number;
  /** `{{ trace }}` judges: bounds of the tools' answers. */
  traceToolLimits?: Partial<TraceToolLimits>;
}

const VARIABLE = /\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * The variables a template uses, in order of first use. Throws on unknown variables or none.
 *
 * @example
 * templateVariables('Is {{ outputs }} a good answer to {{ inputs }}?'); // ['outputs', 'inputs']
 */
export function templateVariables(instructions: string): TemplateVariable[] {
  const used: TemplateVariable[] = [];
  const unknown: string[] = [];
  for (const m of instructions.matchAll(VARIABLE)) {
    const name = m[1]!;
    if ((TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      if (!used.includes(name as TemplateVariable)) used.push(name as TemplateVariable);
    } else if (!unknown.includes(name)) unknown.push(name);
  }
  const allowed = TEMPLATE_VARIABLES.map((v) => `{{ ${v} }}`).join(', ');
  if (unknown.length)
    throw new Error(`makeJudge: unknown template variable${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{{ ${u} }}`).join(', ')}; use ${allowed}`);
  if (used.length === 0) throw new Error(`makeJudge: the instructions use no template variable; use at least one of ${allowed}`);
  if (used.includes('conversation') && used.includes('trace'))
    throw new Error('makeJudge: {{ conversation }} (a session) and {{ trace }} (one trace) cannot be used together');
  return used;
}

function verdictType(options: MakeJudgeOptions): VerdictType {
  switch (options.feedbackValueType ?? 'string') {
    case 'boolean':
      return { kind: 'boolean' };
    case 'number':
      return { kind: 'number', ...(options.range ? { min: options.range[0], max: options.range[1] } : {}) };
    case 'string': {
      const values = options.options ?? (options.feedbackValueType ? undefined : ['yes', 'no']);
      if (values && values.length === 2 && values[0] === 'yes' && values[1] === 'no') return { kind: 'yes_no' };
      return { kind: 'string', ...(values ? { options: values } : {}) };
    }
    default:
      throw new Error(`makeJudge: feedbackValueType must be 'boolean', 'number' or 'string', not ${JSON.stringify(options.feedbackValueType)}`);
  }
}

function material(variable: Exclude<TemplateVariable, 'trace'>, input: ScorerInput): string {
  switch (variable) {
    case 'inputs':
      return section('inputs', Object.keys(input.inputs ?? {}).length ? promptText(input.inputs) : requestText(input));
    case 'outputs':
      return section('outputs', responseText(input));
    case 'expectations':
      if (!input.expectations || Object.keys(input.expectations).length === 0)
        throw new MissingJudgeInput('expectations', 'needs expectations, and the row has none');
      return section('expectations', promptText(input.expectations));
    case 'conversation':
      return section('conversation', conversationText(conversationTurns(input)));
  }
}

const AGENT_GUIDE = `The trace of the application's run is not shown to you. Inspect it with the tools: list_spans pages through the
spans, search_trace finds spans mentioning a text, get_span shows one span's inputs and outputs. Look at what you need
to reach a verdict, then give it.`;

async function agentVerdict(
  ctx: JudgeContext,
  input: ScorerInput,
  system: string,
  content: string,
  type: VerdictType,
  options: MakeJudgeOptions,
): Promise<ScorerFeedback> {
  const trace = input.trace!;
  const conversation = await ctx.conversation();
  if (!conversation.model.supportsTools) return ctx.ask({ instructions: system, content: `${content}\n\n${section('trace', traceSummary(trace))}` }, type);
  const toolbox = new TraceToolbox(trace, { ...DEFAULT_TRACE_TOOL_LIMITS, ...options.traceToolLimits });
  const messages: JudgeMessage[] = [
    { role: 'user', content: `${content}\n\n${section('trace', `id ${trace.info.trace_id}, ${trace.spans.length} spans (use the tools)`)}` },
  ];
  const base: Omit<JudgeChatRequest, 'messages'> = {
    system: `${system}\n\n${AGENT_GUIDE}\n\n${verdictInstructions(type)}`,
    tools: TRACE_TOOLS,
    responseSchema: verdictSchema(type),
  };
  const maxIterations = Math.max(1, options.maxIterations ?? 15);
  try {
    for (let round = 0; ; round++) {
      const last = round >= maxIterations;
      const request: JudgeChatRequest = { ...base, messages: [...messages], toolChoice: last ? 'none' : 'auto' };
      const answer = await conversation.chat(request);
      if (answer.toolCalls.length === 0 || last) return { name: ctx.name, ...(await conversation.readVerdict(request, answer, type)) };
      messages.push({ role: 'assistant', content: answer.text, toolCalls: answer.toolCalls });
      for (const call of answer.toolCalls)
        messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: toolbox.run(call.name, call.arguments) });
    }
  } catch (err) {
    if ((err as Error)?.name !== 'JudgeModelError') throw err;
    return { name: ctx.name, error: { code: JudgeErrorCode.MODEL, message: (err as Error).message }, usage: conversation.meter.usage() };
  }
}

/**
 * A judge from your own instructions. Template variables say what it reads: `{{ inputs }}`,
 * `{{ outputs }}`, `{{ expectations }}`, `{{ conversation }}` (makes it session-level) and
 * `{{ trace }}` (makes it an agent that explores the trace with tools: list spans, get a span,
 * search; models without tool calling get a compact trace summary). Unknown variables, or none,
 * throw at creation. The value follows `feedbackValueType`.
 *
 * @example
 * const concise = makeJudge({ name: 'concise', instructions: 'Does {{ outputs }} answer {{ inputs }} in three sentences or fewer?', model: 'openai:/gpt-4o-mini' });
 * const quality = makeJudge({ name: 'tool_use', instructions: 'Rate 1-5 how well the agent used its tools in {{ trace }}.', feedbackValueType: 'number', range: [1, 5] });
 */
export function makeJudge(options: MakeJudgeOptions): Scorer {
  if (!options?.name || !/^[\w-]+(\/[\w-]+)*$/.test(options.name))
    throw new Error(`makeJudge: name must be letters, digits, '_' or '-', got ${JSON.stringify(options?.name)}`);
  const variables = templateVariables(options.instructions ?? '');
  const type = verdictType(options);
  const instructions = options.instructions.replace(VARIABLE, (_m, v: string) => `{{ ${v} }}`);
  const system = `You are a judge of an AI application's behaviour. Follow these instructions; the values of the {{ ... }} variables are given below them, each in a tag of its name.\n\n${instructions}`;
  return createLlmJudge({
    name: options.name,
    level: variables.includes('conversation') ? 'session' : 'trace',
    options,
    async run(ctx, input) {
      const content = variables
        .filter((v): v is Exclude<TemplateVariable, 'trace'> => v !== 'trace')
        .map((v) => material(v, input))
        .join('\n\n');
      if (!variables.includes('trace')) return ctx.ask({ instructions: system, content }, type);
      if (!input.trace) throw new MissingJudgeInput('trace', 'needs the trace ({{ trace }}), and the row has none');
      return agentVerdict(ctx, input, system, content, type, options);
    },
  });
}
