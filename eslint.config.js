import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The import zones of the house plan (docs/adr/0010-layering.md): each zone lists what its files must not
 * import. Imports point inward (http -> services -> store interfaces); only the composition root
 * (packages/server/src/main.ts) and tests pick implementations.
 */
const zone = (files, forbidden, ignores = []) => ({
  files,
  ignores: ['**/*.test.ts', '**/*.test.tsx', '**/testing/**', '**/contract/**', ...ignores],
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map(([regex, message]) => ({ regex, message })) }],
  },
});
const zones = [
  zone(
    ['packages/server/src/services/**/*.ts'],
    [
      ['(^|/)(store/sql|store/artifacts/local)/', 'Services see store interfaces only; main.ts picks the SQL and local-folder implementations.'],
      ['(^|/)(otlp|http)/', 'Services know nothing of HTTP or OTLP: the edge decodes and passes typed commands.'],
    ],
  ),
  zone(
    ['packages/server/src/store/**/*.ts'],
    [['(^|/)(services|http|otlp)/', 'Stores are the innermost layer: they import protocol and their own interfaces only.']],
  ),
  zone(['packages/server/src/http/**/*.ts'], [['(^|/)(store/sql|store/artifacts/local)/', 'HTTP routes reach storage through services.']]),
  zone(['packages/server/src/ingest/**/*.ts'], [['(^|/)(services|http|store/sql)/', 'Ingest is a pure pipeline: bytes in, span batches out.']]),
  zone(
    ['packages/protocol/src/**/*.ts'],
    [['^(?!zod$|\\.)', 'protocol imports nothing but zod: it is the wire contract and runs in browsers.']],
    ['packages/protocol/src/attributes/**', 'packages/protocol/src/errors/**', 'packages/protocol/src/webhooks/**', 'packages/protocol/src/monitors/**'],
  ),
  zone(
    [
      'packages/protocol/src/attributes/**/*.ts',
      'packages/protocol/src/errors/**/*.ts',
      'packages/protocol/src/webhooks/**/*.ts',
      'packages/protocol/src/monitors/**/*.ts',
    ],
    [
      [
        '^(?!\\./)',
        'The plain entries @loupe/protocol/attributes, /errors, /webhooks and /monitors import nothing outside their folder, zod included: the SDK and the UI load them.',
      ],
    ],
  ),
  zone(
    ['packages/ui/src/**/*.{ts,tsx}'],
    [
      [
        '^@loupe/(?!protocol(/(attributes|errors|webhooks|monitors))?$)',
        'The UI talks to the server over HTTP; it shares only @loupe/protocol (and its plain entries).',
      ],
      ['^(node:|kysely$|hono|better-sqlite3$|pg$)', 'The UI runs in browsers: no Node or server modules.'],
      ['(^|/)(server|sdk)/src/', 'The UI talks to the server over HTTP; it shares only @loupe/protocol.'],
    ],
  ),
  zone(
    ['packages/sdk/src/tracing/**/*.ts'],
    [['(^|/)(export|client|genai)/', 'tracing/ is the core: export, client and genai build on it, never the reverse.']],
  ),
];

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
    // Services and stores take time from the injected Clock (src/clock.ts), so tests never sleep.
    files: ['packages/server/src/services/**/*.ts', 'packages/server/src/store/**/*.ts'],
    ignores: ['**/*.test.ts', 'packages/server/src/store/sql/migrations/**'],
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
  ...zones,
);
