import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './client/loupe-client.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';

const run = promisify(execFile);
const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

// The README's examples, run as a user runs them (a separate Node process, the built package)
// against a real server, so they stay true.
describe('examples/', () => {
  let server: TestServer;
  beforeAll(async () => {
    if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first (npm test does).`);
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  const example = async (file: string) => {
    const experiment = `example-${file}-${Date.now()}`;
    const { stdout } = await run(process.execPath, [`${examples}${file}`], {
      env: { ...process.env, LOUPE_TRACKING_URI: server.url, EXAMPLE_EXPERIMENT: experiment },
      timeout: 30_000,
    });
    const client = createClient({ trackingUri: server.url });
    const exp = await client.getExperimentByName(experiment);
    return { stdout, client, experimentId: exp?.experiment_id as string };
  };

  it('quickstart.mjs: the trace arrives through the exit flush', async () => {
    const { stdout, client, experimentId } = await example('quickstart.mjs');
    const traceId = /trace (tr-[0-9a-f]{32})/.exec(stdout)?.[1];
    const t = await client.getTrace(traceId as string);
    expect(t?.spans.map((s) => s.name)).toEqual(['answer', 'retrieve', 'llm']);
    expect(t?.info.tags.example).toBe('quickstart');
    expect((await client.searchTraces({ experimentIds: [experimentId] })).items).toHaveLength(1);
  });

  it('tracking.mjs', async () => {
    const { stdout } = await example('tracking.mjs');
    expect(stdout).toMatch(/runs with loss < 0.5: [0-9a-f]{32}\nartifacts: model\/weights.json/);
  });

  it('production.mjs: the failure is kept and redacted, with the model id', async () => {
    const { stdout } = await example('production.mjs');
    expect(stdout).toMatch(/^tr-[0-9a-f]{32} ERROR inputs=\{"userEmail":"\[REDACTED\]","account":"\[REDACTED\]"\} model=m-[0-9a-f]{32}\n$/);
  });

  it('a script whose server is down ends on its own, with its own exit code, once the exit flush times out', async () => {
    // Retries would go on for a minute (the retry window); the exit flush gives up after 300 ms. The
    // kill timeout only bounds a hang: a script the flush held open is killed and has no exit code.
    const script = `import { init, trace } from '@loupe/sdk';
      init({ trackingUri: 'http://127.0.0.1:9', experimentId: '1', export: { exitFlushTimeoutMs: 300, retryWindowMs: 60_000 } });
      trace(() => 1, { name: 'x' })();
      process.exitCode = 3;`;
    const err = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: examples, timeout: 20_000 }).catch((e: { code?: number }) => e);
    expect(err).toMatchObject({ code: 3, killed: false });
  });

  it('opentelemetry.mjs', async () => {
    const { stdout, client } = await example('opentelemetry.mjs');
    const traceId = /trace (tr-[0-9a-f]{32})/.exec(stdout)?.[1];
    expect((await client.getTrace(traceId as string))?.spans.map((s) => s.name)).toEqual(['POST /tickets', 'classify']);
  });
});
