// Bundles the `loupe` CLI into one ESM file (dist/loupe.js). Loading one file instead of hundreds of
// ESM modules cuts cold start by ~40% (docs/benchmarks.md). Native and driver packages stay external.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outfile: new URL('../dist/loupe.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', 'pg'],
  // Bundled CommonJS dependencies call require(); give them one in the ESM output.
  banner: { js: "import { createRequire as __loupeCreateRequire } from 'node:module'; const require = __loupeCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
