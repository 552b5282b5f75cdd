import type { Scorer, ScorerInput } from '../scorer-types.js';
import { MissingJudgeInput, promptText, requestText, responseText } from './judge-inputs.js';
import { createLlmJudge, type JudgeOptions } from './llm-judge.js';
import { BUILTIN_JUDGE_INSTRUCTIONS, guidelinesSection, judgeGuidelines, judgeSection } from '@loupe/llm';

/**
 * Judges of one answer: is it correct, on topic, safe, within guidelines. Each answers `'yes'` or
 * `'no'` with a rationale, under MLflow's assessment name. Prompts are Loupe's own.
 */

/** A tagged block of prompt material (the server's online judges build theirs the same way). */
export const section = judgeSection;

/** The guidelines of a judge option or an expectation: a string or a list of strings. */
export function guidelineList(value: unknown, field: string): string[] {
  const cleaned = judgeGuidelines(value);
  if (cleaned.length === 0) throw new MissingJudgeInput(field, `needs ${field}: a guideline or a list of guidelines`);
  return cleaned;
}

/** `expected_facts` (a list) or `expected_response`, as prompt text; throws when neither is there. */
export function groundTruthText(input: ScorerInput, judgeWord: string): string {
  const { expected_facts: facts, expected_response: response } = input.expectations ?? {};
  if (Array.isArray(facts) && facts.length > 0) return section('expected_facts', facts.map((f) => `- ${promptText(f, 2_000)}`).join('\n'));
  if (response !== undefined && response !== null && response !== '') return section('expected_response', promptText(response));
  throw new MissingJudgeInput('expectations.expected_response or expectations.expected_facts', `needs ground truth to ${judgeWord}`);
}

/**
 * `correctness`: does the response convey the ground truth? Reads `inputs`, `outputs` and
 * `expectations.expected_facts` (a list of facts) or `expectations.expected_response`.
 * Value `'yes'` / `'no'`; missing ground truth gives an error feedback naming the expectation.
 *
 * @example
 * await evaluate({ data: [{ inputs: { question: 'Capital of France?' }, expectations: { expected_facts: ['Paris'] } }], predictFn, scorers: [Correctness()] });
 */
export function Correctness(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'correctness',
    level: 'trace',
    options,
    run: (ctx, input) => {
      const truth = groundTruthText(input, 'check the response against');
      const content = [section('request', requestText(input)), section('response', responseText(input)), truth].join('\n\n');
      return ctx.ask({ instructions: BUILTIN_JUDGE_INSTRUCTIONS.Correctness, content });
    },
  });
}

/**
 * `relevance_to_query`: does the response address the request? Reads `inputs` and `outputs`.
 * Value `'yes'` / `'no'`.
 *
 * @example
 * const feedback = await RelevanceToQuery().score({ inputs: { question: 'Hi?' }, outputs: 'Hello!', expectations: {} });
 */
export function RelevanceToQuery(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'relevance_to_query',
    level: 'trace',
    options,
    run: (ctx, input) =>
      ctx.ask({
        instructions: BUILTIN_JUDGE_INSTRUCTIONS.RelevanceToQuery,
        content: [section('request', requestText(input)), section('response', responseText(input))].join('\n\n'),
      }),
  });
}

/**
 * `safety`: is the response free of harmful content? Reads `outputs` only. Value `'yes'` (safe) / `'no'`.
 *
 * @example
 * const feedback = await Safety({ model: 'anthropic:/claude-3-5-haiku-latest' }).score({ inputs: {}, outputs: answer, expectations: {} });
 */
export function Safety(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'safety',
    level: 'trace',
    options,
    run: (ctx, input) => ctx.ask({ instructions: BUILTIN_JUDGE_INSTRUCTIONS.Safety, content: section('text', responseText(input)) }),
  });
}

function guidelinesContent(input: ScorerInput, guidelines: string[]): string {
  return [guidelinesSection(guidelines), section('request', requestText(input)), section('response', responseText(input))].join('\n\n');
}

/** Options of {@link Guidelines}. */
export interface GuidelinesOptions extends JudgeOptions {
  /** One guideline or a list, e.g. `'Answer in English.'`. */
  guidelines: string | string[];
}

/**
 * `guidelines`: does the response follow the given guidelines (the same for every row)? Reads
 * `inputs` and `outputs`. Value `'yes'` / `'no'`. Name it when using several (`name: 'tone'`).
 *
 * @example
 * Guidelines({ name: 'tone', guidelines: ['Be polite.', 'No jargon.'] });
 */
export function Guidelines(options: GuidelinesOptions): Scorer {
  let guidelines: string[];
  try {
    guidelines = guidelineList(options?.guidelines, 'guidelines');
  } catch {
    throw new Error('Guidelines: pass { guidelines }, a guideline or a list of guidelines (non-empty strings)');
  }
  return createLlmJudge({
    name: 'guidelines',
    level: 'trace',
    options,
    run: (ctx, input) => ctx.ask({ instructions: BUILTIN_JUDGE_INSTRUCTIONS.Guidelines, content: guidelinesContent(input, guidelines) }),
  });
}

/**
 * `expectations_guidelines`: does the response follow the row's own guidelines? Reads `inputs`,
 * `outputs` and `expectations.guidelines` (a string or a list). Value `'yes'` / `'no'`.
 *
 * @example
 * await evaluate({ data: [{ inputs, expectations: { guidelines: ['Mention the refund policy.'] } }], predictFn, scorers: [ExpectationsGuidelines()] });
 */
export function ExpectationsGuidelines(options?: JudgeOptions): Scorer {
  return createLlmJudge({
    name: 'expectations_guidelines',
    level: 'trace',
    options,
    run: (ctx, input) => {
      const guidelines = guidelineList(input.expectations?.guidelines, 'expectations.guidelines');
      return ctx.ask({ instructions: BUILTIN_JUDGE_INSTRUCTIONS.Guidelines, content: guidelinesContent(input, guidelines) });
    },
  });
}
