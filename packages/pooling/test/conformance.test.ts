import { describe } from 'vitest';
import type { AnyBackend, PyramidOptions, TokenGrid } from '@matryoshka/core';
import { CASE, type ConformanceContext } from '@matryoshka/testing/conformance';
import { conformanceTests } from '@matryoshka/testing/conformance/vitest';
import { nodeFixtures } from '@matryoshka/testing/fixtures';
import { createCpuBackend, type CpuBackend, type KernelChoice } from '../src/index.js';

// The backend conformance suite on the cpu backend, once per kernel set: the WebAssembly SIMD
// kernels and the TypeScript ones each meet the PyTorch fixtures (≤ 1e-5 relative) and agree
// with a separate reference instance (the TypeScript kernels) on random shapes.

/** A cpu backend whose pyramids use these kernels (`options.kernels`). */
function withKernels(kernels: KernelChoice): CpuBackend {
  const b = createCpuBackend();
  // Options that are no object go through untouched, so their errors are the backend's own.
  const choose = (options?: PyramidOptions) => (options === undefined || (typeof options === 'object' && options !== null) ? { ...options, kernels } : options);
  return Object.freeze({
    ...b,
    buildPyramid: (input: TokenGrid, options?: PyramidOptions) => b.buildPyramid(input, choose(options)),
    get disposed() {
      return b.disposed;
    },
  });
}

const exclude = {
  // CPU levels belong to the garbage collector: dispose() of a pyramid or result frees nothing,
  // and read() stays valid afterwards (documented in createTokenPyramid).
  [CASE.disposedResults]: 'cpu results own no device memory; dispose() is a no-op and read() stays valid',
};

for (const kernels of ['wasm', 'js'] as const) {
  describe(`cpu backend conformance (${kernels} kernels)`, () => {
    const reference = withKernels('js');
    const ctx: ConformanceContext = {
      host: `node (cpu, ${kernels} kernels)`,
      backend: withKernels(kernels) as AnyBackend,
      reference: reference as AnyBackend,
      createBackend: async () => withKernels(kernels) as AnyBackend,
      fixtures: nodeFixtures,
      // Float16 grids are a device backend's storage type; the cpu backend takes float32 only.
      capabilities: {},
    };
    conformanceTests(() => ctx, ctx.capabilities, exclude);
  });
}
