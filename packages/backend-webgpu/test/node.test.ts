import { afterAll, beforeAll, describe, it } from 'vitest';
import { skippedTests } from '@matryoshka/testing/conformance/vitest';
import { nodeFixtures } from '@matryoshka/testing/fixtures';
import { createWebGpuBackend, type WebGpuBackend } from '../src/index.js';
import { webgpuSuite } from './portable/suite.js';
import type { SuiteContext } from './portable/types.js';

// The shared conformance suite and the WebGPU-only cases on Dawn (the `webgpu` package):
// SwiftShader in CI, a real GPU elsewhere. The Chromium page runs the same list (test/browser).

let backend: WebGpuBackend;
const extra: WebGpuBackend[] = [];
let ctx: SuiteContext;

beforeAll(async () => {
  backend = await createWebGpuBackend();
  console.log(`webgpu adapter: ${backend.adapter} (${backend.deviceSource})`);
  ctx = {
    host: 'node (dawn)',
    backend,
    createBackend: async (options) => {
      const b = await createWebGpuBackend(options);
      extra.push(b);
      return b;
    },
    fixtures: nodeFixtures,
  };
});

afterAll(() => {
  for (const b of extra) b.dispose();
  backend?.dispose();
});

describe('webgpu backend in Node', () => {
  const suite = webgpuSuite();
  for (const c of suite.cases) it(c.name, () => c.run(ctx));
  skippedTests(suite.skipped);
});
