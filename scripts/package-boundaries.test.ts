import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPackageBoundaries } from './check-package-boundaries.mjs';
import { tsconfigPaths, viteAliases, workspaceAliases } from './workspace-packages.mjs';

let root: string;

/** A workspace on disk: `files` maps a path under the root to its contents (objects as JSON). */
function workspace(files: Record<string, string | object>): string {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-boundaries-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const manifest = (name: string, more: object = {}) => ({
  name,
  version: '0.1.0',
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  ...more,
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('checkPackageBoundaries', () => {
  it('finds relative imports into another package, undeclared imports and stale workspace versions', () => {
    workspace({
      'package.json': { workspaces: ['packages/*'], devDependencies: { vitest: '4' } },
      'packages/a/package.json': manifest('@x/a', { dependencies: { '@x/b': '0.0.9' }, devDependencies: { kleur: '1' } }),
      'packages/a/src/index.ts': [
        "import fs from 'node:fs';",
        "import { b } from '../../b/src/index.js';",
        "import type { Z } from 'zod';",
        "import { c } from 'kleur';",
        "import { own } from './own.js';",
        '/** @example import { y } from "undeclared-in-a-comment"; */',
      ].join('\n'),
      'packages/a/src/own.ts': 'export const own = 1;',
      'packages/a/src/index.test.ts': "import { it } from 'vitest';\nimport { c } from 'kleur';\nimport { a } from '@x/a';",
      'packages/b/package.json': manifest('@x/b'),
      'packages/b/src/index.ts': "export const b = await import('@x/a');",
      'scripts/tool.mjs': "import { it } from 'vitest';\nimport x from '../packages/a/src/index.js';",
    });
    expect(checkPackageBoundaries(root).sort()).toEqual([
      "packages/a/package.json: dependencies has @x/b@0.0.9; the workspace's @x/b is 0.1.0",
      "packages/a/src/index.ts:2: imports packages/b/src/index.js of @x/b by a relative path; import '@x/b' instead",
      "packages/a/src/index.ts:3: imports 'zod', which packages/a/package.json does not declare (in dependencies or peerDependencies)",
      "packages/a/src/index.ts:4: imports 'kleur', which packages/a/package.json does not declare (in dependencies or peerDependencies)",
      "packages/b/src/index.ts:1: imports '@x/a', which packages/b/package.json does not declare (in dependencies or peerDependencies)",
      "scripts/tool.mjs:2: imports packages/a/src/index.js of @x/a by a relative path; import '@x/a' instead",
    ]);
  });

  it('lets tests and unexported testing folders use devDependencies and the root devDependencies, and an exported testing entry only dependencies', () => {
    workspace({
      'package.json': { workspaces: ['packages/*'], devDependencies: { vitest: '4' } },
      'packages/a/package.json': manifest('@x/a', {
        exports: { '.': './dist/index.js', './testing': { types: './dist/testing/index.d.ts', default: './dist/testing/index.js' } },
        devDependencies: { kleur: '1' },
      }),
      'packages/a/src/index.ts': 'export const a = 1;',
      'packages/a/src/testing/index.ts': "import { it } from 'vitest';",
      'packages/a/src/store/testing/builders.ts': "import { it } from 'vitest';\nimport { c } from 'kleur';",
      'packages/a/src/store/contract/store.contract.ts': "import { it } from 'vitest';",
      'packages/a/scripts/build.mjs': "import { c } from 'kleur';",
    });
    expect(checkPackageBoundaries(root)).toEqual([
      "packages/a/src/testing/index.ts:1: imports 'vitest', which packages/a/package.json does not declare (in dependencies or peerDependencies)",
    ]);
  });
});

describe('workspaceAliases', () => {
  const files = {
    'package.json': { workspaces: ['packages/*', 'app'] },
    'packages/a/package.json': manifest('@x/a', { exports: { '.': { default: './dist/index.js' }, './extra': { default: './dist/extra/index.js' } } }),
    'packages/a/src/index.ts': '',
    'packages/a/src/extra/index.ts': '',
    'packages/b/package.json': manifest('@x/b', { dependencies: { '@x/a': '0.1.0' } }),
    'packages/b/src/index.ts': '',
    'packages/kit/package.json': { name: '@x/kit', private: true, exports: { '.': './src/index.ts', './fake': './src/fake.ts' } },
    'packages/kit/src/index.ts': '',
    'packages/kit/src/fake.ts': '',
    'app/package.json': { name: '@x/app', private: true, devDependencies: { '@x/b': '0.1.0', '@x/kit': '0.1.0' } },
  };

  it('maps each export of a depended-on package to its source', () => {
    workspace(files);
    expect(workspaceAliases({ root })).toEqual({
      '@x/a': 'packages/a/src/index.ts',
      '@x/a/extra': 'packages/a/src/extra/index.ts',
      '@x/b': 'packages/b/src/index.ts',
      '@x/kit': 'packages/kit/src/index.ts',
      '@x/kit/fake': 'packages/kit/src/fake.ts',
    });
    expect(tsconfigPaths('app', { root, consumer: 'packages/b' })).toEqual({
      '@x/a': ['../packages/a/src/index.ts'],
      '@x/a/extra': ['../packages/a/src/extra/index.ts'],
    });
    const [exact] = viteAliases({ root, consumer: 'packages/b' });
    expect(['@x/a', '@x/a/extra'].filter((s) => exact!.find.test(s))).toEqual(['@x/a']);
    expect(exact!.replacement).toBe(path.join(root, 'packages/a/src/index.ts'));
  });

  it('refuses an export whose source is missing', () => {
    workspace({ ...files, 'packages/a/package.json': manifest('@x/a', { exports: { '.': './dist/index.js', './gone': './dist/gone.js' } }) });
    expect(() => workspaceAliases({ root })).toThrow('packages/a/package.json exports ./dist/gone.js, but its source packages/a/src/gone.ts does not exist');
  });
});
