// Checks that each tsconfig's `paths` equal the workspace alias map (scripts/workspace-packages.mjs),
// the one list of `@loupe/*` imports and their sources; `--write` rewrites them (then run Prettier).
//   node scripts/check-workspace-aliases.mjs [--write]
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ROOT, tsconfigPaths } from './workspace-packages.mjs';

/** Each tsconfig with `paths`, and whose imports it resolves (undefined: every workspace package's). */
const TSCONFIGS = [
  { dir: '.', consumer: undefined },
  { dir: 'packages/ui', consumer: 'packages/ui' },
];

let stale = 0;
for (const { dir, consumer } of TSCONFIGS) {
  const file = path.join(ROOT, dir, 'tsconfig.json');
  const tsconfig = JSON.parse(fs.readFileSync(file, 'utf8'));
  const expected = tsconfigPaths(dir, consumer ? { consumer } : {});
  if (isDeepStrictEqual(tsconfig.compilerOptions.paths, expected)) continue;
  if (process.argv.includes('--write')) {
    tsconfig.compilerOptions.paths = expected;
    fs.writeFileSync(file, `${JSON.stringify(tsconfig, null, 2)}\n`);
    console.log(`${path.join(dir, 'tsconfig.json')}: paths rewritten`);
  } else {
    stale++;
    console.error(
      `${path.join(dir, 'tsconfig.json')}: compilerOptions.paths differ from the workspace packages' exports; expected\n${JSON.stringify(expected, null, 2)}`,
    );
  }
}
if (stale) {
  console.error('Run `node scripts/check-workspace-aliases.mjs --write && npx prettier --write tsconfig.json packages/ui/tsconfig.json`.');
  process.exit(1);
}
