/**
 * A separate server process for the crash test (online-scoring-crash.test.ts): opens the database
 * given as the first argument with the world's settings and the real clock, backfills the scorer
 * named second over the experiment given third (every trace until now), says `backfilled <n>` on
 * stdout and runs the judgement jobs until it is killed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveServerConfig } from '../../../../config/config.js';
import { systemClock } from '../../../../clock.js';
import { createLoupe } from '../../../../main.js';
import { worldSettings } from './online-scoring-world.js';

const [uri, name, experimentId] = process.argv.slice(2);
if (!uri || !name || !experimentId) throw new Error('usage: backfill-child <database uri> <scorer name> <experiment id>');
const artifactsDestination = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-child-'));
const loupe = await createLoupe(resolveServerConfig({ artifactsDestination, ...worldSettings(uri) }, {}));
const { jobs } = await loupe.services.onlineScoring.backfill({ experimentId, name, startTimeMs: 0, endTimeMs: systemClock.now() });
process.stdout.write(`backfilled ${jobs}\n`);
loupe.jobs.start();
