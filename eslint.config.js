import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// Import directions (DESIGN.md, "arrows point inward only"). Type-only imports are allowed:
// they describe data and compile away.
const SDKS = [
  '@anthropic-ai/sdk',
  '@anthropic-ai/sdk/*',
  'openai',
  'openai/*',
  'ollama',
  'ollama/*',
];
const NODE_IO = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'execa',
];
const MESSAGE = 'Not from this layer (see DESIGN.md, Layout).';
const restrict = (groups, paths = []) => [
  'error',
  {
    paths: paths.map((name) => ({ name, message: MESSAGE, allowTypeImports: true })),
    patterns: [{ group: groups, message: MESSAGE, allowTypeImports: true }],
  },
];
const WIRING = ['**/wiring/**'];
const UI = ['**/ui/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Nothing imports the composition roots but the CLI (and its `route` fast path).
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/cli.tsx', 'src/cli-route.ts', 'src/wiring/**'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(WIRING) },
  },
  // ui/ renders state and sends intents: no providers, agent, local models, ledger, telemetry,
  // file system or subprocess.
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        [
          ...WIRING,
          '**/providers/**',
          '**/agent/**',
          '**/local/**',
          '**/ledger/**',
          '**/telemetry/**',
          '**/commands/**',
        ],
        [...SDKS, ...NODE_IO],
      ),
    },
  },
  // router/ is pure: no SDK and no provider.
  {
    files: ['src/router/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        [...WIRING, ...UI, '**/providers/**', '**/session/**', '**/commands/**'],
        SDKS,
      ),
    },
  },
  // core/ imports nothing of kirikae.
  {
    files: ['src/core/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['../**']) },
  },
  // commands/ and session/ never import ui/.
  {
    files: ['src/commands/**/*.ts', 'src/session/**/*.ts', 'src/gateway/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([...WIRING, ...UI]) },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
