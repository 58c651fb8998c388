import { registerWebGpuBackend } from './backend.js';

export { createWebGpuBackend, registerWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from './backend.js';
export type { WebGpuPyramidOptions } from './build-pyramid.js';
export type { GpuLevel, WebGpuPyramid } from './gpu-pyramid.js';
export type { GpuGridInput, WebGpuInput } from './input.js';
export type { GpuDType } from './kernels/pool-wgsl.js';
export type { GpuGrid, WebGpuOpOptions } from './run-op.js';
export { fromFloat16, toFloat16 } from '@matryoshka/core';
export { planChunks, type Chunk, type PassGeometry } from './pass/chunks.js';

// Importing the package makes `getBackend('webgpu')` work; no device is requested until then.
registerWebGpuBackend();
