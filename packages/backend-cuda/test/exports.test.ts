import { describe, expect, it } from 'vitest';
import * as cuda from '../src/index.js';

// Every value the package exports. An addition (or removal) is an API decision: change the list
// here in the same change, and say so in a changeset.
const EXPORTS = ['CudaError', 'PTX_CUDA_VERSION', 'PTX_MIN_DRIVER', 'createCudaBackend', 'registerCudaBackend'];

describe('@matryoshka/backend-cuda', () => {
  it('exports the factory, the driver error and the driver the PTX needs, nothing internal', () => {
    expect(Object.keys(cuda).sort()).toEqual(EXPORTS);
  });
});
