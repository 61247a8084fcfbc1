// Lint rules that keep the layers honest (see ARCHITECTURE.md): imports point down only.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'stream', 'zlib', 'url', 'util', 'events', 'buffer']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['electron/**/*.ts', 'test/**/*.ts', 'scripts/**/*.{js,mjs,ts}', '*.config.{js,ts,mjs}', 'bin/**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'electron/core is plain Node: the engine never imports Electron.' }],
        patterns: [
          { group: ['**/main/**', '**/preload/**', '**/headless/**', '**/renderer/**'], message: 'The engine imports only shared/ and itself.' },
        ],
      }],
    },
  },
  {
    files: ['electron/headless/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The headless host runs without Electron.' }],
        patterns: [{ group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'The headless host uses electron/core and shared/ only.' }],
      }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/core/**', '**/main/**', '**/headless/**', '**/renderer/**'], message: 'The preload exposes the Api client only: it imports shared/.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks to the Api client only.' }],
        patterns: [
          { group: nodeBuiltins, message: 'The renderer runs in a sandboxed page: no Node modules.' },
          { group: ['**/electron/**'], message: 'The renderer never imports electron/: use the Api client.' },
        ],
      }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(?!zod$|zod/|\\./|\\.\\./[a-z-]+$)', message: 'shared/ imports only its schema library (zod) and itself.' },
        ],
      }],
    },
  },
)
