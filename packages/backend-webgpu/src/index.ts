import { registerWebGpuBackend } from './backend.js';

// The user's entry: the factory, its registration and the types. The pass planner and the
// kernels are internal; test/exports.test.ts lists every value here, so an addition is a decision.
export { createWebGpuBackend, registerWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from './backend.js';
export type { WebGpuPyramidOptions } from './build-pyramid.js';
export type { GpuLevel, WebGpuPyramid } from './gpu-pyramid.js';
export type { GpuGridInput, WebGpuInput } from './input.js';
export type { GpuDType } from './kernels/pool-wgsl.js';
export type { GpuGrid, WebGpuOpOptions } from './run-op.js';

// Importing the package makes `getBackend('webgpu')` work; no device is requested until then.
registerWebGpuBackend();
