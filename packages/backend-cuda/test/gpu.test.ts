import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenGrid } from '@matryoshka/core';
import { createCudaBackend, type CudaBackend } from '../src/index.js';
import { cudaSuite } from './parity/suite.js';
import { seeded } from './parity/data.js';

// The shared conformance suite and the cuda-only cases on a real GPU, through libcuda.so.1. Skipped, with the reason printed, where
// the backend cannot start (no driver, no device, driver too old for the PTX).
let reason = '';
let backend: CudaBackend | undefined;
let stepwise: CudaBackend | undefined;
try {
  backend = await createCudaBackend();
  stepwise = await createCudaBackend({ fuse: false });
} catch (error) {
  reason = (error as Error).message;
  console.log(`GPU tests skipped: ${reason}`);
}

describe.skipIf(backend === undefined)(
  `cuda on a GPU${backend ? ` (${backend.device.name}, compute ${backend.device.computeCapability}, driver CUDA ${backend.device.driverVersion})` : ''}`,
  () => {
    beforeAll(() => console.log(`GPU: ${backend!.device.name}`));
    afterAll(() => {
      backend?.dispose();
      stepwise?.dispose();
    });
    cudaSuite(() => ({ backend: backend!, stepwise: stepwise!, runs: 200, iterations: 10_000, create: () => createCudaBackend() }));

    it('10,000 default pyramids of a batch: the backend holds no more memory after than before', async () => {
      const b = backend!;
      const g = tokenGrid(seeded(8 * 24 * 24 * 256, 1), { frames: 8, rows: 24, cols: 24, channels: 256 });
      (await b.buildPyramid(g)).dispose();
      await b.synchronize();
      const before = { live: b.liveBuffers, cached: b.cachedBytes };
      for (let i = 0; i < 10_000; i++) (await b.buildPyramid(g)).dispose();
      await b.synchronize();
      expect({ live: b.liveBuffers, cached: b.cachedBytes }).toEqual(before);
    });
  },
);

if (backend === undefined) it.skip(`cuda on a GPU (${reason})`, () => undefined);
