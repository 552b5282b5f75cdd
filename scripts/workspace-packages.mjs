// The workspace's packages as their package.json files declare them, and the one map from each
// `@loupe/*` import (a package or one of its subpath exports) to its TypeScript source. Vitest and
// Vite read the map from here; the tsconfig `paths` are checked against it (check-workspace-aliases.mjs),
// so a new package or subpath export is one edit: its package.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (absolute, no trailing slash). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/**
 * Every workspace package: its folder (relative to the root, `/`-separated) and package.json.
 *
 * @example
 * workspacePackages().map((p) => p.manifest.name); // ['@loupe/protocol', '@loupe/server', ...]
 */
export function workspacePackages(root = ROOT) {
  const dirs = readJson(path.join(root, 'package.json')).workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return fs
      .readdirSync(path.join(root, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `${parent}/${d.name}`);
  });
  return dirs
    .filter((dir) => fs.existsSync(path.join(root, dir, 'package.json')))
    .sort()
    .map((dir) => ({ dir, manifest: readJson(path.join(root, dir, 'package.json')) }));
}

/** Every dependency a manifest declares, of any kind. */
export function declaredDependencies(manifest) {
  return new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
}

// An export target's file: the `default` (or `import`) condition; built output (`./dist/x.js`) stands
// for its source (`./src/x.ts`), which must exist.
function sourceOf(root, dir, target) {
  const file = typeof target === 'string' ? target : (target.default ?? target.import);
  if (typeof file !== 'string') throw new Error(`${dir}/package.json: an export has no default or import target`);
  const source = path.posix.join(dir, file.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts'));
  if (!fs.existsSync(path.join(root, source))) throw new Error(`${dir}/package.json exports ${file}, but its source ${source} does not exist`);
  return source;
}

/**
 * `@loupe/*` import specifiers -> source files (relative to the root), for the packages some workspace
 * package depends on (all of them, or those `consumer`'s package.json declares).
 *
 * @example
 * workspaceAliases(); // { '@loupe/protocol': 'packages/protocol/src/index.ts', '@loupe/sdk/genai': 'packages/sdk/src/genai/index.ts', ... }
 * workspaceAliases({ consumer: 'packages/ui' }); // { '@loupe/protocol': 'packages/protocol/src/index.ts', '@loupe/protocol/errors': ... }
 */
export function workspaceAliases({ root = ROOT, consumer } = {}) {
  const packages = workspacePackages(root);
  const consumers = consumer ? packages.filter((p) => p.dir === consumer) : packages;
  const wanted = new Set(consumers.flatMap((p) => [...declaredDependencies(p.manifest)]));
  const aliases = {};
  for (const { dir, manifest } of packages) {
    if (!wanted.has(manifest.name)) continue;
    const exports = typeof manifest.exports === 'object' && manifest.exports !== null && '.' in manifest.exports ? manifest.exports : { '.': manifest.exports };
    for (const [subpath, target] of Object.entries(exports)) {
      if (target === undefined) throw new Error(`${dir}/package.json has no exports`);
      aliases[subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`] = sourceOf(root, dir, target);
    }
  }
  return aliases;
}

/**
 * The map as Vite/Vitest `resolve.alias` entries: exact matches, so `@loupe/sdk` never swallows `@loupe/sdk/genai`.
 *
 * @example
 * defineConfig({ resolve: { alias: viteAliases() } });
 */
export function viteAliases(options = {}) {
  const root = options.root ?? ROOT;
  return Object.entries(workspaceAliases(options)).map(([name, source]) => ({
    find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`),
    replacement: path.join(root, source),
  }));
}

/**
 * The map as tsconfig `compilerOptions.paths` of the tsconfig in `tsconfigDir` (relative to the root).
 *
 * @example
 * tsconfigPaths('packages/ui', { consumer: 'packages/ui' }); // { '@loupe/protocol': ['../protocol/src/index.ts'], ... }
 */
export function tsconfigPaths(tsconfigDir, options = {}) {
  return Object.fromEntries(Object.entries(workspaceAliases(options)).map(([name, source]) => [name, [path.posix.relative(tsconfigDir, source)]]));
}
