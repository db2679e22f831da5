import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{main,contract,cloud-api,sim,renderer,console,electron,scripts,build,test}/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
