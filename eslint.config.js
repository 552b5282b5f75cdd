import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'loupe-data/**', '.loupe-test/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Only src/config reads process.env (composition root rule).' },
      ],
    },
  },
  {
    files: ['packages/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: [
      'packages/server/src/config/**',
      'packages/sdk/src/config/**',
      'packages/sdk/examples/**',
      'examples/**',
      'packages/integrations/check-ranges.mjs',
      '**/*.test.ts',
      'e2e/**',
      'bench/**',
      'packages/server/src/testing/**',
      '.ci/**',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The SDK builds no zod schemas when it loads (half its import time): values come from protocol's plain entries.
    files: ['packages/sdk/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@loupe/protocol', allowTypeImports: true, message: "Import values from '@loupe/protocol/attributes' or '@loupe/protocol/errors'." },
            { name: 'zod', message: 'The SDK does not load zod (see src/config/settings.ts).' },
          ],
        },
      ],
    },
  },
  {
    // The plain entries @loupe/protocol/attributes and /errors stay plain: no zod, nothing from the rest of the protocol.
    files: ['packages/protocol/src/attributes/**/*.ts', 'packages/protocol/src/errors/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['zod'], patterns: ['../*'] }] },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    // Services and stores take time from the injected Clock (services/clock.ts), so tests never sleep.
    files: ['packages/server/src/services/**/*.ts', 'packages/server/src/store/**/*.ts'],
    ignores: ['**/*.test.ts', 'packages/server/src/services/clock.ts', 'packages/server/src/store/sql/migrations/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected Clock (clock.now()).' },
        { object: 'performance', property: 'now', message: 'Use the injected Clock (clock.monotonic()).' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use the injected Clock (clock.setTimeout, or sleep(clock, ms)).' },
        { name: 'setInterval', message: 'Use the injected Clock (clock.setInterval).' },
      ],
    },
  },
);
