import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { viteAliases } from './scripts/workspace-packages.mjs';

/**
 * Version-range checks: LOUPE_PROVIDER_MODULES names a node_modules folder holding other versions of
 * provider libraries (`npm install --prefix /tmp/low openai@6.0.1`); those replace the workspace's
 * copies, so the same integration tests run against them (see packages/integrations/README.md). A zod
 * installed there replaces the workspace's too, so the tests' schemas and the library's are one zod.
 */
// eslint-disable-next-line no-restricted-syntax
const providerModules = process.env.LOUPE_PROVIDER_MODULES;
const PROVIDER_LIBRARIES = [
  'openai',
  '@anthropic-ai/sdk',
  '@aws-sdk/client-bedrock-runtime',
  '@google/genai',
  '@langchain/core',
  '@langchain/langgraph',
  '@langchain/openai',
  'ai',
  '@ai-sdk/openai',
  '@openai/agents',
  '@mastra/core',
  'zod',
];
// A subpath import (`@langchain/core/tools`, `@mastra/core/agent`) goes through the package's
// `exports` map (exact keys, then `./*` patterns; the `import` condition), as Node would resolve it.
function exportTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (typeof target !== 'object' || target === null) return undefined;
  const t = target as Record<string, unknown>;
  for (const condition of ['import', 'node', 'default']) {
    const hit = exportTarget(t[condition]);
    if (hit) return hit;
  }
  return undefined;
}
function resolveSubpath(dir: string, subpath: string): string {
  const exports = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }).exports;
  const key = `.${subpath}`;
  let target = exports && typeof exports === 'object' ? exportTarget(exports[key]) : undefined;
  for (const [pattern, value] of Object.entries(exports ?? {})) {
    if (target || !pattern.includes('*')) continue;
    const [head, tail] = pattern.split('*') as [string, string];
    if (key.startsWith(head) && key.endsWith(tail) && key.length >= head.length + tail.length)
      target = exportTarget(value)?.replace('*', key.slice(head.length, key.length - tail.length));
  }
  return target ? path.join(dir, target) : path.join(dir, subpath);
}
const providerOverrides = providerModules
  ? PROVIDER_LIBRARIES.filter((name) => fs.existsSync(path.join(providerModules, name, 'package.json'))).flatMap((name) => [
      { find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`), replacement: path.join(providerModules, name) },
      {
        find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/.+)$`),
        replacement: '$1',
        customResolver: (subpath: string) => resolveSubpath(path.join(providerModules, name), subpath),
      },
    ])
  : [];

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their sources (scripts/workspace-packages.mjs derives the map from their exports).
    alias: [...providerOverrides, ...viteAliases()],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/integrations/*/src/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'e2e/**/*.test.ts',
      'scripts/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    // Processed by Vite (not loaded by Node directly), so the zod resolution above applies to them.
    server: { deps: { inline: [/[\\/]@openai[\\/]agents/] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
