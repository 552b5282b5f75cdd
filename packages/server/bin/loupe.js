#!/usr/bin/env node
// The `loupe` command (`npx loupe ...`). It runs the bundled CLI, dist/loupe.js. In a source checkout
// where that has not been built yet (right after `npm ci`), it first builds it with the repository's
// `npm run build`, so the README's commands work as written; an installed package always ships dist/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/loupe.js', import.meta.url);

/** The repository root when this file is packages/server/bin/loupe.js of a Loupe checkout, else undefined. */
function checkoutRoot() {
  const root = new URL('../../../', import.meta.url);
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('package.json', root), 'utf8'));
    return Array.isArray(pkg.workspaces) && pkg.workspaces.includes('packages/server') ? fileURLToPath(root) : undefined;
  } catch {
    return undefined;
  }
}

if (!fs.existsSync(cli)) {
  const root = checkoutRoot();
  if (!root) {
    process.stderr.write(`loupe: ${fileURLToPath(cli)} is missing: reinstall @loupe/server\n`);
    process.exit(1);
  }
  process.stderr.write(`loupe: first run in this checkout: building it (npm run build in ${root}, about a minute)...\n`);
  // The build's output goes to stderr, so what `loupe --version` or `--help` prints on stdout stays clean.
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (build.status !== 0 || !fs.existsSync(cli)) {
    process.stderr.write(`loupe: the build failed (see above); run \`npm run build\` in ${root} to retry\n`);
    process.exit(1);
  }
}
await import(cli.href);
