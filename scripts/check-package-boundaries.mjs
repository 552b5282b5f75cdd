// Package boundaries, checked over every source file of the workspace (`npm run lint` runs it):
// - no file imports another workspace package's files by a relative path (import the package instead);
// - every package a file imports is declared in its package's package.json: published code (a public
//   package's src/, tests, contract suites and unexported testing/ folders aside) in dependencies or peerDependencies;
//   tests, tooling and private packages may use devDependencies too, and tests and tooling the root's;
// - a dependency on a workspace package names that package's version.
//   node scripts/check-package-boundaries.mjs
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ROOT, workspacePackages } from './workspace-packages.mjs';

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'loupe-data', '.loupe-test', 'test-artifacts']);
const BUILTINS = new Set(builtinModules);

const keys = (deps) => Object.keys(deps ?? {});
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const inside = (dir, file) => file === dir || file.startsWith(`${dir}/`);

function sourceFiles(root, dir, skip) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = dir === '.' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) || skip.has(rel) ? [] : sourceFiles(root, rel, skip);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') && !/\.d\.[mc]ts$/.test(entry.name) ? [rel] : [];
  });
}

// The folders of a package's subpath exports (`./testing` -> src/testing): published, even when named testing/.
function exportedDirs(dir, manifest) {
  const entries = typeof manifest.exports === 'object' && manifest.exports !== null ? Object.entries(manifest.exports) : [];
  return entries
    .filter(([subpath]) => subpath !== '.')
    .map(([, target]) => (typeof target === 'string' ? target : (target.default ?? target.import ?? '')))
    .map((file) => path.posix.join(dir, path.posix.dirname(file.replace(/^\.\/dist\//, './src/'))));
}

/**
 * The problems in the workspace at `root`, one line each (`file:line: what`); none when the boundaries hold.
 *
 * @example
 * checkPackageBoundaries(); // ["e2e/src/x.test.ts:3: imports packages/server/src/main.ts of @loupe/server by a relative path; import '@loupe/server' instead"]
 */
export function checkPackageBoundaries(root = ROOT) {
  const rootManifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const packages = workspacePackages(root);
  const versions = new Map(packages.map((p) => [p.manifest.name, p.manifest.version]));
  const problems = [];
  for (const { dir, manifest } of packages)
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies'])
      for (const [name, range] of Object.entries(manifest[field] ?? {}))
        if (versions.has(name) && range !== versions.get(name))
          problems.push(`${dir}/package.json: ${field} has ${name}@${range}; the workspace's ${name} is ${versions.get(name)}`);

  const owners = [
    ...packages.map(({ dir, manifest }) => ({ dir, manifest, published: manifest.private !== true, exported: exportedDirs(dir, manifest) })),
    { dir: '.', manifest: rootManifest, published: false, exported: [] },
  ];
  const rootDev = keys(rootManifest.devDependencies);
  for (const owner of owners) {
    const { dir, manifest } = owner;
    const others = packages.filter((p) => p.dir !== dir);
    const nested = new Set(dir === '.' ? packages.map((p) => p.dir) : []);
    const runtime = [...keys(manifest.dependencies), ...keys(manifest.peerDependencies)];
    for (const file of sourceFiles(root, dir, nested)) {
      const rel = dir === '.' ? file : file.slice(dir.length + 1);
      const support =
        /\.test\.[^.]+$|\.config\.[^.]+$/.test(file) ||
        (rel.split('/').some((segment) => segment === 'testing' || segment === 'contract') && !owner.exported.some((d) => inside(d, file)));
      const published = owner.published && rel.startsWith('src/') && !support;
      const allowed = new Set([
        manifest.name,
        ...runtime,
        ...(published ? [] : keys(manifest.devDependencies)),
        ...(published || (!support && !(owner.published || dir === '.')) ? [] : rootDev),
      ]);
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const { fileName: specifier, pos } of ts.preProcessFile(text, true, true).importedFiles) {
        const where = `${file}:${text.slice(0, pos).split('\n').length}`;
        if (specifier.startsWith('.')) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
          const other = others.find((p) => inside(p.dir, target));
          if (other) problems.push(`${where}: imports ${target} of ${other.manifest.name} by a relative path; import '${other.manifest.name}' instead`);
          continue;
        }
        if (specifier.startsWith('node:') || BUILTINS.has(specifier) || specifier.startsWith('virtual:')) continue;
        const name = packageName(specifier);
        if (allowed.has(name)) continue;
        const fields = published ? 'dependencies or peerDependencies' : 'dependencies, devDependencies or peerDependencies';
        problems.push(`${where}: imports '${name}', which ${dir === '.' ? '' : `${dir}/`}package.json does not declare (in ${fields})`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkPackageBoundaries();
  for (const problem of problems) console.error(problem);
  if (problems.length) {
    console.error(`${problems.length} package boundary problem(s).`);
    process.exit(1);
  }
}
