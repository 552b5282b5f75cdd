// Bundles the `loupe` CLI into one ESM file (dist/loupe.js). Loading one file instead of hundreds of
// ESM modules cuts cold start by ~40% (docs/benchmarks.md). Native and driver packages stay external.
import fs from 'node:fs';
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
// The OTLP decode worker's script, next to the CLI (src/ingest/otlp/otlp-decode-pool.ts looks for it there).
await build({
  ...common,
  entryPoints: [new URL('../src/ingest/otlp/otlp-decode-worker.ts', import.meta.url).pathname],
  outfile: new URL('../dist/otlp-decode-worker.js', import.meta.url).pathname,
});
// The web UI (packages/ui, built by Vite before this script runs) goes beside the CLI: `loupe server`
// serves dist/ui at / (src/http/ui/ui-routes.ts), so the published package carries its UI.
const uiBuild = new URL('../../ui/dist/', import.meta.url).pathname;
const uiTarget = new URL('../dist/ui/', import.meta.url).pathname;
if (!fs.existsSync(`${uiBuild}index.html`)) throw new Error(`${uiBuild}index.html is missing: build the UI first (npm run build at the root does).`);
fs.rmSync(uiTarget, { recursive: true, force: true });
fs.cpSync(uiBuild, uiTarget, { recursive: true, filter: (src) => !src.endsWith('.map') });
