// ESLint 9 flat config for the whole repository. Besides the usual TypeScript checks it enforces the
// layering in ARCHITECTURE.md (the same rules are checked again by tests/unit/layering.test.ts, which also
// resolves global identifiers with the TypeScript checker):
//   shared/    pure: no Node built-ins, no DOM globals, no Electron, no React, nothing from the other layers
//   renderer/  no Node built-ins or globals, no Electron (only `import type` from electron/preload/api),
//              nothing from the sync server
//   electron/  nothing from renderer/ or sync-server/; the sandboxed preload imports only `electron`
//   sync-server/ nothing from renderer/ or electron/
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));
const nodeBuiltinPaths = (message) => NODE_BUILTINS.map((name) => ({ name, message }));

/** Globals that exist only in browsers (window, document, localStorage, HTMLElement, …). */
const DOM_ONLY_GLOBALS = Object.keys(globals.browser).filter(
  (name) => !(name in globals.node) && !(name in globals.builtin),
);
/** Globals that exist only in Node (process, Buffer, require, __dirname, …). */
const NODE_ONLY_GLOBALS = Object.keys(globals.node).filter(
  (name) => !(name in globals.browser) && !(name in globals.builtin),
);

const restrictedGlobals = (names, message) => names.map((name) => ({ name, message }));

const SHARED_MESSAGE =
  'shared/ is pure TypeScript used by the server and the app: no Node, DOM, Electron or React, and nothing from the other layers (STYLE.md).';
const RENDERER_MESSAGE =
  'renderer/ runs in a browser tab too: no Node or Electron (use window.ringside, typed by `import type` from electron/preload/api).';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'data/**',
      'coverage/**',
      'test-results/**',
      'node_modules/**',
      '.tmp/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-expect-error': 'allow-with-description', 'ts-ignore': true },
      ],
      'no-restricted-imports': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  // Where each part runs, for the globals it may use.
  {
    files: ['sync-server/**', 'scripts/**', 'tests/**', 'electron/main/**', '*.config.{js,ts,mjs}', '.ci/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    files: ['tests/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  // Layering.
  {
    files: ['shared/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltinPaths(SHARED_MESSAGE),
            { name: 'electron', message: SHARED_MESSAGE },
            { name: 'react', message: SHARED_MESSAGE },
            { name: 'react-dom', message: SHARED_MESSAGE },
          ],
          patterns: [
            { regex: '^node:', message: SHARED_MESSAGE },
            { regex: '^(electron|react|react-dom)/', message: SHARED_MESSAGE },
            { regex: '^\\.\\.?/(.*/)?(sync-server|renderer|electron)(/|$)', message: SHARED_MESSAGE },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...restrictedGlobals([...DOM_ONLY_GLOBALS, ...NODE_ONLY_GLOBALS], SHARED_MESSAGE),
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx,js,jsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltinPaths(RENDERER_MESSAGE), { name: 'electron', message: RENDERER_MESSAGE }],
          patterns: [
            { regex: '^node:', message: RENDERER_MESSAGE },
            { regex: '^electron/', message: RENDERER_MESSAGE },
            { regex: '(^|/)electron/preload/api$', allowTypeImports: true, message: RENDERER_MESSAGE },
            { regex: '(^|/)electron/(?!preload/api$)', message: RENDERER_MESSAGE },
            {
              regex: '(^|/)sync-server(/|$)',
              message: 'The renderer talks to the sync server over HTTP only; shared types live in shared/.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...restrictedGlobals(NODE_ONLY_GLOBALS, RENDERER_MESSAGE)],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(renderer|sync-server)(/|$)',
              message:
                'The desktop shell loads the built renderer and talks to the server over HTTP; it imports neither.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    languageOptions: { globals: { process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$|\\./)',
              message: 'The preload runs sandboxed: it may import `electron` and its own files (./api) only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['sync-server/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(renderer|electron)(/|$)',
              message: 'The sync server shares code with the app through shared/ only.',
            },
          ],
        },
      ],
    },
  },
);
