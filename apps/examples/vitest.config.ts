import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    // The study runs end to end (real data, real encoder, two runs) in `npm run test:e2e`, so the
    // default `npm test` stays fast; MATRYOSHKA_E2E=1 selects it.
    include: process.env.MATRYOSHKA_E2E === '1' ? ['test/study/study.test.ts'] : ['test/**/*.test.ts'],
    exclude: process.env.MATRYOSHKA_E2E === '1' ? [] : ['test/study/study.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
  },
});
