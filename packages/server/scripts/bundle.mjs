// Bundles the `loupe` CLI into one ESM file (dist/loupe.js). Loading one file instead of hundreds of
// ESM modules cuts cold start by ~40% (docs/benchmarks.md). Native and driver packages stay external.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', 'pg'],
  // Bundled CommonJS dependencies call require(); give them one in the ESM output.
  banner: { js: "import { createRequire as __loupeCreateRequire } from 'node:module'; const require = __loupeCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};
await build({ ...common, entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname], outfile: new URL('../dist/loupe.js', import.meta.url).pathname });
// The OTLP decode worker's script, next to the CLI (src/otlp/otlp-decode-pool.ts looks for it there).
await build({ ...common, entryPoints: [new URL('../src/otlp/otlp-decode-worker.ts', import.meta.url).pathname], outfile: new URL('../dist/otlp-decode-worker.js', import.meta.url).pathname });
