import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // koffi loads native code (the driver, or the tests' fake libcuda): child processes, not threads.
    pool: 'forks',
    // Builds the fake libcuda (g++) once for every test file.
    globalSetup: ['test/host/global-setup.ts'],
  },
});
