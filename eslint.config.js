// Import boundaries (ARCHITECTURE.md): main/ never imports electron; renderer/ never imports Node
// modules or electron; contract/ imports neither. Enforced here and by separate tsconfigs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nodeOnlyPackages = ['better-sqlite3', 'serialport', '@serialport/*', 'pg', '@electric-sql/*', 'pino', 'undici', 'ws', 'node-cron'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-renderer/', 'dist-electron/', 'release/', 'test-results/', 'playwright-report/', '.data/', 'cloud-api/dist/', 'cloud-api/.build-test-*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.property.name='env'][property.name='NODE_ENV']", message: 'Do not branch on NODE_ENV; inject config.' },
      ],
    },
  },
  {
    files: ['main/**/*.ts', 'cloud-api/**/*.ts', 'sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['electron/*', '**/electron/**', '**/renderer/**'] }],
    },
  },
  {
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', ...nodeBuiltins], patterns: [...nodeOnlyPackages, '**/main/**', '**/renderer/**', '**/cloud-api/**'] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', ...nodeBuiltins], patterns: [...nodeOnlyPackages, '**/main/**', '**/cloud-api/**', '**/sim/**'] }],
    },
  },
);
