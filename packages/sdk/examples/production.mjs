// Production settings: sampling with tail rules, redaction, a versioned model, and a flush at the end.
//   LOUPE_TRACKING_URI=http://127.0.0.1:5000 node packages/sdk/examples/production.mjs
import { flushTraces, getClient, getLoupe, init, setActiveModel, trace, TraceMetadataKey } from '@loupe/sdk';

init({
  experimentName: process.env.EXAMPLE_EXPERIMENT ?? 'production-example',
  // Keep every failure and every slow or costly trace, and 10% of the rest.
  sampling: { tail: { keepErrors: true, slowerThanMs: 2000, costlierThanUsd: 0.05, sampleRest: 0.1 } },
  // Built-in rules (API keys, e-mails, card numbers, secret keys) plus one of ours.
  redact: { rules: [/ACCT-\d+/g] },
});

await setActiveModel({ name: 'support-agent' });

const tool = trace(
  async (account) => {
    if (account.endsWith('7')) throw new Error(`account ${account} is locked`);
    return { balance: 42 };
  },
  { name: 'lookup_account', spanType: 'TOOL' },
);
const agent = trace(async (userEmail, account) => tool(account), { name: 'agent', spanType: 'AGENT' });

for (const account of ['ACCT-1', 'ACCT-7']) await agent('ann@example.com', account).catch(() => {});
await flushTraces();

const experimentId = await getLoupe().experimentId();
const { items } = await getClient().searchTraces({ experimentIds: [experimentId], filter: "trace.status = 'ERROR'" });
for (const t of items) {
  const root = t.spans.find((s) => s.parentId === null);
  console.log(`${t.info.trace_id} ${t.info.state} inputs=${JSON.stringify(root?.inputs)} model=${t.info.trace_metadata[TraceMetadataKey.MODEL_ID]}`);
}
