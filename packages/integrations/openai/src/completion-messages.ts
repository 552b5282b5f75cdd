import { type ChatMessage, isObject } from '@loupe/sdk/genai';

/**
 * A legacy Completions prompt and its first choice's text as a user/assistant exchange (the other
 * OpenAI shapes are converted by `@loupe/sdk/genai`).
 *
 * @example
 * completionMessages({ prompt: 'Say hi' }, { choices: [{ text: 'hi' }] }); // [user, assistant]
 */
export function completionMessages(params: unknown, completion: unknown): ChatMessage[] {
  const prompt = isObject(params) ? params.prompt : undefined;
  const messages: ChatMessage[] = [];
  if (typeof prompt === 'string') messages.push({ role: 'user', content: prompt });
  else if (Array.isArray(prompt) && prompt.every((p) => typeof p === 'string')) messages.push({ role: 'user', content: prompt.join('\n') });
  const choice = isObject(completion) && Array.isArray(completion.choices) ? completion.choices[0] : undefined;
  if (isObject(choice) && typeof choice.text === 'string') messages.push({ role: 'assistant', content: choice.text });
  return messages;
}
