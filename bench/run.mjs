// Runs every benchmark in sequence. `npm run bench` builds first.
import { run as logBatch } from './log-batch.mjs';
import { run as searchRuns } from './search-runs.mjs';
import { run as startup } from './startup.mjs';

console.log(`Node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);
await startup();
await logBatch();
await searchRuns();
