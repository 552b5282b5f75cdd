// Quickstart: trace an "agent" with nested steps. Run a Loupe server (`npx loupe server`), then
//   LOUPE_TRACKING_URI=http://127.0.0.1:5000 node packages/sdk/examples/quickstart.mjs
// Nothing is flushed by hand: the SDK flushes when the process is about to exit.
import { getLastActiveTraceId, init, trace, updateCurrentTrace } from '@loupe/sdk';

init({ experimentName: process.env.EXAMPLE_EXPERIMENT ?? 'quickstart' });

const retrieve = trace(async (query, k = 2) => [`doc about ${query}`, `faq on ${query}`].slice(0, k), { name: 'retrieve', spanType: 'RETRIEVER' });

const llm = trace(
  async (prompt) => {
    // A real app calls its model here; the span records the prompt and the answer.
    return `Here is what I found: ${prompt.slice(0, 60)}`;
  },
  { name: 'llm', spanType: 'LLM' },
);

const answer = trace(
  async (question) => {
    updateCurrentTrace({ tags: { example: 'quickstart' }, sessionId: 'session-1', userId: 'ann' });
    const docs = await retrieve(question);
    return llm(`${question}\n${docs.join('\n')}`);
  },
  { name: 'answer', spanType: 'AGENT' },
);

console.log(await answer('How do refunds work?'));
console.log(`trace ${getLastActiveTraceId()}`);
