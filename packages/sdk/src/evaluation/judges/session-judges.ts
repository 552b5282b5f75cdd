import type { Scorer } from '../scorer-types.js';
import { conversationText, conversationTurns } from './judge-inputs.js';
import { createLlmJudge, type JudgeOptions } from './llm-judge.js';
import { section } from './response-judges.js';

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

const FRUSTRATION = `You read a conversation between a user and an AI assistant and decide whether the user became frustrated with the assistant.
Signs of frustration: complaints about the assistant's answers, an irritated or sarcastic tone, repeating or rephrasing
the same request because earlier answers missed it, correcting the assistant again and again, or giving up. Frustration
about something outside the assistant's control (a late delivery, a bug in another product) does not count unless the
assistant made it worse. Rely only on what the conversation shows.
result is "yes" when the user was frustrated with the assistant at any point, "no" when not.`;

/**
 * `user_frustration`: was the user frustrated with the assistant during the session? Value `'yes'`
 * (frustrated: a bad sign) / `'no'`.
 *
 * @example
 * await evaluate({ data: sessionTraces, scorers: [UserFrustration()] });
 */
export function UserFrustration(options?: JudgeOptions): Scorer {
  return sessionJudge('user_frustration', FRUSTRATION, options);
}

const COMPLETENESS = `You read a conversation between a user and an AI assistant and decide whether the assistant dealt with everything the user asked for.
List the user's questions and requests across all turns, follow-ups included. Each one must be answered or carried out,
or the assistant must have said clearly why it cannot be. A request that was dropped, forgotten or only half answered
makes the conversation incomplete.
result is "yes" when every request was addressed, "no" otherwise. In the rationale, name the requests left open.`;

/**
 * `conversation_completeness`: did the assistant address every request the user made in the session?
 * Value `'yes'` / `'no'`.
 *
 * @example
 * ConversationCompleteness({ model: 'openai:/gpt-4o-mini' });
 */
export function ConversationCompleteness(options?: JudgeOptions): Scorer {
  return sessionJudge('conversation_completeness', COMPLETENESS, options);
}

const RETENTION = `You read a conversation between a user and an AI assistant and decide whether the assistant kept track of what the user told it earlier.
Note the facts, preferences and constraints the user gave (a name, a budget, a language, a choice already made). In later
turns, the assistant must not contradict them, ask for them again without reason, or act as if they were never said.
A conversation with nothing to remember retains knowledge trivially.
result is "yes" when the assistant respected everything the user said earlier, "no" when it forgot or contradicted something.`;

/**
 * `knowledge_retention`: did the assistant remember and respect what the user said in earlier turns?
 * Value `'yes'` / `'no'`.
 *
 * @example
 * KnowledgeRetention();
 */
export function KnowledgeRetention(options?: JudgeOptions): Scorer {
  return sessionJudge('knowledge_retention', RETENTION, options);
}
