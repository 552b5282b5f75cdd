/**
 * Evaluates the support agent with a code scorer and LLM judges, into one Loupe evaluation run, and
 * prints the summary and where to see it. The judges' model is `SUPPORT_JUDGE_MODEL` (default
 * `openai:/gpt-4.1-mini`), with its keys from the environment (`OPENAI_API_KEY`, and
 * `OPENAI_BASE_URL` for an OpenAI-compatible server; `ANTHROPIC_API_KEY` for `anthropic:/...`, ...).
 * Without OPENAI_API_KEY and SUPPORT_JUDGE_MODEL everything runs offline: the agent's model and the
 * judge are fake servers on this machine. Results go to the Loupe server at LOUPE_TRACKING_URI.
 */
import OpenAI from 'openai';
import { DEFAULT_JUDGE_MODEL, init } from '@loupe/sdk';
import { startOfflineJudge, startOfflineModel } from './offline-model.js';
import { ProductDatabase } from './product-db.js';
import { createSupportAgent } from './support-agent.js';
import { evaluateSupportAgentWithJudges, type SupportJudgeModel } from './support-evaluation.js';

async function main(): Promise<void> {
  const loupe = init({ experimentName: process.env.SUPPORT_EXPERIMENT ?? 'support-agent' });
  const apiKey = process.env.OPENAI_API_KEY;
  const judgeUri = process.env.SUPPORT_JUDGE_MODEL;
  const offlineModel = apiKey ? undefined : await startOfflineModel();
  const offlineJudge = apiKey || judgeUri ? undefined : await startOfflineJudge();
  try {
    const openai = new OpenAI(
      offlineModel
        ? { baseURL: `${offlineModel.url}/v1`, apiKey: 'offline' }
        : { apiKey, ...(process.env.OPENAI_BASE_URL ? { baseURL: process.env.OPENAI_BASE_URL } : {}) },
    );
    const agent = createSupportAgent({ openai, db: new ProductDatabase(), model: process.env.SUPPORT_MODEL ?? 'gpt-4o-mini', loupe });
    const judge: SupportJudgeModel = offlineJudge
      ? { model: DEFAULT_JUDGE_MODEL, modelOptions: { baseUrl: `${offlineJudge.url}/v1`, apiKey: 'offline' } }
      : { model: judgeUri ?? DEFAULT_JUDGE_MODEL };
    console.log(`Judges: ${typeof judge.model === 'string' ? judge.model : judge.model.uri}${offlineJudge ? ' (offline: a fake judge on this machine)' : ''}`);
    const result = await evaluateSupportAgentWithJudges(loupe, agent, judge);
    console.log(`Evaluation run: ${loupe.config.trackingUri}/experiments/${result.experimentId}/evaluations/${result.runId}`);
  } finally {
    await offlineJudge?.close();
    await offlineModel?.close();
    await loupe.shutdown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
