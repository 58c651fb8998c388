/**
 * `@matryoshka/core/backend`: for authors of backends and of packages built on core. Users
 * need only `@matryoshka/core`. A device backend supplies alloc, upload, launch, read and free;
 * `lowerPyramid` says what to launch and `createDevicePyramid` owns the result.
 */
export {
  lowerOp,
  lowerPyramid,
  stepOwners,
  type LevelAction,
  type LoweredOp,
  type LowerOptions,
  type LoweredPyramid,
  type LoweredStep,
  type PassSource,
  type PassWindows,
} from './lower.js';
export { createDevicePyramid, nonFiniteError, type DevicePyramid, type DevicePyramidParts, type DeviceReadResult } from './device-pyramid.js';
export { createDeviceResult, type DeviceResultParts } from './device-result.js';
export { nonFiniteOption, outputTypeOption } from './options.js';
export { stepWindows, unitWindows } from './windows.js';
export { WindowTable } from './window-table.js';
export { registerBackend, type BackendRegistration } from '../backend/registry.js';
export { createTokenPyramid, disposedError, findLevel, selectLevels } from '../backend/pyramid.js';
export { arrayOf, bool, describe, intPair, oneOf, optionsObject, positiveInt, readProperty } from '../validate.js';
export { isSharedMemory, overlapsMemory, plainBytes } from '../memory.js';
export { MAX_AXIS, MAX_AXIS_WEIGHTS, MAX_FRAMES, MAX_LEVELS, checkOutputBytes, maxOutputBytes } from '../plan/limits.js';
export { adaptiveWindows, bilinearWindows, poolOutputSize, poolWindows, type AxisWindow } from '../plan/windows.js';
export { resolvePlanOptions } from '../plan/plan-levels.js';
export { scheduleLevels, type LevelSource, type PoolStep, type Schedule } from '../plan/schedule.js';
export { planOp, type OpPlan } from '../plan/op-windows.js';
