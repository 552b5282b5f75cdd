/**
 * Runs the support agent on a few customer questions (or the one given on the command line) and
 * prints where to see the traces. Offline by default, against a local fake OpenAI server; with
 * OPENAI_API_KEY set, against OpenAI itself (OPENAI_BASE_URL and SUPPORT_MODEL change the endpoint
 * and model). Traces go to the Loupe server at LOUPE_TRACKING_URI (default http://127.0.0.1:5000).
 */
import OpenAI from 'openai';
import { flushTraces, init } from '@loupe/sdk';
import { startOfflineModel } from './offline-model.js';
import { ProductDatabase } from './product-db.js';
import { createSupportAgent } from './support-agent.js';

const QUESTIONS = ['Where is my order A1001?', 'Do you have noise cancelling headphones in stock?', 'Can I return opened earbuds for a refund?'];

async function main(): Promise<void> {
  const loupe = init({ experimentName: process.env.SUPPORT_EXPERIMENT ?? 'support-agent' });
  const apiKey = process.env.OPENAI_API_KEY;
  const offline = apiKey ? undefined : await startOfflineModel();
  const openai = new OpenAI(
    offline
      ? { baseURL: `${offline.url}/v1`, apiKey: 'offline' }
      : { apiKey, ...(process.env.OPENAI_BASE_URL ? { baseURL: process.env.OPENAI_BASE_URL } : {}) },
  );
  const agent = createSupportAgent({ openai, db: new ProductDatabase(), model: process.env.SUPPORT_MODEL ?? 'gpt-4o-mini', loupe });
  console.log(offline ? 'Model: offline (a fake OpenAI server on this machine)' : `Model: ${process.env.SUPPORT_MODEL ?? 'gpt-4o-mini'} (OpenAI)`);
  const questions = process.argv.slice(2).length > 0 ? [process.argv.slice(2).join(' ')] : QUESTIONS;
  try {
    for (const [i, question] of questions.entries()) {
      const { answer, traceId, toolCalls } = await agent.ask(question, { sessionId: `support-session-${process.pid}`, userId: `customer-${i + 1}` });
      console.log(`\nQ: ${question}\nA: ${answer}\n   tools: ${toolCalls.join(', ') || 'none'}; trace ${traceId}`);
    }
    await flushTraces();
    const experimentId = await loupe.experimentId();
    console.log(`\nTraces: ${loupe.config.trackingUri}/experiments/${experimentId}/traces`);
  } finally {
    await offline?.close();
    await loupe.shutdown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
