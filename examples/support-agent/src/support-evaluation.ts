import {
  Correctness,
  makeJudge,
  RelevanceToQuery,
  scorer,
  type EvaluateOptions,
  type EvaluationResult,
  type EvaluationRow,
  type JudgeModel,
  type JudgeModelOptions,
  type Loupe,
  type Scorer,
} from '@loupe/sdk';
import type { createSupportAgent } from './support-agent.js';

type SupportAgent = ReturnType<typeof createSupportAgent>;

/**
 * Questions with their ground truth: the tool the agent should call and facts its answer should state.
 * Two of them are one conversation (`session`), scored as a whole by the session-level scorer.
 */
export const SUPPORT_EVAL_DATA: EvaluationRow[] = [
  {
    inputs: { question: 'Where is my order A1001?', session: 'chat-dana' },
    expectations: { expected_tool: 'get_order_status', expected_facts: ['A1001', 'UPS', '1Z999AA10123456784'] },
  },
  {
    inputs: { question: 'And my order A1002?', session: 'chat-dana' },
    expectations: { expected_tool: 'get_order_status', expected_facts: ['A1002', 'processing'] },
  },
  {
    inputs: { question: 'Do you have noise cancelling headphones in stock?' },
    expectations: { expected_tool: 'search_products', expected_facts: ['AUD-200', 'in stock'] },
  },
  {
    inputs: { question: 'Can I return opened earbuds for a refund?' },
    expectations: { expected_tool: 'search_policies', expected_facts: ['Returns and refunds', '14 days'] },
  },
  {
    inputs: { question: 'Where is my order Z9999?' },
    expectations: { expected_tool: 'get_order_status', expected_facts: ['Z9999'] },
  },
];

const answerOf = (outputs: unknown) => (typeof outputs === 'string' ? outputs : '');

/** Did the agent call the tool the question needs? Read from the TOOL spans of its trace. */
export const usedExpectedTool = scorer(function used_expected_tool({ trace, expectations }) {
  const tools = (trace?.spans ?? []).filter((s) => s.spanType === 'TOOL').map((s) => s.name);
  return {
    value: tools.includes(String(expectations.expected_tool)),
    rationale: `called ${tools.join(', ') || 'no tool'}; expected ${String(expectations.expected_tool)}`,
  };
});

/** The share of the expected facts the answer states (0 to 1). */
export const factCoverage = scorer(function fact_coverage({ outputs, expectations }) {
  const facts = (expectations.expected_facts as string[] | undefined) ?? [];
  if (facts.length === 0) return undefined;
  const answer = answerOf(outputs).toLowerCase();
  const missing = facts.filter((f) => !answer.includes(f.toLowerCase()));
  return { value: (facts.length - missing.length) / facts.length, ...(missing.length ? { rationale: `missing: ${missing.join(', ')}` } : {}) };
});

/** Answered without asking the customer to check their input: 'yes' or 'no', as judges answer. */
export const resolved = scorer(({ outputs }) => (/could not|check the order number/i.test(answerOf(outputs)) ? 'no' : 'yes'), { name: 'resolved' });

/** A whole conversation: every turn resolved, and how many turns it took. */
export const conversationResolved = scorer(
  ({ conversation }) => {
    const turns = conversation ?? [];
    const unresolved = turns.filter((t) => /could not/i.test(answerOf(t.outputs))).length;
    return { value: unresolved === 0, rationale: `${turns.length} turns, ${unresolved} unresolved` };
  },
  { name: 'conversation_resolved', level: 'session' },
);

/** The scorers of the support agent's evaluation. */
export const SUPPORT_SCORERS = [usedExpectedTool, factCoverage, resolved, conversationResolved];

/**
 * Evaluates the support agent on {@link SUPPORT_EVAL_DATA} with code scorers: one Loupe run, a trace
 * per question (the agent's own spans inside), each scorer's verdict on it, `<scorer>/mean` metrics.
 *
 * @example
 * const result = await evaluateSupportAgent(loupe, createSupportAgent({ openai, db, loupe }));
 * console.log(result.metrics);
 */
export function evaluateSupportAgent(loupe: Loupe, agent: SupportAgent, options: Partial<EvaluateOptions> = {}): Promise<EvaluationResult> {
  return loupe.evaluate({
    data: SUPPORT_EVAL_DATA,
    predict: async function support_agent(inputs) {
      const session = typeof inputs.session === 'string' ? inputs.session : undefined;
      return (await agent.ask(String(inputs.question), session ? { sessionId: session } : {})).answer;
    },
    scorers: SUPPORT_SCORERS,
    runName: 'support-agent-eval',
    ...options,
  });
}

/**
 * The model behind the support agent's judges: a URI such as `openai:/gpt-4.1-mini` (keys and an
 * OpenAI-compatible base URL from the environment: `OPENAI_API_KEY`, `OPENAI_BASE_URL`) or a model
 * from `judgeModel()`, with options for a URI (`baseUrl`, `apiKey`).
 */
export interface SupportJudgeModel {
  model: string | JudgeModel;
  modelOptions?: JudgeModelOptions;
}

/** A judge of our own (`makeJudge`): does the answer speak to the customer as support should? */
export function supportTone(judge: SupportJudgeModel): Scorer {
  return makeJudge({
    name: 'support_tone',
    instructions:
      'A customer wrote {{ inputs }} and the support agent answered {{ outputs }}. Is the answer polite, ' +
      'specific to what the customer asked, and free of internal jargon? Answer yes or no.',
    ...judge,
  });
}

/**
 * The scorers of the evaluation with LLM judges: the code scorer `used_expected_tool`, the built-in
 * judges `correctness` (against `expected_facts`) and `relevance_to_query`, and `support_tone`.
 *
 * @example
 * const scorers = supportJudgeScorers({ model: 'openai:/gpt-4.1-mini' });
 */
export function supportJudgeScorers(judge: SupportJudgeModel): Scorer[] {
  return [usedExpectedTool, Correctness(judge), RelevanceToQuery(judge), supportTone(judge)];
}

/**
 * Evaluates the support agent on {@link SUPPORT_EVAL_DATA} with a code scorer and three LLM judges
 * ({@link supportJudgeScorers}): each verdict lands on the question's trace with the judge's
 * rationale, its model as source and its token usage (and cost) in the metadata.
 *
 * @example
 * const result = await evaluateSupportAgentWithJudges(loupe, agent, { model: 'openai:/gpt-4.1-mini' });
 */
export function evaluateSupportAgentWithJudges(
  loupe: Loupe,
  agent: SupportAgent,
  judge: SupportJudgeModel,
  options: Partial<EvaluateOptions> = {},
): Promise<EvaluationResult> {
  return evaluateSupportAgent(loupe, agent, { scorers: supportJudgeScorers(judge), runName: 'support-agent-judges', ...options });
}
