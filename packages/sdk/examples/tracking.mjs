// The tracking client: an experiment, a run with params, metrics and an artifact, then a search.
//   LOUPE_TRACKING_URI=http://127.0.0.1:5000 node packages/sdk/examples/tracking.mjs
import { createClient } from '@loupe/sdk';

const client = createClient({ trackingUri: process.env.LOUPE_TRACKING_URI ?? 'http://127.0.0.1:5000' });
const experimentId = await client.getOrCreateExperiment(process.env.EXAMPLE_EXPERIMENT ?? 'tracking-example');

const run = await client.startRun({ experimentId, runName: 'train', tags: { team: 'core' } });
const runId = run.info.run_id;
await client.logParams(runId, { lr: 0.01, epochs: 3 });
for (let step = 0; step < 3; step++) await client.logMetric(runId, 'loss', 1 / (step + 1), { step });
await client.logArtifactData(runId, JSON.stringify({ weights: [0.1, 0.2] }), 'model/weights.json');
await client.endRun(runId);

const { items } = await client.searchRuns({ experimentIds: [experimentId], filter: "metrics.loss < 0.5 and params.lr = '0.01'" });
console.log(`runs with loss < 0.5: ${items.map((r) => r.info.run_id).join(', ')}`);
console.log(`artifacts: ${(await client.listArtifacts(runId, 'model')).map((f) => f.path).join(', ')}`);
