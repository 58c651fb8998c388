import { registerCudaBackend } from './backend.js';

// The user's entry: the factory, its types, the driver error and the driver the PTX needs.
// Launch planning, the koffi binding and the PTX itself are internal; test/exports.test.ts
// lists every value here, so an addition is a decision.
export { createCudaBackend, registerCudaBackend, type CudaBackend, type CudaBackendOptions } from './backend.js';
export type { CudaPyramidOptions } from './build-pyramid.js';
export type { CudaLevel, CudaPyramid } from './cuda-pyramid.js';
export type { CudaGridInput, CudaInput, HalfGrid } from './input.js';
export type { CudaGrid, CudaOpOptions } from './run-op.js';
export type { CudaDeviceInfo } from './device/runtime.js';
export type { CudaDType } from './kernels/names.js';
export { CudaError, type CudaDriver, type DevicePointer, type Dim3, type Handle } from './driver/api.js';
export { PTX_CUDA_VERSION, PTX_MIN_DRIVER } from './kernels/ptx.js';

// Importing the package makes `getBackend('cuda')` work; the driver is loaded only when asked for.
registerCudaBackend();
