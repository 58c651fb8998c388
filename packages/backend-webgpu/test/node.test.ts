import { afterAll, beforeAll, describe, it } from 'vitest';
import { createWebGpuBackend, type WebGpuBackend } from '../src/index.js';
import { cases } from './portable/cases.js';
import { loadFloats, loadManifest } from '../../../testing/fixtures.js';
import type { SuiteContext } from './portable/types.js';

// The portable suite on Dawn (the `webgpu` package): SwiftShader in CI, a real GPU elsewhere.

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
    fixtures: {
      manifest: async () => loadManifest(),
      floats: async (file) => loadFloats(file),
    },
  };
});

afterAll(() => {
  for (const b of extra) b.dispose();
  backend?.dispose();
});

describe('webgpu backend in Node', () => {
  for (const c of cases) it(c.name, () => c.run(ctx));
});
