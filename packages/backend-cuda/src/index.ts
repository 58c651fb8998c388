import { registerCudaBackend } from './backend.js';

export { createCudaBackend, registerCudaBackend, type CudaBackend, type CudaBackendOptions } from './backend.js';
export type { CudaPyramidOptions } from './build-pyramid.js';
export type { CudaLevel, CudaPyramid } from './cuda-pyramid.js';
export type { CudaGridInput, CudaInput, HalfGrid } from './input.js';
export type { CudaGrid, CudaOpOptions } from './run-op.js';
export type { CudaDeviceInfo } from './device/runtime.js';
export type { CudaDType } from './kernels/names.js';
export { CudaError, type CudaDriver, type DevicePointer, type Dim3, type Handle } from './driver/api.js';
export { DEFAULT_CUDA_LIBRARY, loadKoffiDriver } from './driver/koffi-driver.js';
export { PTX_CHECKED_TARGETS, PTX_CUDA_VERSION, PTX_ISA, PTX_KERNELS, PTX_MIN_DRIVER, PTX_NVCC, PTX_TARGET } from './kernels/ptx.js';
export { fromBfloat16, fromFloat16, toBfloat16, toFloat16 } from '@matryoshka/core';
export { planPyramid, type PyramidOp } from './launch/pyramid-plan.js';
export { fusedGeometry, windowGeometry, type FusedGeometry } from './launch/geometry.js';

// Importing the package makes `getBackend('cuda')` work; the driver is loaded only when asked for.
registerCudaBackend();
