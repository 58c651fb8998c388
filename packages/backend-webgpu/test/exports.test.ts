import { describe, expect, it } from 'vitest';
import * as webgpu from '../src/index.js';

// Every value the package exports. An addition (or removal) is an API decision: change the list
// here in the same change, and say so in a changeset.
const EXPORTS = ['createWebGpuBackend', 'registerWebGpuBackend'];

describe('@matryoshka/backend-webgpu', () => {
  it('exports the factory and its registration, nothing internal', () => {
    expect(Object.keys(webgpu).sort()).toEqual(EXPORTS);
  });
});
