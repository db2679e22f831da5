// Import boundaries (ARCHITECTURE.md): main/ never imports electron; renderer/ never imports Node
// modules or electron; contract/ imports neither. console/ (the operator console's browser bundle) follows renderer/'s rules. Enforced here and by separate tsconfigs.
// Between the rooms (issue 12): main/ (and electron/) never import cloud-api/; cloud-api/ never imports
// main/; main/hardware/ never imports main/sync/; product code (main/, renderer/, electron/, cloud-api/,
// contract/) never imports sim/. Demo scripts (scripts/), test files (*.test.ts[x]) and test helper
// folders (testing/) may import sim/ and either side, since they drive the real parts together.
// build/import-rules.test.ts proves each rule fires.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', '**/testing/**'];
const NO_ELECTRON = [{ group: ['electron/*', '**/electron/**', '**/renderer/**'], message: 'Only electron/ imports electron; nothing outside renderer/ imports it.' }];
const NO_SIM = { group: ['**/sim/**', '**/sim'], message: 'Product code never imports sim/ (only scripts/, *.test.ts and testing/ helpers may).' };
const NO_CLOUD = { group: ['**/cloud-api/**', '**/cloud-api', '@roluatm/cloud-api', '@roluatm/cloud-api/*'], message: 'The kiosk never imports cloud-api/: they are two deployables that share only contract/.' };
const NO_KIOSK = { group: ['**/main/**', '**/main'], message: 'cloud-api/ never imports the kiosk core (main/): they share only contract/.' };
const NO_SYNC = { group: ['**/sync/**', '**/sync'], message: 'main/hardware/ never imports main/sync/: the payout hardware does not depend on the cloud link.' };
const nodeOnlyPackages = ['better-sqlite3', 'serialport', '@serialport/*', 'pg', '@electric-sql/*', 'pino', 'undici', 'ws', 'node-cron'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-renderer/', 'dist-electron/', 'release/', 'test-results/', 'playwright-report/', '.data/', 'cloud-api/dist/', 'cloud-api/dist-console/', 'cloud-api/.build-test-*/'] },
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
  // One object per file group: flat config does not merge no-restricted-imports, the last match wins.
  {
    files: ['main/**/*.ts', 'cloud-api/**/*.ts', 'sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: NO_ELECTRON }],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: [...NO_ELECTRON, NO_CLOUD, NO_SIM] }],
    },
  },
  {
    files: ['main/hardware/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: [...NO_ELECTRON, NO_CLOUD, NO_SIM, NO_SYNC] }],
    },
  },
  {
    files: ['cloud-api/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: [...NO_ELECTRON, NO_KIOSK, NO_SIM] }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_CLOUD, NO_SIM] }],
    },
  },
  {
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', ...nodeBuiltins], patterns: [{ group: [...nodeOnlyPackages, '**/main/**', '**/renderer/**', '**/cloud-api/**'] }, NO_SIM] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'console/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts', 'console/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', ...nodeBuiltins], patterns: [...nodeOnlyPackages, '**/main/**', '**/cloud-api/**', '**/sim/**'] }],
    },
  },
);
