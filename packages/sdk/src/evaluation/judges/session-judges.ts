import type { Scorer } from '../scorer-types.js';
import { conversationText, conversationTurns } from './judge-inputs.js';
import { createLlmJudge, type JudgeOptions } from './llm-judge.js';
import { section } from './response-judges.js';
import { BUILTIN_JUDGE_INSTRUCTIONS } from '@loupe/llm';

/**
 * Session-level judges: run once per session (`level: 'session'`) over `ScorerInput.conversation`,
 * the session's turns oldest first. A missing conversation gives an error feedback naming it.
 */

function sessionJudge(name: string, instructions: string, options: JudgeOptions | undefined): Scorer {
  return createLlmJudge({
    name,
    level: 'session',
    options,
    run: (ctx, input) => ctx.ask({ instructions, content: section('conversation', conversationText(conversationTurns(input))) }),
  });
}

/**
 * `user_frustration`: was the user frustrated with the assistant during the session? Value `'yes'`
 * (frustrated: a bad sign) / `'no'`.
 *
 * @example
 * await evaluate({ data: sessionTraces, scorers: [UserFrustration()] });
 */
export function UserFrustration(options?: JudgeOptions): Scorer {
  return sessionJudge('user_frustration', BUILTIN_JUDGE_INSTRUCTIONS.UserFrustration, options);
}

/**
 * `conversation_completeness`: did the assistant address every request the user made in the session?
 * Value `'yes'` / `'no'`.
 *
 * @example
 * ConversationCompleteness({ model: 'openai:/gpt-4o-mini' });
 */
export function ConversationCompleteness(options?: JudgeOptions): Scorer {
  return sessionJudge('conversation_completeness', BUILTIN_JUDGE_INSTRUCTIONS.ConversationCompleteness, options);
}

/**
 * `knowledge_retention`: did the assistant remember and respect what the user said in earlier turns?
 * Value `'yes'` / `'no'`.
 *
 * @example
 * KnowledgeRetention();
 */
export function KnowledgeRetention(options?: JudgeOptions): Scorer {
  return sessionJudge('knowledge_retention', BUILTIN_JUDGE_INSTRUCTIONS.KnowledgeRetention, options);
}
