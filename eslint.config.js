// Lint enforces the process boundaries from DESIGN.md: the gateway runs under plain Node (no electron, no UI),
// the renderer runs in a sandboxed page (no Node, no gateway), and only main/preload touch electron.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const uiOrShell = ['electron', 'electron/*', 'react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'native/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.test-state/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['src/gateway/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: uiOrShell.filter((p) => !p.includes('*')),
          patterns: [
            {
              group: uiOrShell.filter((p) => p.includes('*')),
              message: 'The gateway runs under plain Node.',
            },
            {
              group: ['**/renderer/**', '**/main/**', '**/preload/**', '**/cli/**'],
              message: 'Gateway and shared code never import the shells.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...uiOrShell.filter((p) => !p.includes('*')), ...nodeBuiltins],
          patterns: [
            {
              group: ['**/gateway/**', '**/renderer/**', '**/main/**', '**/preload/**', '**/cli/**'],
              message: 'The contract depends on zod only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron'],
          patterns: [
            {
              group: ['**/gateway/**', '**/main/**', '**/preload/**', '**/cli/**'],
              message: 'The renderer talks only to the API object and src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-console': 'off',
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', '@whiskeysockets/baileys'],
          patterns: [
            {
              group: ['**/gateway/whatsapp/**'],
              message: 'The CLI never touches Baileys; it asks the gateway.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.js', 'test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*'],
    rules: { 'no-console': 'off' },
  },
);
