// No import cycles inside a package's source (`npm run lint` runs it): a cycle means two modules are one
// responsibility split in two, or a shared piece sits on the wrong side (docs/adr/0010-layering.md).
// Type-only imports count too: they are still a dependency of the design. Tests are left out.
//   node scripts/check-import-cycles.mjs
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT, workspacePackages } from './workspace-packages.mjs';

const SOURCE = /\.(ts|tsx)$/;
const SKIPPED = /(^|\/)(node_modules|dist)(\/|$)|\.test\.tsx?$|\.d\.ts$/;

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (SKIPPED.test(file)) return [];
    if (entry.isDirectory()) return sourceFiles(file);
    return SOURCE.test(entry.name) ? [file] : [];
  });
}

/** The files a module imports or re-exports by a relative path, resolved as TypeScript's NodeNext would. */
function relativeImports(file) {
  const text = fs.readFileSync(file, 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '');
      return [`${target}.ts`, `${target}.tsx`, path.join(target, 'index.ts')].find((f) => fs.existsSync(f));
    })
    .filter(Boolean);
}

/** Strongly connected components of more than one module (Tarjan). */
function cycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

let failed = false;
for (const pkg of workspacePackages()) {
  const src = path.join(ROOT, pkg.dir, 'src');
  if (!fs.existsSync(src)) continue;
  const graph = new Map(sourceFiles(src).map((f) => [f, relativeImports(f)]));
  for (const component of cycles(graph)) {
    failed = true;
    console.error(`Import cycle in ${pkg.manifest.name}: ${component.map((f) => path.relative(ROOT, f)).join(' <-> ')}`);
  }
}
if (failed) process.exit(1);
