import { registerCpuBackend } from './backend/cpu-backend.js';

export { createCpuBackend, registerCpuBackend, type CpuBackend, type CpuGrid } from './backend/cpu-backend.js';
export { buildPyramid, type CpuPyramidOptions, type KernelChoice } from './pyramid/build-pyramid.js';
export { avgPool2d, type AvgPool2dOptions } from './ops/avg-pool-2d.js';
export { maxPool2d, type MaxPool2dOptions } from './ops/max-pool-2d.js';
export { adaptiveAvgPool2d, bilinearResize, type ResizeOptions } from './ops/resize.js';
export { avgPool3d, type AvgPool3dOptions } from './ops/avg-pool-3d.js';
export { sequentialSample, spatialSample, type SequentialSampleOptions, type SpatialSampleOptions } from './ops/sampling.js';
export type { NonFiniteOption } from './ops/common.js';

// Importing the package makes `getBackend('cpu')` work. Registration stores a factory only:
// nothing is allocated until a backend is asked for.
registerCpuBackend();
