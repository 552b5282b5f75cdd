/**
 * `loupe server` in a child process for crash tests: starts the real server (background jobs and the
 * webhook fan-out running on the system clock) with its settings from the environment, on the
 * database given as the only argument, and prints `listening on <url>`.
 */
import { resolveServerConfigFromProcess } from '../../../config/config.js';
import { startServer } from '../../../main.js';

const [uri] = process.argv.slice(2);
if (!uri) throw new Error('usage: loupe-server-child <database uri>');
const server = await startServer(resolveServerConfigFromProcess({ backendStoreUri: uri, port: 0, uiRoot: null, otlpDecodeThreads: 0 }));
process.stdout.write(`listening on ${server.url}\n`);
