import { afterAll, beforeAll, describe, it } from 'vitest';
import { createCudaBackend, type CudaBackend } from '../src/index.js';
import { fakeLibcuda } from './host/fake-libcuda.js';
import { cudaSuite } from './parity/suite.js';

// The shared conformance suite and the cuda-only cases on the host emulation: kernels/pool.cu
// built by g++ into a fake libcuda.so.1, loaded through koffi like the real driver. Checks the
// kernels' arithmetic and every host-side step (argument packing, launch geometry, memory)
// without a GPU.
const fake = fakeLibcuda();

if (typeof fake === 'string') {
  console.log(`host emulation skipped: ${fake}`);
  it.skip(`host emulation (${fake})`, () => undefined);
} else {
  describe('cuda kernels on the host emulation (fake libcuda)', () => {
    let backend: CudaBackend;
    let stepwise: CudaBackend;
    beforeAll(async () => {
      fake.reset();
      backend = await createCudaBackend({ library: fake.path });
      stepwise = await createCudaBackend({ library: fake.path, fuse: false });
    });
    afterAll(() => {
      backend?.dispose();
      stepwise?.dispose();
    });
    cudaSuite(() => ({ backend, stepwise, runs: 100, iterations: 300, create: () => createCudaBackend({ library: fake.path }) }));
  });
}
