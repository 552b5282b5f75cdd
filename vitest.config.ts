import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Exact matches: '@loupe/sdk' must not swallow '@loupe/sdk/genai'.
    alias: [
      { find: /^@loupe\/protocol$/, replacement: src('./packages/protocol/src/index.ts') },
      { find: /^@loupe\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      { find: /^@loupe\/sdk\/genai$/, replacement: src('./packages/sdk/src/genai/index.ts') },
      { find: /^@loupe\/fake-providers$/, replacement: src('./packages/integrations/testing/src/index.ts') },
      ...['openai', 'anthropic', 'bedrock', 'gemini', 'langchain', 'vercel-ai', 'openai-agents', 'mastra'].map((name) => ({
        find: new RegExp(`^@loupe/${name}$`),
        replacement: src(`./packages/integrations/${name}/src/index.ts`),
      })),
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/integrations/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
