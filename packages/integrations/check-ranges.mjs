// Runs each integration's tests against the LOW end of its declared peer range (the workspace's
// own install is the high end, which `npm test` runs). Each low set is installed from the npm
// registry into a temporary folder outside the repository and swapped in through
// LOUPE_PROVIDER_MODULES (vitest.config.ts). Needs the registry; not part of `npm test`.
//   node packages/integrations/check-ranges.mjs [name ...]     e.g. `... openai gemini`
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The oldest versions each package's README says are tested; companions are what the tests also
// import (a provider for the AI SDK, the OpenAI chat model for LangChain) at versions of the same age.
const LOW = {
  openai: { install: ['openai@6.0.0', 'zod@4.6.7'] },
  anthropic: { install: ['@anthropic-ai/sdk@1.0.0'] },
  bedrock: { install: ['@aws-sdk/client-bedrock-runtime@3.699.0'] },
  gemini: { install: ['@google/genai@2.0.0'] },
  langchain: {
    install: ['@langchain/core@1.0.0', '@langchain/langgraph@1.0.0', '@langchain/langgraph-checkpoint@1.0.0', '@langchain/openai@1.0.0'],
    flags: ['--legacy-peer-deps'],
  },
  'vercel-ai': { install: ['ai@6.0.0', '@ai-sdk/openai@3.0.0', 'zod@4.6.7'] },
  'openai-agents': { install: ['@openai/agents@0.14.0', 'zod@4.6.7'] },
  mastra: { install: ['@mastra/core@0.24.0', 'zod@4.6.7'] },
};

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(LOW);
const results = [];
for (const name of names) {
  const low = LOW[name];
  if (!low) throw new Error(`unknown integration '${name}'; known: ${Object.keys(LOW).join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `loupe-range-${name}-`));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', ...(low.flags ?? []), ...low.install], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let ok = true;
    try {
      execFileSync('npx', ['vitest', 'run', `packages/integrations/${name}`], {
        cwd: root,
        env: { ...process.env, LOUPE_PROVIDER_MODULES: path.join(dir, 'node_modules') },
        stdio: 'inherit',
      });
    } catch {
      ok = false;
    }
    results.push({ name, versions: low.install.join(' '), ok });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
console.log('\nLow end of each declared range:');
for (const r of results) console.log(`  ${r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(14)} ${r.versions}`);
if (results.some((r) => !r.ok)) process.exitCode = 1;
